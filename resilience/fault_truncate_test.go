package resilience

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// TestFaultTruncatedBody: the origin declares the full Content-Length, sends
// about half and resets the connection. A player must never get a
// complete-looking 200 with a short body, the broken body must not be
// cached, and once the origin is healthy the edge serves and caches the exact
// origin bytes.
func TestFaultTruncatedBody(t *testing.T) {
	paths := []struct{ name, path string }{
		{"TS segment", "/vod/hls_ts/240p/seg_000.ts"},
		{"fMP4 init", "/vod/hls_fmp4/360p/init.mp4"},
		{"fMP4 segment", "/vod/hls_fmp4/480p/seg_002.m4s"},
		{"2MiB synthetic", "/synthetic/2MiB/truncated.ts"},
	}
	const attempts = 2
	origin := startOrigin(t, "-truncate-rate", "1")
	edge := startEdge(t, origin.URL())
	c := newClient(t, 10*time.Second)

	// While the origin cuts every body: each attempt must be a broken
	// transfer (or an error status), and each goes to the origin again.
	complete := map[string][][]byte{} // 200s that claimed to be whole, checked below
	var broken, errStatus int
	for _, p := range paths {
		for i := range attempts {
			r := get(c, edge.URL(p.path))
			switch {
			case r.err != nil: // the transfer broke: what a player must see
				broken++
			case r.status >= 500:
				errStatus++
			case r.status == http.StatusOK:
				complete[p.path] = append(complete[p.path], r.body)
			default:
				t.Errorf("%s attempt %d: status %d; want a broken transfer or 5xx", p.name, i, r.status)
			}
		}
	}
	t.Logf("during the fault: %d broken transfers, %d error statuses, %d complete 200s", broken, errStatus, len(complete))
	st := origin.stats()
	if st.Faults["truncate"] < int64(len(paths)*attempts) {
		t.Errorf("origin injected %d truncations, want %d (is the fault on?)", st.Faults["truncate"], len(paths)*attempts)
	}
	for _, p := range paths {
		if n := st.count(p.path); n != attempts {
			t.Errorf("%s: origin asked %d times for %d edge requests: a broken body was cached or coalesced into a later request", p.name, n, attempts)
		}
	}

	origin.restart()
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			want := mustGet(t, c, origin.URL()+p.path)
			if want.status != http.StatusOK || len(want.body) == 0 {
				t.Fatalf("origin direct: %d, %d bytes", want.status, len(want.body))
			}
			for i, b := range complete[p.path] {
				if !bytes.Equal(b, want.body) {
					t.Errorf("during the fault, 200 #%d had %d bytes, not the origin's %d: a short body served as complete", i, len(b), len(want.body))
				}
			}
			miss := mustGet(t, c, edge.URL(p.path))
			expect(t, "first request after recovery", miss, http.StatusOK, "Miss")
			hit := mustGet(t, c, edge.URL(p.path))
			expect(t, "second request after recovery", hit, http.StatusOK, "Hit")
			for what, r := range map[string]reply{"miss": miss, "hit": hit} {
				if !bytes.Equal(r.body, want.body) {
					t.Errorf("%s: %d bytes differing from the origin's %d", what, len(r.body), len(want.body))
				}
			}
			if n := origin.stats().count(p.path); n != 2 { // the direct fetch and one fill
				t.Errorf("origin asked %d times after recovery, want 2", n)
			}
		})
	}
	edge.alive()
}
