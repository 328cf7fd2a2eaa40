package edge

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// A live segment that 404s a moment before it is published: past
// -negative-ttl the next request asks the origin and gets the 200, even with
// a default stale-while-revalidate window (errors are never served stale).
func TestErrorsAreNeverServedStale(t *testing.T) {
	t.Parallel()
	var published atomic.Bool
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if !published.Load() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "video/mp2t")
		fmt.Fprint(w, "segment-42")
	})
	p := defaultPolicy()
	p.StaleWhileRevalidate = 10 * time.Second // the shipped default
	p.StaleIfError = 5 * time.Minute
	e := newTestEdge(t, o.URL, edgeOpts{policy: p})
	if r := e.get(t, "GET", "/live/seg_42.ts"); r.status != http.StatusNotFound {
		t.Fatalf("first request: %d", r.status)
	}
	if r := e.get(t, "GET", "/live/seg_42.ts"); r.status != http.StatusNotFound || o.count("/live/seg_42.ts") != 1 {
		t.Fatalf("within -negative-ttl: %d, origin requests %d (want a cached 404)", r.status, o.count("/live/seg_42.ts"))
	}
	published.Store(true)
	time.Sleep(1100 * time.Millisecond) // -negative-ttl 1s
	r := e.get(t, "GET", "/live/seg_42.ts")
	if r.status != http.StatusOK || r.body != "segment-42" {
		t.Fatalf("right after -negative-ttl: %d %q (X-Cache %s), want the published segment",
			r.status, r.body, r.header.Get("X-Cache"))
	}
}

// A cached 404 is not a stale copy to fall back on when the origin then fails.
func TestErrorsAreNotServedOnOriginError(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		http.NotFound(w, r)
	})
	p := defaultPolicy()
	p.StaleIfError = 5 * time.Minute
	e := newTestEdge(t, o.URL, edgeOpts{policy: p})
	e.get(t, "GET", "/gone.ts")
	failing.Store(true)
	time.Sleep(1100 * time.Millisecond)
	if r := e.get(t, "GET", "/gone.ts"); r.status != http.StatusServiceUnavailable {
		t.Fatalf("origin failing after a cached 404 expired: %d, want the origin's 503", r.status)
	}
}
