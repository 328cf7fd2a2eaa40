package distribution

import "testing"

// TestBuildRoutesCompressPerBehavior: a behavior's compress becomes its
// route's Compress; left out, it is on (CloudFront's default).
func TestBuildRoutesCompressPerBehavior(t *testing.T) {
	d := build(t, `origins:
  a: {url: http://127.0.0.1:1}
behaviors:
  - path: /raw/*
    origin: a
    compress: false
  - path: /live/*
    origin: a
default_behavior:
  origin: a
  compress: true
`)
	for path, want := range map[string]bool{"/raw/a.m3u8": false, "/live/a.m3u8": true, "/vod/a.mpd": true} {
		if got := d.Routes.Select(path).Compress; got != want {
			t.Errorf("%s: Compress %v, want %v", path, got, want)
		}
	}
}
