package distribution

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/config"
)

func build(t *testing.T, yaml string) *Distribution {
	t.Helper()
	f, err := config.Parse("edge.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	d, err := Build(context.Background(), f, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// TestBuildRoutesFollowBehaviors: each behavior becomes a route with its
// origin, methods, viewer protocol, TTLs and query key; paths select them
// in order.
func TestBuildRoutesFollowBehaviors(t *testing.T) {
	d := build(t, `origins:
  a: {url: http://127.0.0.1:1}
  b: {url: http://127.0.0.1:2}
origin_groups:
  g: {primary: a, secondary: b}
behaviors:
  - path: /live/*.m3u8
    origin: g
    viewer_protocol: redirect-to-https
    cache_policy: {default_ttl: 1s, max_ttl: 2s, query_strings: {behavior: all}}
  - path: /live/*
    origin: g
    allowed_methods: [GET, HEAD, OPTIONS]
    media: {live_clamp: false}
default_behavior:
  origin: a
`)
	for _, tc := range []struct {
		path, route, origin, viewer string
		methods                     int
		defTTL, maxTTL              time.Duration
		noLiveClamp                 bool
		key                         string // of path?x=1
	}{
		{"/live/a/index.m3u8", "/live/*.m3u8", "g", "redirect-to-https", 2, time.Second, 2 * time.Second, false, "/live/a/index.m3u8?x=1"},
		{"/live/a/seg.ts", "/live/*", "g", "allow-all", 3, 24 * time.Hour, 365 * 24 * time.Hour, true, "/live/a/seg.ts"},
		{"/vod/x.mp4", "*", "a", "allow-all", 2, 24 * time.Hour, 365 * 24 * time.Hour, false, "/vod/x.mp4"},
	} {
		rt := d.Routes.Select(tc.path)
		if rt.Name != tc.route || rt.OriginName != tc.origin || rt.ViewerProtocol != tc.viewer || len(rt.Methods) != tc.methods {
			t.Errorf("%s: route %q origin %q viewer %q methods %v", tc.path, rt.Name, rt.OriginName, rt.ViewerProtocol, rt.Methods)
		}
		if rt.Policy.DefaultTTL != tc.defTTL || rt.Policy.TTLs.Max != tc.maxTTL || rt.Policy.NoLiveClamp != tc.noLiveClamp {
			t.Errorf("%s: policy %+v ttls %+v", tc.path, rt.Policy, *rt.Policy.TTLs)
		}
		if k, err := rt.Keys.FromTarget(tc.path, "x=1"); err != nil || k != tc.key {
			t.Errorf("%s: key %q %v, want %q", tc.path, k, err, tc.key)
		}
	}
}

// TestPingNamesDownOrigins: /readyz's check names each origin a route uses
// that does not answer; a group is up while a member is.
func TestPingNamesDownOrigins(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	d := build(t, `origins:
  up: {url: `+up.URL+`}
  down: {url: http://127.0.0.1:1}
  standby: {url: http://127.0.0.1:1}
origin_groups:
  g: {primary: down, secondary: up}
behaviors:
  - {path: /g/*, origin: g}
  - {path: /d/*, origin: standby}
default_behavior: {origin: up}
`)
	err := d.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "origin standby") || strings.Contains(err.Error(), "origin g") || strings.Contains(err.Error(), "origin down") {
		t.Errorf("Ping: %v, want only standby named", err)
	}
}

// TestDeployEdgeYAMLBuilds: the shipped example distributions load and
// build as `serve -config` would (deploy/edge.yaml's S3 origin takes its
// keys from the standard AWS chain: here the environment).
func TestDeployEdgeYAMLBuilds(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE") // the standard chain: the environment first
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example-secret-example-secret")
	for _, path := range []string{"../../deploy/edge.yaml", "../../deploy/demo.yaml"} {
		f, err := config.Load(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		d, err := Build(context.Background(), f, Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		d.Close()
	}
}
