package freshness

import (
	"net/http"
	"testing"
	"time"
)

// TestClampTTLCloudFrontRule is CloudFront's TTL table (Developer Guide,
// "Expiration"; cloudfront.md §3.2), one row per rule.
func TestClampTTLCloudFrontRule(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	in := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	p := TTLs{Min: 0, Default: 24 * time.Hour, Max: 365 * 24 * time.Hour}
	pMin := TTLs{Min: 60 * time.Second, Default: 300 * time.Second, Max: 3600 * time.Second}
	tests := []struct {
		rule   string
		p      TTLs
		header map[string]string
		want   TTLDecision
	}{
		{"no_header_min0_uses_default", p, nil, TTLDecision{TTL: 24 * time.Hour}},
		{"no_header_minpos_uses_default", pMin, nil, TTLDecision{TTL: 300 * time.Second}},
		{"no_header_default_below_min_gets_min", TTLs{Min: 600 * time.Second, Default: 60 * time.Second, Max: time.Hour}, nil, TTLDecision{TTL: 600 * time.Second}},
		{"public_without_lifetime_is_no_header", pMin, map[string]string{"Cache-Control": "public"}, TTLDecision{TTL: 300 * time.Second}},
		{"max_age_within_range_kept", pMin, map[string]string{"Cache-Control": "max-age=120"}, TTLDecision{TTL: 120 * time.Second, FromOrigin: true}},
		{"max_age_below_min_raised_to_min", pMin, map[string]string{"Cache-Control": "max-age=2"}, TTLDecision{TTL: 60 * time.Second, FromOrigin: true}},
		{"max_age_above_max_cut_to_max", pMin, map[string]string{"Cache-Control": "max-age=86400"}, TTLDecision{TTL: time.Hour, FromOrigin: true}},
		{"min0_max_age_cut_only_by_max", p, map[string]string{"Cache-Control": "max-age=5"}, TTLDecision{TTL: 5 * time.Second, FromOrigin: true}},
		{"max_ttl_ignored_without_header", TTLs{Default: 2 * time.Hour, Max: time.Hour}, nil, TTLDecision{TTL: 2 * time.Hour}},
		{"s_maxage_beats_max_age", pMin, map[string]string{"Cache-Control": "max-age=3000, s-maxage=90"}, TTLDecision{TTL: 90 * time.Second, FromOrigin: true}},
		{"max_age_beats_expires", pMin, map[string]string{"Cache-Control": "max-age=100", "Expires": in(30 * time.Minute), "Date": date}, TTLDecision{TTL: 100 * time.Second, FromOrigin: true}},
		{"expires_minus_date", pMin, map[string]string{"Expires": in(10 * time.Minute), "Date": date}, TTLDecision{TTL: 600 * time.Second, FromOrigin: true}},
		{"expires_minus_now_without_date", pMin, map[string]string{"Expires": in(200 * time.Second)}, TTLDecision{TTL: 200 * time.Second, FromOrigin: true}},
		{"expires_past_raised_to_min", pMin, map[string]string{"Expires": in(-time.Hour), "Date": date}, TTLDecision{TTL: 60 * time.Second, FromOrigin: true}},
		{"expires_invalid_is_expired_min0", p, map[string]string{"Expires": "0"}, TTLDecision{TTL: 0, FromOrigin: true}},
		{"no_cache_min0_honoured_revalidate", p, map[string]string{"Cache-Control": "no-cache"}, TTLDecision{TTL: 0}},
		{"no_store_min0_not_stored", p, map[string]string{"Cache-Control": "no-store"}, TTLDecision{NoStore: true}},
		{"private_min0_not_stored", p, map[string]string{"Cache-Control": "private, max-age=60"}, TTLDecision{NoStore: true}},
		{"no_store_minpos_cached_for_min", pMin, map[string]string{"Cache-Control": "no-store"}, TTLDecision{TTL: 60 * time.Second}},
		{"no_cache_minpos_cached_for_min", pMin, map[string]string{"Cache-Control": "no-cache, max-age=3000"}, TTLDecision{TTL: 60 * time.Second}},
		{"private_minpos_cached_for_min", pMin, map[string]string{"Cache-Control": "private"}, TTLDecision{TTL: 60 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			if got := ClampTTL(tc.p, h, now); got != tc.want {
				t.Fatalf("ClampTTL(%+v, %v) = %+v, want %+v", tc.p, tc.header, got, tc.want)
			}
		})
	}
}
