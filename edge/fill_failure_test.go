package edge

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// A range starting past where a failing fill stopped used to panic in the
// fill while holding its lock: every other viewer of that fill then hung.
// Now both viewers finish (cut, counted as aborted streams) and the next
// request finds no fill stuck in flight.
func TestRangePastTheCutOfAFailingFill(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		gate := make(chan struct{})
		o := truncatingOrigin(t, 200000, gate) // promises 200000 bytes, sends 100000, cuts
		e := newTestEdge(t, o.URL, edgeOpts{})
		var wg sync.WaitGroup
		results := make([]result, 2)
		for i, hdr := range [][]string{nil, {"Range", "bytes=150000-"}} {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = e.get(t, "GET", "/cut.mp4", hdr...) }()
		}
		waitFor(t, func() bool { return e.h.group.Followers() >= 1 })
		close(gate)
		waitOrFail(t, &wg, 10*time.Second, "a viewer of the failing fill hangs")
		for i, r := range results {
			if r.err == nil && (r.status == http.StatusOK || r.status == http.StatusPartialContent) {
				t.Fatalf("viewer %d: a clean %d of %d bytes from a failed fill", i, r.status, len(r.body))
			}
		}
		waitFor(t, func() bool { return value(t, e.h.metrics.abortedStreams.(prometheus.Metric)) == 2 })
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
	})
}
