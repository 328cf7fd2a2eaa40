package freshness

import (
	"net/http"
	"strings"
	"time"
)

// TTLs is a CloudFront cache policy's MinTTL, DefaultTTL and MaxTTL
// (Config.TTLs: Decide applies them with ClampTTL).
type TTLs struct {
	Min, Default, Max time.Duration
}

// CloudFront's defaults when a cache policy leaves a TTL out.
const (
	DefaultDefaultTTL = 24 * time.Hour
	DefaultMaxTTL     = 365 * 24 * time.Hour
)

// TTLDecision is how long the edge keeps a response under a policy.
type TTLDecision struct {
	TTL time.Duration // time to live in the edge cache (0: revalidate on every use)
	// NoStore: the origin said no-store or private and MinTTL is 0, so the
	// response is not kept at all.
	NoStore bool
	// FromOrigin: the origin sent s-maxage, max-age or Expires (MaxTTL
	// applied); otherwise DefaultTTL was used.
	FromOrigin bool
}

// ClampTTL applies CloudFront's rule (Developer Guide, "Managing how long
// content stays in the cache"): the origin's lifetime is s-maxage, else
// max-age, else Expires − Date (Date defaults to now);
//   - no-cache, no-store or private: with MinTTL 0 they are honoured (no-cache
//     revalidates on each use, no-store and private are not stored); with
//     MinTTL > 0 the response is kept for MinTTL anyway;
//   - a lifetime from the origin: clamped to [MinTTL, MaxTTL];
//   - none: DefaultTTL, but at least MinTTL.
func ClampTTL(p TTLs, h http.Header, now time.Time) TTLDecision {
	cc := ParseCacheControl(h.Values("Cache-Control"))
	if cc.NoStore || cc.NoCache || cc.Private {
		if p.Min > 0 {
			return TTLDecision{TTL: p.Min}
		}
		return TTLDecision{NoStore: cc.NoStore || cc.Private}
	}
	hdr, ok := originLifetime(cc, h, now)
	if !ok {
		return TTLDecision{TTL: max(p.Min, p.Default)}
	}
	return TTLDecision{TTL: min(max(hdr, p.Min), p.Max), FromOrigin: true}
}

// originLifetime is s-maxage, max-age or Expires − Date; an unparsable
// Expires (such as "0") is already expired.
func originLifetime(cc Directives, h http.Header, now time.Time) (time.Duration, bool) {
	switch {
	case cc.HasSMaxAge:
		return cc.SMaxAge, true
	case cc.HasMaxAge:
		return cc.MaxAge, true
	}
	exp := h.Values("Expires")
	if len(exp) == 0 {
		return 0, false
	}
	expires, err := http.ParseTime(strings.TrimSpace(exp[0]))
	if err != nil {
		return 0, true
	}
	date, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		date = now
	}
	return max(0, expires.Sub(date)), true
}

// keptForMinTTL: with MinTTL > 0 CloudFront keeps a no-store or private
// response for MinTTL anyway.
func keptForMinTTL(reason string, cfg Config) bool {
	return cfg.TTLs != nil && cfg.TTLs.Min > 0 && (reason == "no-store" || reason == "private")
}

// applyTTLs sets a stored response's lifetime by the cache policy. An error
// status without a lifetime from the origin keeps its negative TTL.
func applyTTLs(p *Policy, in Input, explicit bool, t TTLs) {
	if in.Status >= 400 && !explicit {
		return
	}
	d := ClampTTL(t, in.Header, in.ResponseTime)
	p.TTL = d.TTL
	if d.TTL > 0 {
		p.NoCache = false // no-cache with MinTTL > 0: kept for MinTTL
	}
}
