package freshness

import (
	"net/http"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// TestDownstream runs Decide and then Downstream on one origin header and
// checks the Cache-Control and Expires a client of the edge gets.
func TestDownstream(t *testing.T) {
	td4 := manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: 5 * time.Second} // TTL 2.5s
	tests := []struct {
		name        string
		in          Input
		wantCC      string
		wantExpires bool
	}{
		{"live_playlist_max_age_3600_becomes_half_target_duration",
			manifestInput(liveHLS, "Cache-Control", "max-age=3600"), "max-age=3", false},
		{"live_playlist_keeps_other_directives_in_order",
			manifestInput(liveHLS, "Cache-Control", `public, max-age=3600, no-transform, x-ext="a b", stale-if-error=30`),
			`max-age=3, public, no-transform, x-ext="a b", stale-if-error=30`, false},
		{"live_playlist_shorter_origin_max_age_kept",
			manifestInput(liveHLS, "Cache-Control", "max-age=1"), "max-age=1", false},
		{"live_playlist_s_maxage_clamped_and_smaller_max_age_kept",
			manifestInput(liveHLS, "Cache-Control", "max-age=1, s-maxage=3600"), "max-age=1, s-maxage=3", false},
		{"live_playlist_without_freshness_gets_max_age",
			manifestInput(liveHLS), "max-age=3", false},
		{"live_playlist_far_expires_removed",
			manifestInput(liveHLS, "Expires", httpDate(t0.Add(time.Hour))), "max-age=3", false},
		{"live_playlist_fractional_ttl_rounded_down",
			manifestInput(td4, "Cache-Control", "max-age=3600"), "max-age=2", false},
		{"live_playlist_stale_while_revalidate_clamped",
			manifestInput(liveHLS, "Cache-Control", "max-age=3600, stale-while-revalidate=600"),
			"max-age=3, stale-while-revalidate=6", false},
		{"live_playlist_split_lines_become_one",
			manifestInput(liveHLS, "Cache-Control", "public", "Cache-Control", "max-age=3600"), "max-age=3, public", false},
		{"live_playlist_repeated_max_age_smallest_wins",
			manifestInput(liveHLS, "Cache-Control", "max-age=3600, max-age=2"), "max-age=2", false},
		{"live_playlist_no_cache_kept_with_max_age_0",
			manifestInput(liveHLS, "Cache-Control", "no-cache, max-age=3600"), "max-age=0, no-cache", false},
		{"live_playlist_qualified_no_cache_requoted",
			manifestInput(liveHLS, "Cache-Control", `no-cache="X-A, X-B", max-age=3600`), `max-age=3, no-cache="X-A, X-B"`, false},
		{"dash_dynamic_max_age_3600_becomes_2s",
			manifestInput(dynamicMPD(5*time.Second), "Cache-Control", "public, max-age=3600"), "max-age=2, public", false},
		{"dash_dynamic_short_mup",
			manifestInput(dynamicMPD(time.Second), "Cache-Control", "max-age=3600", "Expires", httpDate(t0.Add(time.Hour))),
			"max-age=1", false},

		{"vod_playlist_untouched", manifestInput(vodHLS, "Cache-Control", "max-age=3600", "Expires", httpDate(t0.Add(time.Hour))),
			"max-age=3600", true},
		{"master_playlist_untouched", manifestInput(masterHLS, "Cache-Control", "max-age=3600"), "max-age=3600", false},
		{"static_mpd_untouched", manifestInput(staticMPD, "Cache-Control", "max-age=3600"), "max-age=3600", false},
		{"segment_untouched", with(input("Cache-Control", "max-age=3600"), func(in *Input) { in.Path = "/v/seg1.ts" }),
			"max-age=3600", false},
		{"unstored_live_playlist_untouched", manifestInput(liveHLS, "Cache-Control", "no-store, max-age=3600"),
			"no-store, max-age=3600", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Decide(tc.in, cfg)
			h := tc.in.Header.Clone()
			p.Downstream(h)
			if got := h.Get("Cache-Control"); got != tc.wantCC || len(h.Values("Cache-Control")) != 1 {
				t.Errorf("Cache-Control = %q, want one line %q", h.Values("Cache-Control"), tc.wantCC)
			}
			if got := h.Get("Expires") != ""; got != tc.wantExpires {
				t.Errorf("Expires present = %v, want %v", got, tc.wantExpires)
			}
		})
	}
}

