package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// headersPolicyYAML: the default behavior (GET, HEAD, OPTIONS) has the
// players policy; /plain/* has none.
func headersPolicyYAML(o *namedOrigin, allowOrigin string) string {
	return fmt.Sprintf(`origins:
  vod: {url: %s}
behaviors:
  - path: /plain/*
    origin: vod
default_behavior:
  origin: vod
  allowed_methods: [GET, HEAD, OPTIONS]
  response_headers_policy: players
response_headers_policies:
  players:
    cors:
      allow_origins: [%q]
      allow_headers: [Range]
      expose_headers: [Content-Range]
      max_age: 10m
    security:
      content_type_options: true
    custom_headers:
      - {name: X-Served-By, value: streamedge}
`, o.srv.URL, allowOrigin)
}

// TestServeConfigResponseHeadersPolicy: with `serve -config`, a behavior's
// response_headers_policy answers CORS preflights at the edge (the origin
// sees none) and adds its headers to misses and hits alike; a behavior
// without one is untouched; a reload swaps the policy with the routes.
func TestServeConfigResponseHeadersPolicy(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		const player = "https://player.example"
		vod := newNamedOrigin(t, "vod")
		cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
		writeFile(t, cfgPath, headersPolicyYAML(vod, player))
		e := startEdge(t, "-config", cfgPath)

		pre := request(t, "OPTIONS", e.edge+"/movie/seg1.ts", "Origin", player,
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "range")
		if pre.StatusCode != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Origin") != player ||
			pre.Header.Get("Access-Control-Allow-Headers") != "Range" || pre.Header.Get("Access-Control-Max-Age") != "600" {
			t.Fatalf("preflight: %d %v", pre.StatusCode, pre.Header)
		}
		if n := vod.hits.Load(); n != 0 {
			t.Fatalf("the preflight reached the origin (%d requests)", n)
		}
		for _, want := range []string{"Miss", "Hit"} {
			r := request(t, "GET", e.edge+"/movie/seg1.ts", "Origin", player)
			if !strings.HasPrefix(r.Header.Get("X-Cache"), want) || r.Header.Get("Access-Control-Allow-Origin") != player ||
				r.Header.Get("Access-Control-Expose-Headers") != "Content-Range" || r.Header.Get("Vary") != "Origin" ||
				r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("X-Served-By") != "streamedge" {
				t.Errorf("GET (%s): %v", want, r.Header)
			}
		}
		if r := request(t, "GET", e.edge+"/plain/a.ts", "Origin", player); r.Header.Get("Access-Control-Allow-Origin") != "" ||
			r.Header.Get("X-Served-By") != "" {
			t.Errorf("a behavior without a policy got one: %v", r.Header)
		}
		if m := scrape(t, e.admin); !strings.Contains(m, `streamedge_cors_requests_total{grant="allowed",kind="preflight"} 1`) ||
			!strings.Contains(m, `streamedge_cors_requests_total{grant="allowed",kind="actual"} 2`) {
			t.Errorf("metrics lack the CORS requests:\n%s", grep(m, "streamedge_cors"))
		}

		writeFile(t, cfgPath, headersPolicyYAML(vod, "https://other-player.example"))
		var out, errOut strings.Builder
		if err := reloadCommand([]string{"-admin", strings.TrimPrefix(e.admin, "http://")}, &out, &errOut); err != nil {
			t.Fatalf("streamedge reload: %v: %s", err, errOut.String())
		}
		if r := request(t, "GET", e.edge+"/movie/seg1.ts", "Origin", player); r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("after the reload the old origin is still granted: %v", r.Header)
		}
	})
}

// request sends method to url with header pairs; the body is discarded.
func request(t *testing.T, method, url string, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
