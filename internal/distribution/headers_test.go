package distribution

import (
	"net/http"
	"testing"
)

// TestBuildRoutesCarryHeadersPolicies: a behavior's response_headers_policy
// is on its route, compiled once: the behaviors naming it share it; a
// behavior without one has none.
func TestBuildRoutesCarryHeadersPolicies(t *testing.T) {
	d := build(t, `origins:
  a: {url: http://127.0.0.1:1}
behaviors:
  - {path: /live/*, origin: a, response_headers_policy: players}
  - {path: /plain/*, origin: a}
default_behavior: {origin: a, response_headers_policy: players}
response_headers_policies:
  players:
    cors: {allow_origins: ["https://player.example"]}
    custom_headers: [{name: X-Served-By, value: streamedge}]
`)
	live, plain, def := d.Routes.Select("/live/a.ts"), d.Routes.Select("/plain/a.ts"), d.Routes.Select("/vod/a.ts")
	if live.Headers == nil || live.Headers != def.Headers || plain.Headers != nil {
		t.Fatalf("policies: live %p, default %p, plain %p", live.Headers, def.Headers, plain.Headers)
	}
	h := http.Header{}
	live.Headers.Apply(h, live.Headers.Allow("https://player.example"))
	if h.Get("Access-Control-Allow-Origin") != "https://player.example" || h.Get("X-Served-By") != "streamedge" {
		t.Errorf("the route's policy adds %v", h)
	}
}
