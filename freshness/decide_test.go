package freshness

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

var (
	t0  = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	cfg = Config{DefaultTTL: 24 * time.Hour, NegativeTTL: time.Second, StaleWhileRevalidate: 10 * time.Second, StaleIfError: 60 * time.Second}

	liveHLS   = manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: 6 * time.Second, MediaSequence: 100, Segments: 5}
	vodHLS    = manifest.Info{Format: manifest.HLS, TargetDuration: 6 * time.Second, Segments: 50}
	masterHLS = manifest.Info{Format: manifest.HLS, Master: true}
	staticMPD = manifest.Info{Format: manifest.DASH}
)

func dynamicMPD(mup time.Duration) manifest.Info {
	return manifest.Info{Format: manifest.DASH, Live: true, MinimumUpdatePeriod: mup}
}

func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// input builds a 200 response at t0 with a Date of t0 and the given header
// pairs.
func input(kv ...string) Input {
	h := http.Header{"Date": {httpDate(t0)}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return Input{Status: 200, Header: h, RequestTime: t0, ResponseTime: t0, Path: "/obj"}
}

func with(in Input, f func(*Input)) Input { f(&in); return in }

func status(code int, kv ...string) Input {
	return with(input(kv...), func(in *Input) { in.Status = code })
}

func manifestInput(m manifest.Info, kv ...string) Input {
	return with(input(kv...), func(in *Input) { in.Manifest = m })
}

// stored is the Policy of a stored, shareable response with default windows.
func stored(kind string, ttl time.Duration) Policy {
	return Policy{Store: true, Shareable: true, Kind: kind, TTL: ttl,
		StaleWhileRevalidate: cfg.StaleWhileRevalidate, StaleIfError: cfg.StaleIfError}
}

// storedError is stored for a status >= 400: errors get no stale windows.
func storedError(kind string, ttl time.Duration) Policy {
	return Policy{Store: true, Shareable: true, Kind: kind, TTL: ttl}
}

// liveStored is stored for a live manifest: the configured default
// stale-while-revalidate window does not apply to live manifests.
func liveStored(ttl time.Duration) Policy {
	return liveOf(KindHLSLive, ttl)
}

func liveOf(kind string, ttl time.Duration) Policy {
	return edit(stored(kind, ttl), func(p *Policy) { p.StaleWhileRevalidate = 0 })
}

func refused(reason string) Policy {
	return Policy{Reason: reason, Kind: KindOther}
}

func edit(p Policy, f func(*Policy)) Policy { f(&p); return p }

func TestDecide(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want Policy
	}{
		// Lifetime precedence.
		{"s_maxage_beats_max_age_and_sets_must_revalidate", input("Cache-Control", "max-age=60, s-maxage=30"),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: 30 * time.Second, MustRevalidate: true}},
		{"max_age", input("Cache-Control", "max-age=60"), stored(KindOther, time.Minute)},
		{"expires_minus_date", input("Expires", httpDate(t0.Add(2*time.Minute))), stored(KindOther, 2*time.Minute)},
		{"expires_ignored_when_max_age_present", input("Cache-Control", "max-age=5", "Expires", httpDate(t0.Add(time.Hour))),
			stored(KindOther, 5*time.Second)},
		{"invalid_expires_is_stored_already_stale", input("Expires", "0"), stored(KindOther, 0)},
		{"expires_in_the_past_is_stored_already_stale", input("Expires", httpDate(t0.Add(-time.Hour))), stored(KindOther, 0)},
		{"expires_without_date_measured_from_response_time",
			with(input("Expires", httpDate(t0.Add(time.Minute))), func(in *Input) { in.Header.Del("Date") }),
			stored(KindOther, time.Minute)},
		{"bad_max_age_ignored_falls_back_to_expires", input("Cache-Control", "max-age=soon", "Expires", httpDate(t0.Add(time.Minute))),
			stored(KindOther, time.Minute)},

		// Defaults without explicit lifetime.
		{"no_freshness_info_gets_default_ttl", input(), stored(KindOther, 24*time.Hour)},
		{"segment_gets_default_ttl", with(input(), func(in *Input) { in.Path = "/v/seg00042.m4s" }), stored(KindSegment, 24*time.Hour)},
		{"vod_playlist_gets_default_ttl", manifestInput(vodHLS), stored(KindHLSVOD, 24*time.Hour)},
		{"static_mpd_gets_default_ttl", manifestInput(staticMPD), stored(KindDASHStatic, 24*time.Hour)},
		{"master_playlist_default_60s", manifestInput(masterHLS), stored(KindHLSMaster, time.Minute)},
		{"master_playlist_explicit_max_age_kept", manifestInput(masterHLS, "Cache-Control", "max-age=300"), stored(KindHLSMaster, 5*time.Minute)},
		{"live_playlist_default_half_target_duration", manifestInput(liveHLS), liveStored(3 * time.Second)},
		{"dash_dynamic_default_2s_when_mup_longer", manifestInput(dynamicMPD(5 * time.Second)), liveOf(KindDASHDynamic, 2*time.Second)},
		{"dash_dynamic_default_mup_when_shorter", manifestInput(dynamicMPD(1500 * time.Millisecond)), liveOf(KindDASHDynamic, 1500*time.Millisecond)},
		{"dash_dynamic_default_at_least_1s", manifestInput(dynamicMPD(500 * time.Millisecond)), liveOf(KindDASHDynamic, time.Second)},
		{"dash_dynamic_default_2s_without_mup", manifestInput(dynamicMPD(0)), liveOf(KindDASHDynamic, 2*time.Second)},

		// Live clamp.
		{"live_playlist_clamped_to_half_target_duration", manifestInput(liveHLS, "Cache-Control", "max-age=3600"), liveStored(3 * time.Second)},
		{"live_playlist_shorter_max_age_kept", manifestInput(liveHLS, "Cache-Control", "max-age=1"), liveStored(time.Second)},
		{"live_playlist_expires_clamped", manifestInput(liveHLS, "Expires", httpDate(t0.Add(time.Hour))), liveStored(3 * time.Second)},
		{"live_playlist_stale_while_revalidate_clamped_to_target_duration",
			manifestInput(liveHLS, "Cache-Control", "max-age=2, stale-while-revalidate=60"),
			edit(liveOf(KindHLSLive, 2*time.Second), func(p *Policy) { p.StaleWhileRevalidate = 6 * time.Second })},
		{"live_playlist_gets_no_default_stale_while_revalidate",
			manifestInput(manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: 4 * time.Second}),
			liveOf(KindHLSLive, 2*time.Second)},
		{"dash_dynamic_stale_while_revalidate_clamped",
			manifestInput(dynamicMPD(2*time.Second), "Cache-Control", "max-age=1, stale-while-revalidate=60"),
			edit(liveOf(KindDASHDynamic, time.Second), func(p *Policy) { p.StaleWhileRevalidate = 2 * time.Second })},
		{"dash_dynamic_clamped_to_default", manifestInput(dynamicMPD(2*time.Second), "Cache-Control", "max-age=60"),
			liveOf(KindDASHDynamic, 2*time.Second)},
		{"vod_playlist_not_clamped", manifestInput(vodHLS, "Cache-Control", "max-age=3600"), stored(KindHLSVOD, time.Hour)},

		// Not stored, not shareable.
		{"no_store", input("Cache-Control", "no-store, max-age=60"), refused("no-store")},
		{"private", input("Cache-Control", "private, max-age=60"), refused("private")},
		{"private_uppercase", input("Cache-Control", "PRIVATE"), refused("private")},
		{"set_cookie", input("Set-Cookie", "sid=1"), refused("set-cookie")},
		{"authorization_without_public", with(input("Cache-Control", "max-age=60"), func(in *Input) { in.Authorization = true }),
			refused("authorization")},
		{"authorization_with_public_is_stored", with(input("Cache-Control", "public, max-age=60"), func(in *Input) { in.Authorization = true }),
			stored(KindOther, time.Minute)},
		{"authorization_with_s_maxage_is_stored", with(input("Cache-Control", "s-maxage=60"), func(in *Input) { in.Authorization = true }),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: time.Minute, MustRevalidate: true}},
		{"authorization_with_must_revalidate_is_stored", with(input("Cache-Control", "must-revalidate"), func(in *Input) { in.Authorization = true }),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: 24 * time.Hour, MustRevalidate: true}},
		{"vary_star", input("Vary", "*"), refused("vary")},
		{"vary_user_agent", input("Vary", "User-Agent"), refused("vary")},
		{"vary_other_field_in_list", input("Vary", "Accept-Encoding, User-Agent"), refused("vary")},
		{"vary_other_field_in_second_header", input("Vary", "Accept-Encoding", "Vary", "Accept-Language"), refused("vary")},
		{"vary_accept_encoding_is_stored", input("Vary", "accept-encoding, Accept-Encoding,"), stored(KindOther, 24*time.Hour)},
		{"vary_origin_is_stored", input("Vary", "Origin, Accept-Encoding"), stored(KindOther, 24*time.Hour)},
		{"vary_s3_cors_is_stored", input("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
			stored(KindOther, 24*time.Hour)},

		// no-cache and qualified forms.
		{"no_cache_stored_with_ttl_0", input("Cache-Control", "no-cache, max-age=60"),
			Policy{Store: true, Shareable: true, Kind: KindOther, NoCache: true}},
		{"no_cache_with_field_names_strips_fields", input("Cache-Control", `no-cache="Set-Cookie2, X-Token", max-age=60`),
			edit(stored(KindOther, time.Minute), func(p *Policy) { p.StripFields = []string{"set-cookie2", "x-token"} })},
		{"private_with_field_names_strips_fields", input("Cache-Control", `private="X-User", max-age=60`),
			edit(stored(KindOther, time.Minute), func(p *Policy) { p.StripFields = []string{"x-user"} })},

		// Stale windows.
		{"must_revalidate_drops_default_stale_windows", input("Cache-Control", "max-age=60, must-revalidate"),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: time.Minute, MustRevalidate: true}},
		{"proxy_revalidate_drops_default_stale_windows", input("Cache-Control", "max-age=60, proxy-revalidate"),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: time.Minute, MustRevalidate: true}},
		{"must_revalidate_keeps_origin_stale_windows", input("Cache-Control", "max-age=60, must-revalidate, stale-if-error=30"),
			Policy{Store: true, Shareable: true, Kind: KindOther, TTL: time.Minute, MustRevalidate: true, StaleIfError: 30 * time.Second}},
		{"origin_stale_windows_override_defaults", input("Cache-Control", "max-age=60, stale-while-revalidate=0, stale-if-error=600"),
			edit(stored(KindOther, time.Minute), func(p *Policy) { p.StaleWhileRevalidate, p.StaleIfError = 0, 10*time.Minute })},

		// Status.
		{"server_error_shared_not_stored", status(503, "Cache-Control", "max-age=60"),
			Policy{Shareable: true, Reason: "status", Kind: KindOther}},
		{"bad_gateway_shared_not_stored", status(502), Policy{Shareable: true, Reason: "status", Kind: KindOther}},
		{"not_implemented_cacheable_by_default", status(501), storedError(KindOther, 24*time.Hour)},
		{"not_found_gets_negative_ttl", status(404), storedError(KindOther, time.Second)},
		{"gone_gets_negative_ttl", status(410), storedError(KindOther, time.Second)},
		{"not_found_explicit_freshness_kept", status(404, "Cache-Control", "max-age=30"), storedError(KindOther, 30*time.Second)},
		{"no_content_cacheable_by_default", status(204), stored(KindOther, 24*time.Hour)},
		{"moved_permanently_cacheable_by_default", status(301), stored(KindOther, 24*time.Hour)},
		{"permanent_redirect_cacheable_by_default", status(308), stored(KindOther, 24*time.Hour)},
		{"method_not_allowed_cacheable_by_default", status(405), storedError(KindOther, 24*time.Hour)},
		{"uri_too_long_cacheable_by_default", status(414), storedError(KindOther, 24*time.Hour)},
		{"found_without_freshness_not_stored", status(302), Policy{Shareable: true, Reason: "status", Kind: KindOther}},
		{"found_with_max_age_stored", status(302, "Cache-Control", "max-age=60"), stored(KindOther, time.Minute)},
		{"temporary_redirect_with_expires_stored", status(307, "Expires", httpDate(t0.Add(time.Minute))), stored(KindOther, time.Minute)},
		{"partial_content_without_freshness_not_stored", status(206), Policy{Shareable: true, Reason: "status", Kind: KindOther}},
		{"forbidden_without_freshness_not_stored", status(403), Policy{Shareable: true, Reason: "status", Kind: KindOther}},
		{"error_never_served_stale_even_with_origin_windows",
			status(404, "Cache-Control", "max-age=5, stale-while-revalidate=60, stale-if-error=60"), storedError(KindOther, 5*time.Second)},
		{"gone_never_served_stale", status(410, "Cache-Control", "stale-while-revalidate=30"), storedError(KindOther, time.Second)},
		{"private_beats_status_reason", status(500, "Cache-Control", "private"), refused("private")},

		// Age and bounds.
		{"initial_age_reported", input("Cache-Control", "max-age=60", "Age", "10"),
			edit(stored(KindOther, time.Minute), func(p *Policy) { p.InitialAge = 10 * time.Second })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Decide(tc.in, cfg)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Decide =\n  %+v\nwant\n  %+v", got, tc.want)
			}
		})
	}
}

func TestDecideNegativeConfigGivesZeroDurations(t *testing.T) {
	bad := Config{DefaultTTL: -time.Hour, NegativeTTL: -time.Second, StaleWhileRevalidate: -time.Second, StaleIfError: -time.Second}
	for _, in := range []Input{input(), status(404)} {
		got := Decide(in, bad)
		if got.TTL != 0 || got.StaleWhileRevalidate != 0 || got.StaleIfError != 0 || !got.Store {
			t.Errorf("Decide(status %d) = %+v, want stored with zero durations", in.Status, got)
		}
	}
}

func TestDecideNilHeader(t *testing.T) {
	got := Decide(Input{Status: 200}, cfg)
	if want := stored(KindOther, 24*time.Hour); !reflect.DeepEqual(got, want) {
		t.Errorf("Decide = %+v, want %+v", got, want)
	}
}
