package config

import (
	"slices"
	"testing"
)

// TestRewriteOffByDefaultAndHostsAccepted: media.rewrite is off unless a
// behavior says edge_relative: true; hosts may be names, IPv4 and IPv6
// literals, each with an optional port (the bad forms are in
// testdata/bad/rewrite*.yaml).
func TestRewriteOffByDefaultAndHostsAccepted(t *testing.T) {
	f, err := Parse("edge.yaml", []byte(`origins:
  a:
    url: http://127.0.0.1:8081
behaviors:
  - path: /live/*
    origin: a
    media:
      rewrite:
        edge_relative: true
        hosts: [cdn.example.com, "10.0.0.5:8080", "[2001:db8::1]:443", Packager.Internal]
default_behavior:
  origin: a
`))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.DefaultBehavior.Media.Rewrite; r.On() {
		t.Errorf("default behavior: rewrite = %+v, want nil (off)", r)
	}
	r := f.Behaviors[0].Media.Rewrite
	if !r.On() || !slices.Equal(r.Hosts, []string{"cdn.example.com", "10.0.0.5:8080", "[2001:db8::1]:443", "Packager.Internal"}) {
		t.Errorf("behaviors[0].media.rewrite = %+v", r)
	}
}
