package freshness

import (
	"testing"
	"time"
)

// TestErrorCachingMinTTL: CloudFront's error caching rules, one row per rule
// (a 10s minimum, MaxTTL 1m).
func TestErrorCachingMinTTL(t *testing.T) {
	const minTTL, maxTTL = 10 * time.Second, time.Minute
	type row struct {
		name  string
		in    Input
		store bool
		ttl   time.Duration
		min   time.Duration // the row's minimum TTL when not minTTL (-1: 0)
	}
	for _, tc := range []row{
		{"a zero minimum keeps an error only for the origin's lifetime", status(503, "Cache-Control", "max-age=5"), true, 5 * time.Second, -1},
		{"a zero minimum without the origin's lifetime keeps nothing", status(404), false, 0, -1},
		{"a 503 without headers is kept for the minimum", status(503), true, minTTL, 0},
		{"a 404 without headers is kept for the minimum, not -negative-ttl", status(404), true, minTTL, 0},
		{"a longer max-age wins over the minimum", status(503, "Cache-Control", "max-age=30"), true, 30 * time.Second, 0},
		{"a shorter max-age loses to the minimum", status(404, "Cache-Control", "max-age=2"), true, minTTL, 0},
		{"s-maxage counts as the origin's lifetime", status(500, "Cache-Control", "s-maxage=20, max-age=1"), true, 20 * time.Second, 0},
		{"Expires counts as the origin's lifetime", status(502, "Expires", httpDate(t0.Add(40*time.Second))), true, 40 * time.Second, 0},
		{"the origin's lifetime is capped at the behavior's MaxTTL", status(503, "Cache-Control", "max-age=3600"), true, maxTTL, 0},
		{"no-store on a 503 is ignored: kept for the minimum", status(503, "Cache-Control", "no-store"), true, minTTL, 0},
		{"private on a 403 is ignored: kept for the minimum", status(403, "Cache-Control", "private, max-age=30"), true, minTTL, 0},
		{"no-store on a 404 is honoured", status(404, "Cache-Control", "no-store"), false, 0, 0},
		{"no-cache on a 410 is honoured", status(410, "Cache-Control", "no-cache"), true, 0, 0},
		{"416 is never cached", status(416), false, 0, 0},
		{"Set-Cookie keeps an error one viewer's", status(503, "Set-Cookie", "a=1"), false, 0, 0},
		{"the minimum counts from arrival, not from the origin's Age", status(503, "Age", "4"), true, minTTL + 4*time.Second, 0},
		{"a success is not an error", input(), true, cfg.DefaultTTL, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Decide(tc.in, cfg)
			if tc.in.Status >= 500 && !p.Shareable && p.Reason == "status" {
				p.Shareable = true // the edge's rule: a 5xx is shared with the waiters
			}
			m := minTTL
			if tc.min < 0 {
				m = 0
			}
			got := ErrorCaching(p, tc.in, m, maxTTL)
			if got.Store != tc.store || got.TTL != tc.ttl {
				t.Fatalf("store %v ttl %v, want store %v ttl %v (policy %+v)", got.Store, got.TTL, tc.store, tc.ttl, got)
			}
			if got.Store && tc.in.Status >= 400 && (got.StaleIfError != 0 || got.StaleWhileRevalidate != 0) {
				t.Fatalf("an error got stale windows: %+v", got)
			}
		})
	}
}
