package resilience

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// failOnPass fails when r came through the pass-through path (Cache-Status
// fwd=bypass; X-Cache: Miss) although the key is cacheable: a 5xx carrying
// Cache-Control: no-store once made the key pass-through for -pass-ttl,
// bypassing stale-if-error and leaving the key uncached after the origin
// recovered.
func failOnPass(t *testing.T, r reply) {
	t.Helper()
	bypass := strings.Contains(r.header.Get("Cache-Status"), "fwd=bypass")
	if r.err == nil && (bypass || r.isCache("Miss")) && (r.status >= 500 || r.status == http.StatusOK) {
		t.Fatalf("answer came through pass-through (status %d, X-Cache Miss): a 5xx storm made the key pass-through", r.status)
	}
}

// TestFault5xxStorm: every origin answer is 503 (with no-store, as error
// pages often are). Within -stale-if-error the edge serves its stale copy;
// past it, and for what was never cached, the 5xx is passed on and not
// cached; fresh hits never notice; a healthy origin brings normal, cached
// service back.
func TestFault5xxStorm(t *testing.T) {
	const window = 3 * time.Second
	const segment, cold = "/vod/hls_ts/240p/seg_001.ts", "/synthetic/16KiB/storm.ts"
	origin := startOrigin(t)
	edge := startEdge(t, origin.URL(), "-stale-if-error", window.String())
	c := newClient(t, 10*time.Second)

	expect(t, "fill the segment", mustGet(t, c, edge.URL(segment)), http.StatusOK, "Miss")
	expect(t, "fill the playlist", mustGet(t, c, edge.URL(livePlaylist)), http.StatusOK, "Miss")
	filled := time.Now()

	origin.restart("-error-rate", "1")
	sleepUntil(filled.Add(1200 * time.Millisecond)) // expired (1 s lifetime), inside the window

	t.Run("expired copy inside the window: stale", func(t *testing.T) {
		r := mustGet(t, c, edge.URL(livePlaylist))
		if r.status >= 500 {
			failOnPass(t, r)
		}
		expect(t, "expired playlist inside stale-if-error", r, http.StatusOK, "Stale")
	})
	t.Run("fresh hit: unaffected", func(t *testing.T) {
		expect(t, "fresh segment", mustGet(t, c, edge.URL(segment)), http.StatusOK, "Hit")
	})
	t.Run("not cached: 5xx passed on, uncached", func(t *testing.T) {
		passed5xx(t, c, origin, edge.URL(cold), cold, 3)
	})

	sleepUntil(filled.Add(1*time.Second + window + 300*time.Millisecond)) // past expiry + window
	t.Run("past the window: 5xx passed on, uncached", func(t *testing.T) {
		passed5xx(t, c, origin, edge.URL(livePlaylist), livePlaylist, 2)
	})

	origin.restart()
	t.Run("recovery: served and cached", func(t *testing.T) {
		r := mustGet(t, c, edge.URL(cold))
		if r.status != http.StatusOK || len(r.body) != 16<<10 {
			t.Fatalf("after recovery: %d, %d bytes", r.status, len(r.body))
		}
		if r := mustGet(t, c, edge.URL(livePlaylist)); r.status != http.StatusOK || !looksLikeManifest(r.body) {
			t.Fatalf("after recovery: playlist %d %.80q", r.status, r.body)
		}
		r = mustGet(t, c, edge.URL(cold))
		failOnPass(t, r)
		expect(t, "second request after recovery", r, http.StatusOK, "Hit")
	})
	edge.alive()
}

// passed5xx asks n times for path and wants a 5xx each time, each from the
// origin (nothing cached), marked X-Cache: Error.
func passed5xx(t *testing.T, c *http.Client, origin *originProc, url, path string, n int) {
	t.Helper()
	before := origin.stats().count(path)
	var last reply
	for range n {
		last = mustGet(t, c, url)
		if last.status < 500 {
			t.Fatalf("got %d, X-Cache %q; want the origin's 5xx", last.status, last.xcache())
		}
	}
	got := origin.stats().count(path) - before
	if got < int64(n) {
		t.Errorf("origin asked %d times for %d edge requests: a 5xx was cached", got, n)
	}
	failOnPass(t, last)
	if got != int64(n) {
		t.Errorf("origin asked %d times for %d edge requests, want %d", got, n, n)
	}
	if !last.isCache("Error") {
		t.Errorf("5xx with X-Cache %q, want Error", last.xcache())
	}
}
