package headerspolicy

import (
	"errors"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
)

func TestIsPreflight(t *testing.T) {
	for _, tc := range []struct {
		method, origin, reqMethod string
		want                      bool
	}{
		{"OPTIONS", player, "GET", true},
		{"OPTIONS", "", "GET", false}, // no Origin: a plain OPTIONS, for the origin
		{"OPTIONS", player, "", false},
		{"GET", player, "GET", false},
		{"options", player, "GET", false}, // methods are case-sensitive
	} {
		if got := IsPreflight(tc.method, tc.origin, tc.reqMethod); got != tc.want {
			t.Errorf("IsPreflight(%q, %q, %q) = %v", tc.method, tc.origin, tc.reqMethod, got)
		}
	}
}

func TestPreflightRules(t *testing.T) {
	full := &config.CORS{AllowOrigins: []string{player}, AllowMethods: []string{"GET", "head", "POST"},
		AllowHeaders: []string{"Range", "X-Playback-Session-Id"}, MaxAge: dur(10 * time.Minute), AllowCredentials: true,
		ExposeHeaders: []string{"Age"}}
	star := &config.CORS{AllowOrigins: []string{"*"}, AllowHeaders: []string{"*"}, AllowMethods: []string{"ALL"}}
	starCreds := &config.CORS{AllowOrigins: []string{player}, AllowHeaders: []string{"*"}, AllowCredentials: true}
	for _, tc := range []struct {
		name                          string
		cors                          *config.CORS
		origin, reqMethod, reqHeaders string
		wantOK                        bool
		want                          http.Header
	}{
		{"allowed_gets_every_preflight_header", full, player, "GET", "range", true, http.Header{
			"Access-Control-Allow-Origin": {player}, "Access-Control-Allow-Methods": {"GET, HEAD, POST"},
			"Access-Control-Allow-Headers": {"Range, X-Playback-Session-Id"}, "Access-Control-Max-Age": {"600"},
			"Access-Control-Allow-Credentials": {"true"}, "Vary": {"Origin"}}},
		{"refused_origin_gets_no_cors_headers", full, "https://evil.example", "GET", "", false, http.Header{"Vary": {"Origin"}}},
		{"unlisted_method_gets_no_cors_headers", full, player, "DELETE", "", false, http.Header{"Vary": {"Origin"}}},
		{"method_compared_case_sensitively", full, player, "get", "", false, http.Header{"Vary": {"Origin"}}},
		{"all_methods_and_star_headers", star, "https://anyone.example", "PATCH", "x-a", true, http.Header{
			"Access-Control-Allow-Origin": {"*"}, "Access-Control-Allow-Methods": {"GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT"},
			"Access-Control-Allow-Headers": {"*"}}},
		{"default_methods_get_head", &config.CORS{AllowOrigins: []string{"*"}}, player, "HEAD", "", true, http.Header{
			"Access-Control-Allow-Origin": {"*"}, "Access-Control-Allow-Methods": {"GET, HEAD"}}},
		{"star_headers_with_credentials_echoes_request", starCreds, player, "GET", "Range , x-custom", true, http.Header{
			"Access-Control-Allow-Origin": {player}, "Access-Control-Allow-Methods": {"GET, HEAD"},
			"Access-Control-Allow-Headers": {"range, x-custom"}, "Access-Control-Allow-Credentials": {"true"},
			"Vary": {"Access-Control-Request-Headers", "Origin"}}},
		{"malformed_request_headers_not_echoed", starCreds, player, "GET", "range, bad header\r\n", true, http.Header{
			"Access-Control-Allow-Origin": {player}, "Access-Control-Allow-Methods": {"GET, HEAD"},
			"Access-Control-Allow-Credentials": {"true"}, "Vary": {"Access-Control-Request-Headers", "Origin"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustNew(t, &config.HeadersPolicy{CORS: tc.cors})
			h := http.Header{}
			status, ok := p.Preflight(h, tc.origin, tc.reqMethod, tc.reqHeaders)
			if status != http.StatusNoContent || ok != tc.wantOK {
				t.Errorf("Preflight = %d, %v; want 204, %v", status, ok, tc.wantOK)
			}
			if !reflect.DeepEqual(h, tc.want) {
				t.Errorf("headers = %v\nwant      %v", h, tc.want)
			}
		})
	}
}

// A preflight is a response the edge sends: the policy's security and custom
// headers are on it, and remove_headers cannot strip the policy's own.
func TestPreflightCarriesSecurityAndCustomHeaders(t *testing.T) {
	p := mustNew(t, &config.HeadersPolicy{
		CORS:          &config.CORS{AllowOrigins: []string{"*"}},
		Security:      &config.Security{ContentTypeOptions: true},
		CustomHeaders: []config.CustomHeader{{Name: "X-Served-By", Value: "edge"}},
		RemoveHeaders: []string{"Access-Control-Allow-Origin"},
	})
	h := http.Header{}
	p.Preflight(h, player, "GET", "")
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Served-By") != "edge" || h.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers = %v", h)
	}
}