// TestDownstreamIsStable checks that deciding again on a rewritten header
// gives the same policy: the edge stores the rewritten header, and a 304
// refresh without Cache-Control decides on it.
func TestDownstreamIsStable(t *testing.T) {
	for _, in := range []Input{
		manifestInput(liveHLS, "Cache-Control", "max-age=3600, stale-while-revalidate=60"),
		manifestInput(liveHLS, "Cache-Control", "s-maxage=3600, public"),
		manifestInput(liveHLS, "Expires", httpDate(t0.Add(time.Hour))),
		manifestInput(dynamicMPD(2*time.Second), "Cache-Control", "max-age=60, must-revalidate"),
	} {
		p := Decide(in, cfg)
		h := in.Header.Clone()
		p.Downstream(h)
		again := Decide(with(in, func(in *Input) { in.Header = h }), cfg)
		if again.TTL != p.TTL || again.StaleWhileRevalidate != p.StaleWhileRevalidate || again.MustRevalidate != p.MustRevalidate {
			t.Errorf("%q: policy %+v, after rewrite %q: %+v", in.Header.Values("Cache-Control"), p, h.Get("Cache-Control"), again)
		}
	}
}

// FuzzDownstream checks that for any origin Cache-Control on a live
// playlist the rewritten header never lets a client keep it longer than the
// edge does, and stays storable.
func FuzzDownstream(f *testing.F) {
	f.Add("max-age=3600", int64(6000))
	f.Add(`public, no-cache="a,\"b", s-maxage=99, max-age=1`, int64(1))
	f.Add("stale-while-revalidate=x, max-age=", int64(0))
	f.Fuzz(func(t *testing.T, cc string, tdMillis int64) {
		m := manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: time.Duration(tdMillis) * time.Millisecond}
		in := manifestInput(m, "Cache-Control", cc)
		p := Decide(in, cfg)
		if !p.Store {
			return
		}
		h := http.Header{"Cache-Control": {cc}}
		p.Downstream(h)
		d := ParseCacheControl(h.Values("Cache-Control"))
		if !d.HasMaxAge || d.MaxAge > p.TTL || (d.HasSMaxAge && d.SMaxAge > p.TTL) {
			t.Fatalf("%q → %q: lifetime above TTL %v", cc, h.Get("Cache-Control"), p.TTL)
		}
		if d.NoStore || d.Private {
			t.Fatalf("%q → %q: became unstorable", cc, h.Get("Cache-Control"))
		}
	})
}

func TestDownstreamReportsLoweredLifetime(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want bool
	}{
		{"max_age_above_ttl", manifestInput(liveHLS, "Cache-Control", "max-age=3600"), true},
		{"s_maxage_above_ttl", manifestInput(liveHLS, "Cache-Control", "max-age=1, s-maxage=60"), true},
		{"expires", manifestInput(liveHLS, "Expires", httpDate(t0.Add(time.Second))), true},
		{"max_age_within_ttl", manifestInput(liveHLS, "Cache-Control", "max-age=2"), false},
		{"no_freshness", manifestInput(liveHLS), false},
		{"vod", manifestInput(vodHLS, "Cache-Control", "max-age=3600"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(tc.in, cfg).Downstream(tc.in.Header.Clone()); got != tc.want {
				t.Errorf("Downstream lowered = %v, want %v", got, tc.want)
			}
		})
	}
}
