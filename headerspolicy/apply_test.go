package headerspolicy

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
)

// apply runs p.Apply for a request with Origin origin on a response whose
// origin headers are from.
func apply(t *testing.T, p *config.HeadersPolicy, origin string, from http.Header) http.Header {
	t.Helper()
	pol := mustNew(t, p)
	h := from.Clone()
	if h == nil {
		h = http.Header{}
	}
	pol.Apply(h, pol.Allow(origin))
	return h
}

func TestApplyCORSRules(t *testing.T) {
	star := &config.CORS{AllowOrigins: []string{"*"}, ExposeHeaders: []string{"Content-Length", "Age"}}
	creds := listCORS()
	creds.AllowCredentials = true
	override := listCORS()
	override.OriginOverride = true
	originGrant := http.Header{"Access-Control-Allow-Origin": {"https://origin-choice.example"}}
	for _, tc := range []struct {
		name   string
		cors   *config.CORS
		origin string
		from   http.Header
		want   http.Header // the CORS headers and Vary expected, nothing else set
	}{
		{"star_answers_any_origin_with_star", star, "https://anyone.example", nil,
			http.Header{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Expose-Headers": {"Content-Length, Age"}}},
		{"star_no_vary_origin", star, "", nil, http.Header{}},
		{"listed_origin_echoed_with_vary", listCORS(), player, nil,
			http.Header{"Access-Control-Allow-Origin": {player}, "Vary": {"Origin"}}},
		{"listed_origin_matches_case_insensitively", listCORS(), "HTTPS://Player.Example", nil,
			http.Header{"Access-Control-Allow-Origin": {player}, "Vary": {"Origin"}}},
		{"default_port_is_the_same_origin", listCORS(), player + ":443", nil,
			http.Header{"Access-Control-Allow-Origin": {player}, "Vary": {"Origin"}}},
		{"listed_origin_with_its_port", listCORS(), "http://other.example:8080", nil,
			http.Header{"Access-Control-Allow-Origin": {"http://other.example:8080"}, "Vary": {"Origin"}}},
		{"other_port_is_another_origin", listCORS(), "http://other.example:8081", nil, http.Header{"Vary": {"Origin"}}},
		{"unlisted_origin_gets_no_cors_headers", listCORS(), "https://evil.example", nil, http.Header{"Vary": {"Origin"}}},
		{"no_origin_is_no_cors_request_but_varies", listCORS(), "", nil, http.Header{"Vary": {"Origin"}}},
		{"credentials_added_for_allowed_origin", creds, player, nil,
			http.Header{"Access-Control-Allow-Origin": {player}, "Access-Control-Allow-Credentials": {"true"}, "Vary": {"Origin"}}},
		{"credentials_not_added_for_refused_origin", creds, "https://evil.example", nil, http.Header{"Vary": {"Origin"}}},
		{"origins_value_kept_without_origin_override", listCORS(), player, originGrant,
			http.Header{"Access-Control-Allow-Origin": {"https://origin-choice.example"}, "Vary": {"Origin"}}},
		{"policy_wins_with_origin_override", override, player, originGrant,
			http.Header{"Access-Control-Allow-Origin": {player}, "Vary": {"Origin"}}},
		{"refused_origin_keeps_origins_headers", override, "https://evil.example", originGrant,
			http.Header{"Access-Control-Allow-Origin": {"https://origin-choice.example"}, "Vary": {"Origin"}}},
		{"preflight_only_headers_not_on_responses", &config.CORS{AllowOrigins: []string{"*"}, AllowHeaders: []string{"Range"},
			AllowMethods: []string{"ALL"}, MaxAge: dur(time.Hour)}, player, nil, http.Header{"Access-Control-Allow-Origin": {"*"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := apply(t, &config.HeadersPolicy{CORS: tc.cors}, tc.origin, tc.from)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("headers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestApplySecurityHeaders(t *testing.T) {
	all := config.Security{
		StrictTransportSecurity: &config.HSTS{MaxAge: config.Duration(365 * 24 * time.Hour), IncludeSubdomains: true, Preload: true},
		ContentTypeOptions:      true, FrameOptions: "DENY", ReferrerPolicy: "strict-origin-when-cross-origin",
		ContentSecurityPolicy: "default-src 'self'",
	}
	want := http.Header{
		"Strict-Transport-Security": {"max-age=31536000; includeSubDomains; preload"},
		"X-Content-Type-Options":    {"nosniff"}, "X-Frame-Options": {"DENY"},
		"Referrer-Policy": {"strict-origin-when-cross-origin"}, "Content-Security-Policy": {"default-src 'self'"},
	}
	fromOrigin := http.Header{"X-Frame-Options": {"SAMEORIGIN"}, "Strict-Transport-Security": {"max-age=60"}}
	overridden := all
	overridden.Override = true
	for _, tc := range []struct {
		name string
		sec  config.Security
		from http.Header
		want http.Header
	}{
		{"all_five_added", all, nil, want},
		{"hsts_without_directives", config.Security{StrictTransportSecurity: &config.HSTS{MaxAge: config.Duration(time.Hour)}}, nil,
			http.Header{"Strict-Transport-Security": {"max-age=3600"}}},
		{"origins_values_kept_without_override", all, fromOrigin, merged(want, fromOrigin)},
		{"policy_wins_with_override", overridden, fromOrigin, want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := apply(t, &config.HeadersPolicy{Security: &tc.sec}, "", tc.from)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("headers = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestApplyCustomHeaders(t *testing.T) {
	p := &config.HeadersPolicy{CustomHeaders: []config.CustomHeader{
		{Name: "x-served-by", Value: "edge-1"},
		{Name: "Cache-Control", Value: "public, max-age=2", Override: true},
		{Name: "X-Empty"},
	}}
	for _, tc := range []struct {
		name string
		from http.Header
		want http.Header
	}{
		{"added_canonical_with_empty_value_allowed", nil,
			http.Header{"X-Served-By": {"edge-1"}, "Cache-Control": {"public, max-age=2"}, "X-Empty": {""}}},
		{"origins_kept_without_override_replaced_with", http.Header{"X-Served-By": {"origin"}, "Cache-Control": {"max-age=60"}},
			http.Header{"X-Served-By": {"origin"}, "Cache-Control": {"public, max-age=2"}, "X-Empty": {""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := apply(t, p, "", tc.from); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("headers = %v, want %v", got, tc.want)
			}
		})
	}
}

// CloudFront removes first, then adds: a removed header the policy also adds
// is sent with the policy's value, override or not.
func TestApplyRemovesBeforeAdding(t *testing.T) {
	p := &config.HeadersPolicy{
		RemoveHeaders: []string{"x-powered-by", "Server", "Access-Control-Allow-Origin"},
		CORS:          &config.CORS{AllowOrigins: []string{"*"}},
	}
	from := http.Header{"X-Powered-By": {"php"}, "Server": {"nginx"}, "Access-Control-Allow-Origin": {"https://x.example"}, "Etag": {`"1"`}}
	got := apply(t, p, player, from)
	want := http.Header{"Access-Control-Allow-Origin": {"*"}, "Etag": {`"1"`}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("headers = %v, want %v", got, want)
	}
}

func TestApplyVaryMerge(t *testing.T) {
	for _, tc := range []struct {
		name string
		from []string
		want []string
	}{
		{"none_set", nil, []string{"Origin"}},
		{"accept_encoding_merged", []string{"Accept-Encoding"}, []string{"Accept-Encoding", "Origin"}},
		{"listed_already", []string{"accept-encoding, origin"}, []string{"accept-encoding, origin"}},
		{"star_already_covers", []string{"*"}, []string{"*"}},
		{"other_appended", []string{"Accept-Encoding, Cookie"}, []string{"Accept-Encoding, Cookie", "Origin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from := http.Header{}
			if tc.from != nil {
				from["Vary"] = tc.from
			}
			got := apply(t, &config.HeadersPolicy{CORS: listCORS()}, "", from)
			if !reflect.DeepEqual(got["Vary"], tc.want) {
				t.Errorf("Vary = %q, want %q", got["Vary"], tc.want)
			}
		})
	}
}

// A stored entry's values are shared by every response reading it: Apply
// replaces map entries and never appends into or overwrites a value.
func TestApplyNeverWritesIntoSharedValues(t *testing.T) {
	pol := mustNew(t, &config.HeadersPolicy{CORS: listCORS(), CustomHeaders: []config.CustomHeader{{Name: "X-A", Value: "1", Override: true}}})
	vary := make([]string, 1, 4) // room to append into
	vary[0] = "Cookie"
	xa := []string{"origin"}
	h := http.Header{"Vary": vary, "X-A": xa}
	pol.Apply(h, pol.Allow(player))
	if vary[:2][1] != "" || vary[0] != "Cookie" || xa[0] != "origin" {
		t.Errorf("shared values written through: vary %q, x-a %q", vary[:2], xa)
	}
	// Nor are the policy's own values: a caller appending to them gets a copy.
	h2 := http.Header{}
	pol.Apply(h2, pol.Allow(player))
	h2.Add("X-A", "2")
	h3 := http.Header{}
	pol.Apply(h3, pol.Allow(player))
	if got := h3["X-A"]; len(got) != 1 {
		t.Errorf("an Add on one response reached the next: %q", got)
	}
}

// The hot path: a response to a request without Origin, and one with an
// allowed Origin, cost no allocation (the map has room, as the fasthttp front
// end's recycled one does).
func TestApplyDoesNotAllocate(t *testing.T) {
	pol := mustNew(t, &config.HeadersPolicy{
		CORS:          &config.CORS{AllowOrigins: []string{"https://a.example", player}, AllowCredentials: true, ExposeHeaders: []string{"Age"}},
		Security:      &config.Security{StrictTransportSecurity: &config.HSTS{MaxAge: config.Duration(time.Hour)}, ContentTypeOptions: true},
		CustomHeaders: []config.CustomHeader{{Name: "X-Served-By", Value: "edge"}},
		RemoveHeaders: []string{"X-Powered-By"},
	})
	h, ae := make(http.Header, 32), []string{"Accept-Encoding"}
	for _, origin := range []string{"", player, "https://evil.example"} {
		allocs := testing.AllocsPerRun(100, func() {
			clear(h)
			h["Vary"] = ae
			pol.Apply(h, pol.Allow(origin))
		})
		if allocs != 0 {
			t.Errorf("Origin %q: %v allocations per Apply, want 0", origin, allocs)
		}
	}
}

func TestNilPolicyDoesNothing(t *testing.T) {
	var p *Policy
	h := http.Header{"A": {"1"}}
	p.Apply(h, p.Allow(player))
	if len(h) != 1 || p.HasCORS() {
		t.Errorf("nil policy changed %v", h)
	}
}

func merged(a, b http.Header) http.Header {
	out := a.Clone()
	for k, v := range b {
		out[k] = v
	}
	return out
}