func TestRequestHeaderNamesBounds(t *testing.T) {
	long := ""
	for range maxRequestHeaders + 1 {
		long += "x-a,"
	}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"Range", "range", true},
		{" range ,, X-B\t", "range, x-b", true},
		{"a b", "", false},
		{"a:b", "", false},
		{long, "", false},
	} {
		got, ok := requestHeaderNames(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("requestHeaderNames(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNewRefusesWhatConfigRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *config.HeadersPolicy
	}{
		{"origin_not_serialized", &config.HeadersPolicy{CORS: &config.CORS{AllowOrigins: []string{"player.example/x"}}}},
		{"star_with_credentials", &config.HeadersPolicy{CORS: &config.CORS{AllowOrigins: []string{"*"}, AllowCredentials: true}}},
		{"no_origins", &config.HeadersPolicy{CORS: &config.CORS{}}},
		{"unknown_method", &config.HeadersPolicy{CORS: &config.CORS{AllowOrigins: []string{"*"}, AllowMethods: []string{"FETCH"}}}},
		{"bad_allow_header", &config.HeadersPolicy{CORS: &config.CORS{AllowOrigins: []string{"*"}, AllowHeaders: []string{"a b"}}}},
		{"custom_value_with_crlf", &config.HeadersPolicy{CustomHeaders: []config.CustomHeader{{Name: "X-A", Value: "1\r\nSet-Cookie: a=b"}}}},
		{"custom_bad_name", &config.HeadersPolicy{CustomHeaders: []config.CustomHeader{{Name: "X A", Value: "1"}}}},
		{"remove_bad_name", &config.HeadersPolicy{RemoveHeaders: []string{"a:b"}}},
		{"csp_with_newline", &config.HeadersPolicy{Security: &config.Security{ContentSecurityPolicy: "a\nb"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.p); !errors.Is(err, ErrInvalid) {
				t.Errorf("New = %v, want ErrInvalid", err)
			}
		})
	}
	if p, err := New(nil); p != nil || err != nil {
		t.Errorf("New(nil) = %v, %v; want no policy", p, err)
	}
}

// The policy as an edge.yaml declares it (config's parser, defaults and
// validation) compiles to the headers the README shows.
func TestNewFromEdgeYAML(t *testing.T) {
	f, err := config.Parse("edge.yaml", []byte(`
origins:
  packager:
    url: http://127.0.0.1:8081
default_behavior:
  origin: packager
  response_headers_policy: players
response_headers_policies:
  players:
    cors:
      allow_origins: ["https://player.example"]
      allow_headers: [Range]
      expose_headers: [Content-Length, Content-Range]
      max_age: 10m
    security:
      strict_transport_security: {max_age: 365d, include_subdomains: true}
      content_type_options: true
      referrer_policy: strict-origin-when-cross-origin
    custom_headers:
      - {name: X-Served-By, value: streamedge}
    remove_headers: [X-Powered-By]
`))
	if err != nil {
		t.Fatal(err)
	}
	p := mustNew(t, f.ResponseHeadersPolicies[f.DefaultBehavior.ResponseHeadersPolicy])
	pre := http.Header{}
	if _, ok := p.Preflight(pre, player, "GET", "range"); !ok {
		t.Fatalf("preflight refused: %v", pre)
	}
	if got := pre.Get("Access-Control-Allow-Methods"); got != "GET, HEAD" {
		t.Errorf("Allow-Methods = %q, want config's default GET, HEAD", got)
	}
	if got := pre.Get("Access-Control-Max-Age"); got != "600" {
		t.Errorf("Max-Age = %q", got)
	}
	h := http.Header{"X-Powered-By": {"php"}}
	p.Apply(h, p.Allow(player))
	want := http.Header{"Access-Control-Allow-Origin": {player}, "Access-Control-Expose-Headers": {"Content-Length, Content-Range"},
		"Vary": {"Origin"}, "Strict-Transport-Security": {"max-age=31536000; includeSubDomains"}, "X-Content-Type-Options": {"nosniff"},
		"Referrer-Policy": {"strict-origin-when-cross-origin"}, "X-Served-By": {"streamedge"}}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("headers = %v\nwant      %v", h, want)
	}
}

// Compile builds each named policy once; behaviors share it.
func TestCompileFileSharesPolicies(t *testing.T) {
	f, err := config.Load("../deploy/edge.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Compile(f)
	if err != nil {
		t.Fatal(err)
	}
	p := ps[f.DefaultBehavior.ResponseHeadersPolicy]
	if p == nil || !p.HasCORS() || ps[f.Behaviors[0].ResponseHeadersPolicy] != p {
		t.Fatalf("policies %v", ps)
	}
	if ps[""] != nil {
		t.Error("no name is no policy")
	}
	bad := &config.File{ResponseHeadersPolicies: map[string]*config.HeadersPolicy{"x": {RemoveHeaders: []string{"a b"}}}}
	if _, err := Compile(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Compile = %v, want ErrInvalid", err)
	}
}
