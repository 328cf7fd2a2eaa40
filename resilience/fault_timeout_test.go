package resilience

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// livePlaylist is a live HLS media playlist: the test origin and the edge
// give it a 1 s lifetime (TARGETDURATION/2) and no stale-while-revalidate, so
// it is the object that goes stale within a test's time.
const livePlaylist = "/live/hls_ts/240p/index.m3u8"

// TestFaultOriginTimeout: an origin slower than -origin-timeout gives 504
// for what is not cached and the stale copy for what is, and the edge serves
// normally once the origin is fast again.
func TestFaultOriginTimeout(t *testing.T) {
	origin := startOrigin(t)
	edge := startEdge(t, origin.URL(), "-origin-timeout", "1s", "-stale-if-error", "30s")
	c := newClient(t, 10*time.Second)

	good := mustGet(t, c, edge.URL(livePlaylist))
	expect(t, "fill from the healthy origin", good, http.StatusOK, "Miss")
	filled := time.Now()

	origin.restart("-latency", "3s")
	sleepUntil(filled.Add(1200 * time.Millisecond)) // the playlist's 1 s lifetime is over

	t.Run("not cached: 504", func(t *testing.T) {
		r := mustGet(t, c, edge.URL("/synthetic/16KiB/timeout-cold.ts"))
		expect(t, "uncached object, slow origin", r, http.StatusGatewayTimeout, "Error")
		if r.took < 900*time.Millisecond || r.took > 2500*time.Millisecond {
			t.Errorf("504 after %v; want about the 1s -origin-timeout", r.took)
		}
	})
	t.Run("cached: stale within stale-if-error", func(t *testing.T) {
		r := mustGet(t, c, edge.URL(livePlaylist))
		expect(t, "expired playlist, slow origin", r, http.StatusOK, "Stale")
		if !bytes.Equal(r.body, good.body) {
			t.Errorf("stale body differs from the cached copy:\n%s\nwant\n%s", r.body, good.body)
		}
	})

	origin.restart()
	r := mustGet(t, c, edge.URL("/synthetic/16KiB/timeout-cold.ts"))
	expect(t, "after recovery: the 504 was not cached", r, http.StatusOK, "Miss")
	if len(r.body) != 16<<10 {
		t.Errorf("after recovery: %d bytes, want %d", len(r.body), 16<<10)
	}
	expect(t, "after recovery: cached", mustGet(t, c, edge.URL("/synthetic/16KiB/timeout-cold.ts")), http.StatusOK, "Hit")
	r = mustGet(t, c, edge.URL(livePlaylist))
	if r.status != http.StatusOK || !looksLikeManifest(r.body) {
		t.Errorf("after recovery: playlist %d %q", r.status, r.body)
	}
	edge.alive()
}
