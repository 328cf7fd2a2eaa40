package resilience

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// TestFaultGarbageManifest: the origin answers manifests with 200 and random
// bytes. The edge never passes them on as a 200: a cached good copy is served
// stale, anything else is 502; a healthy origin brings normal service back.
func TestFaultGarbageManifest(t *testing.T) {
	origin := startOrigin(t)
	edge := startEdge(t, origin.URL(), "-stale-if-error", "30s")
	c := newClient(t, 10*time.Second)

	good := mustGet(t, c, edge.URL(livePlaylist))
	expect(t, "fill from the healthy origin", good, http.StatusOK, "Miss")
	filled := time.Now()

	origin.restart("-garbage-rate", "1")
	if r := mustGet(t, c, origin.URL()+"/vod/hls_ts/master.m3u8"); r.status != http.StatusOK || looksLikeManifest(r.body) {
		t.Fatalf("origin direct: %d %.40q; want 200 garbage (is the fault on?)", r.status, r.body)
	}
	sleepUntil(filled.Add(1200 * time.Millisecond)) // past the playlist's 1 s lifetime

	t.Run("cached: stale", func(t *testing.T) {
		r := mustGet(t, c, edge.URL(livePlaylist))
		expect(t, "expired playlist, garbage from the origin", r, http.StatusOK, "Stale")
		if !bytes.Equal(r.body, good.body) {
			t.Errorf("stale body differs from the good copy:\n%.300s", r.body)
		}
	})
	uncached := []struct{ name, path string }{
		{"HLS master", "/vod/hls_ts/master.m3u8"},
		{"HLS VOD media playlist", "/vod/hls_fmp4/360p/index.m3u8"},
		{"HLS live media playlist", "/live/hls_ts/480p/index.m3u8"},
		{"DASH static MPD", "/vod/dash/manifest.mpd"},
		{"DASH dynamic MPD", "/live/dash/manifest.mpd"},
	}
	for _, u := range uncached {
		t.Run("not cached: "+u.name, func(t *testing.T) {
			for range 2 { // the second shows the first cached nothing
				r := mustGet(t, c, edge.URL(u.path))
				expect(t, "garbage manifest", r, http.StatusBadGateway, "Error")
			}
		})
	}
	if n := origin.stats().Faults["garbage"]; n < int64(2*len(uncached)+1) {
		t.Errorf("origin injected %d garbage manifests, want at least %d", n, 2*len(uncached)+1)
	}

	origin.restart()
	for _, u := range uncached {
		r := mustGet(t, c, edge.URL(u.path))
		expect(t, "after recovery: "+u.name, r, http.StatusOK, "Miss")
		if !looksLikeManifest(r.body) {
			t.Errorf("after recovery: %s: %.80q", u.name, r.body)
		}
	}
	expect(t, "after recovery: cached", mustGet(t, c, edge.URL("/vod/hls_ts/master.m3u8")), http.StatusOK, "Hit")
	if r := mustGet(t, c, edge.URL(livePlaylist)); r.status != http.StatusOK || !looksLikeManifest(r.body) {
		t.Errorf("after recovery: live playlist %d %.80q", r.status, r.body)
	}
	edge.alive()
}
