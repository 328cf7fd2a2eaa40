package distribution

import "testing"

// TestBuildHoldNotYetPublished: media.hold_not_yet_published is on unless
// a behavior sets it false (playlist-aware misses, edge/notyet.go).
func TestBuildHoldNotYetPublished(t *testing.T) {
	d := build(t, `origins:
  a: {url: http://127.0.0.1:1}
behaviors:
  - {path: /final/*, origin: a, media: {hold_not_yet_published: false}}
  - {path: /on/*, origin: a, media: {hold_not_yet_published: true}}
default_behavior:
  origin: a
`)
	for path, off := range map[string]bool{"/final/seg_1.ts": true, "/on/seg_1.ts": false, "/live/seg_1.ts": false} {
		if rt := d.Routes.Select(path); rt.NoHoldNotYet != off {
			t.Errorf("%s (route %s): NoHoldNotYet %v, want %v", path, rt.Name, rt.NoHoldNotYet, off)
		}
	}
}
