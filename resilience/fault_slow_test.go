package resilience

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// TestFaultSlowOriginOutlivesClient: the origin takes 2 s, the client gives
// up after 500 ms. The edge's fill is detached from that client: it
// completes, is stored, and the next client gets a Hit without another
// origin request.
func TestFaultSlowOriginOutlivesClient(t *testing.T) {
	origin := startOrigin(t, "-latency", "2s")
	edge := startEdge(t, origin.URL(), "-origin-timeout", "10s")
	objects := []struct {
		name, path string
		size       int64 // bytes the origin writes
	}{
		{"segment", "/synthetic/64KiB/slow.ts", 64 << 10},
		{"manifest", "/synthetic/4KiB/slow.m3u8", 4 << 10},
	}
	for _, o := range objects {
		t.Run(o.name, func(t *testing.T) {
			t.Parallel()
			impatient := newClient(t, 500*time.Millisecond)
			r := get(impatient, edge.URL(o.path))
			if r.err == nil {
				t.Fatalf("impatient client got %d after %v; want it to time out", r.status, r.took)
			}
			// The fill goes on: wait for the origin to have written the body.
			deadline := time.Now().Add(8 * time.Second)
			for origin.stats().Paths[o.path].Bytes < o.size {
				if time.Now().After(deadline) {
					t.Fatalf("origin never finished the body: %+v", origin.stats().Paths[o.path])
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond) // the edge stores once the body is in
			hit := mustGet(t, newClient(t, 5*time.Second), edge.URL(o.path))
			expect(t, "next client", hit, http.StatusOK, "Hit")
			if hit.took > time.Second {
				t.Errorf("the hit took %v: it waited for the origin", hit.took)
			}
			if n := origin.stats().count(o.path); n != 1 {
				t.Errorf("origin asked %d times, want 1", n)
			}
			want := mustGet(t, newClient(t, 5*time.Second), origin.URL()+o.path)
			if !bytes.Equal(hit.body, want.body) {
				t.Errorf("hit: %d bytes differing from the origin's %d", len(hit.body), len(want.body))
			}
		})
	}
	t.Cleanup(edge.alive)
}
