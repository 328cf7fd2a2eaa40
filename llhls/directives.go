package llhls

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/streamedge/streamedge/failure"
)

// Skip modes of _HLS_skip (§6.2.5.1).
const (
	SkipNone = ""
	SkipYes  = "YES"
	SkipV2   = "v2"
)

// directiveNames are the delivery directives that select a representation:
// kept in the cache key, stripped to name the rendition.
var directiveNames = map[string]bool{"_HLS_msn": true, "_HLS_part": true, "_HLS_skip": true}

// maxPart bounds _HLS_part (a real part index is tiny).
const maxPart = 1 << 20

// Directives are a playlist request's delivery directives.
type Directives struct {
	MSN     int64
	Part    int
	HasMSN  bool
	HasPart bool
	Skip    string // SkipNone, SkipYes or SkipV2
}

// Blocking reports whether the request asks the edge to hold it.
func (d Directives) Blocking() bool { return d.HasMSN }

// Any reports whether any directive is present.
func (d Directives) Any() bool { return d.HasMSN || d.HasPart || d.Skip != SkipNone }

// Parse reads the directives of a raw (or normalised) query string. Values
// must be decimal integers (skip: YES or v2), each given at most once, and
// _HLS_part needs _HLS_msn (§6.2.5.2: MUST 400). Errors wrap
// failure.ErrBadDirective.
func Parse(rawQuery string) (Directives, error) {
	var d Directives
	seen := map[string]bool{}
	for rawQuery != "" {
		var p string
		p, rawQuery, _ = strings.Cut(rawQuery, "&")
		name, value, _ := strings.Cut(p, "=")
		if !directiveNames[name] {
			continue
		}
		if seen[name] {
			return Directives{}, fmt.Errorf("%w: %s given twice", failure.ErrBadDirective, name)
		}
		seen[name] = true
		if err := d.set(name, value); err != nil {
			return Directives{}, err
		}
	}
	if d.HasPart && !d.HasMSN {
		return Directives{}, fmt.Errorf("%w: _HLS_part without _HLS_msn", failure.ErrBadDirective)
	}
	return d, nil
}

func (d *Directives) set(name, value string) error {
	switch name {
	case "_HLS_skip":
		if value != SkipYes && value != SkipV2 {
			return fmt.Errorf("%w: _HLS_skip=%q (want YES or v2)", failure.ErrBadDirective, value)
		}
		d.Skip = value
	case "_HLS_msn":
		n, err := decimal(name, value, 1<<62)
		d.MSN, d.HasMSN = n, true
		return err
	case "_HLS_part":
		n, err := decimal(name, value, maxPart)
		d.Part, d.HasPart = int(n), true
		return err
	}
	return nil
}

// decimal parses a non-negative decimal integer (digits only) up to limit.
func decimal(name, v string, limit int64) (int64, error) {
	if v == "" || len(v) > 19 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %s=%q is not a decimal integer", failure.ErrBadDirective, name, v)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > limit {
		return 0, fmt.Errorf("%w: %s=%q is out of range", failure.ErrBadDirective, name, v)
	}
	return n, nil
}

// Rendition is the key of a request without its delivery directives: the
// playlist whose state answers it. key is a cache key (path?query, the
// query normalised).
func Rendition(key string) string {
	path, query, ok := strings.Cut(key, "?")
	if !ok {
		return key
	}
	kept := make([]string, 0, 4)
	for query != "" {
		var p string
		p, query, _ = strings.Cut(query, "&")
		if name, _, _ := strings.Cut(p, "="); !directiveNames[name] {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return path
	}
	return path + "?" + strings.Join(kept, "&")
}
