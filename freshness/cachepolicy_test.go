package freshness

import (
	"net/http"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
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

// TestDecideWithCachePolicy: with a behavior's cache policy (Config.TTLs)
// Decide stores by CloudFront's clamp, keeps no-store/private for MinTTL,
// leaves errors without a lifetime at NegativeTTL and still clamps live
// playlists unless the behavior turns that off.
func TestDecideWithCachePolicy(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	pol := TTLs{Min: 0, Default: time.Hour, Max: 10 * time.Minute}
	withMin := TTLs{Min: 30 * time.Second, Default: time.Hour, Max: 10 * time.Minute}
	tests := []struct {
		rule        string
		ttls        TTLs
		status      int
		cc          string
		info        manifest.Info
		noLiveClamp bool
		store       bool
		ttl         time.Duration
	}{
		{"no_lifetime_gets_default_ttl", pol, 200, "", manifest.Info{}, false, true, time.Hour},
		{"origin_lifetime_cut_to_max_ttl", pol, 200, "max-age=86400", manifest.Info{}, false, true, 10 * time.Minute},
		{"no_store_min0_not_stored", pol, 200, "no-store", manifest.Info{}, false, false, 0},
		{"no_store_kept_for_min_ttl", withMin, 200, "no-store", manifest.Info{}, false, true, 30 * time.Second},
		{"private_kept_for_min_ttl", withMin, 200, "private", manifest.Info{}, false, true, 30 * time.Second},
		{"no_cache_kept_for_min_ttl", withMin, 200, "no-cache", manifest.Info{}, false, true, 30 * time.Second},
		{"error_without_lifetime_keeps_negative_ttl", withMin, 404, "", manifest.Info{}, false, true, time.Second},
		{"live_playlist_still_clamped", pol, 200, "max-age=3600", liveHLS, false, true, 3 * time.Second},
		{"live_clamp_off_by_behavior", pol, 200, "max-age=3600", liveHLS, true, true, 10 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			h := http.Header{}
			if tc.cc != "" {
				h.Set("Cache-Control", tc.cc)
			}
			ttls := tc.ttls
			cfg := Config{DefaultTTL: ttls.Default, NegativeTTL: time.Second, TTLs: &ttls, NoLiveClamp: tc.noLiveClamp}
			p := Decide(Input{Status: tc.status, Header: h, RequestTime: now, ResponseTime: now, Manifest: tc.info}, cfg)
			if p.Store != tc.store || p.TTL != tc.ttl {
				t.Fatalf("store %v ttl %v, want store %v ttl %v (%+v)", p.Store, p.TTL, tc.store, tc.ttl, p)
			}
		})
	}
}
