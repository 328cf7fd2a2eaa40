package freshness

import (
	"strconv"
	"strings"
	"time"
)

// Directives is a parsed Cache-Control response header (RFC 9111 §5.2.2,
// RFC 5861). Durations are only meaningful when the matching Has flag is set.
type Directives struct {
	MaxAge                  time.Duration
	SMaxAge                 time.Duration
	StaleWhileRevalidate    time.Duration
	StaleIfError            time.Duration
	HasMaxAge               bool
	HasSMaxAge              bool
	HasStaleWhileRevalidate bool
	HasStaleIfError         bool

	NoStore         bool
	NoCache         bool // unqualified no-cache
	Private         bool // unqualified private
	Public          bool
	MustRevalidate  bool
	ProxyRevalidate bool
	Immutable       bool

	// Field names of the qualified forms no-cache="…" and private="…",
	// lower-cased, at most maxFieldNames each.
	NoCacheFields []string
	PrivateFields []string
}

const (
	// maxDelta is what RFC 9111 §1.2.2 says an overflowing delta-seconds
	// value becomes: 2^31 seconds.
	maxDelta = (1 << 31) * time.Second
	// maxFieldNames bounds a qualified no-cache/private list; a longer list
	// is treated as the unqualified directive.
	maxFieldNames = 16
)

// ParseCacheControl parses the values of one or more Cache-Control header
// lines. It is tolerant and does linear, bounded work:
//   - directive names are case-insensitive; values may be tokens or quoted
//     strings (so max-age="60" is 60), commas inside quotes do not split;
//   - a numeric directive whose value is not a non-negative integer is
//     ignored (as if absent); values above 2^31 s become 2^31 s;
//   - a repeated numeric directive keeps its smallest (most restrictive)
//     value; a boolean directive is set by any occurrence; an unqualified
//     no-cache or private wins over qualified ones, and a qualified list
//     longer than 16 names counts as unqualified;
//   - unknown directives are ignored.
func ParseCacheControl(values []string) Directives {
	var d Directives
	for _, v := range values {
		for v != "" {
			var name, arg string
			var hasArg bool
			name, arg, hasArg, v = nextDirective(v)
			d.apply(strings.ToLower(name), arg, hasArg)
		}
	}
	return d
}

func (d *Directives) apply(name, arg string, hasArg bool) {
	switch name {
	case "max-age":
		setDelta(&d.MaxAge, &d.HasMaxAge, arg)
	case "s-maxage":
		setDelta(&d.SMaxAge, &d.HasSMaxAge, arg)
	case "stale-while-revalidate":
		setDelta(&d.StaleWhileRevalidate, &d.HasStaleWhileRevalidate, arg)
	case "stale-if-error":
		setDelta(&d.StaleIfError, &d.HasStaleIfError, arg)
	case "no-store":
		d.NoStore = true
	case "no-cache":
		d.NoCacheFields = addFields(d.NoCacheFields, &d.NoCache, arg, hasArg)
	case "private":
		d.PrivateFields = addFields(d.PrivateFields, &d.Private, arg, hasArg)
	case "public":
		d.Public = true
	case "must-revalidate":
		d.MustRevalidate = true
	case "proxy-revalidate":
		d.ProxyRevalidate = true
	case "immutable":
		d.Immutable = true
	}
}

// setDelta stores a delta-seconds value, keeping the smallest of repeats.
func setDelta(dst *time.Duration, has *bool, arg string) {
	v, ok := parseDelta(arg)
	if !ok || (*has && *dst <= v) {
		return
	}
	*dst, *has = v, true
}

// parseDelta parses delta-seconds (1*DIGIT), saturating at 2^31 seconds.
func parseDelta(s string) (time.Duration, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	s = strings.TrimLeft(s, "0")
	if len(s) > 10 {
		return maxDelta, true
	}
	n, _ := strconv.ParseInt("0"+s, 10, 64)
	return min(time.Duration(n)*time.Second, maxDelta), true
}

// addFields records the field names of a qualified directive, or sets the
// unqualified flag when there are none or too many.
func addFields(fields []string, unqualified *bool, arg string, hasArg bool) []string {
	if *unqualified {
		return nil
	}
	for f := range strings.SplitSeq(arg, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f == "" {
			continue
		}
		if len(fields) == maxFieldNames {
			*unqualified = true
			return nil
		}
		fields = append(fields, f)
	}
	if !hasArg || len(fields) == 0 {
		*unqualified = true
		return nil
	}
	return fields
}
