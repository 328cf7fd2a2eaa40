package edge

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// newLimitedEdge is newTestEdge with the fill limits and the origin's own
// cap set by the caller.
func newLimitedEdge(t *testing.T, originURL string, cfg Config, originFills int) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: 5 * time.Second, DialTimeout: time.Second, MaxFills: originFills})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = segments.New(segments.Config{MaxBytes: 256 << 20, HotBytes: 16 << 20})
	cfg.Origin, cfg.Keys, cfg.Policy, cfg.Registry = oc, cachekey.New(cachekey.Config{}), defaultPolicy(), prometheus.NewRegistry()
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u2, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	t.Cleanup(oc.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 1000, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: u2, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}
}

// heldOrigin serves size bytes with Content-Length; /held/ paths send half
// and wait for release.
func heldOrigin(t *testing.T, size int, release <-chan struct{}) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		body := bytes.Repeat([]byte("m"), size)
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = w.Write(body[:size/2])
		w.(http.Flusher).Flush()
		if len(r.URL.Path) > 6 && r.URL.Path[:6] == "/held/" {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		_, _ = w.Write(body[size/2:])
	})
}

// Beyond a fill limit a miss waits -fill-wait, then gets 503 with Retry-After
// and a one-line body; the fill holding the limit is unaffected, and the
// refused key is served once the limit frees.
func TestFillLimitsAnswer503WithRetryAfter(t *testing.T) {
	t.Parallel()
	const size = 60 << 10
	tests := []struct {
		name        string
		cfg         Config
		originFills int
		limit       string
	}{
		{"total_fills", Config{MaxFills: 1}, 0, "fills"},
		{"origin_fills", Config{}, 1, "origin_fills"},
		{"fill_bytes", Config{MaxObjectSize: 64 << 10, MaxFillBytes: 64 << 10}, 0, "fill_bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			o := heldOrigin(t, size, release)
			tc.cfg.FillWait = 150 * time.Millisecond
			e := newLimitedEdge(t, o.URL, tc.cfg, tc.originFills)
			held := make(chan result, 1)
			go func() { held <- e.get(t, "GET", "/held/a.mp4") }()
			waitFor(t, func() bool { return o.count("/held/a.mp4") == 1 })
			time.Sleep(20 * time.Millisecond) // the held fill has its head and bytes
			start := time.Now()
			r := e.get(t, "GET", "/b.mp4")
			if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !bytes.Contains([]byte(r.body), []byte("503")) {
				t.Fatalf("over the limit: %d Retry-After %q %q", r.status, r.header.Get("Retry-After"), r.body)
			}
			if d := time.Since(start); d < 100*time.Millisecond || d > 3*time.Second {
				t.Fatalf("refused after %s, want about -fill-wait", d)
			}
			if n := value(t, e.h.limits.refused.WithLabelValues(tc.limit)); n != 1 {
				t.Fatalf("refused{limit=%s} = %v", tc.limit, n)
			}
			close(release)
			if r := <-held; r.err != nil || r.status != 200 || len(r.body) != size {
				t.Fatalf("the held fill: %d, %d bytes, %v", r.status, len(r.body), r.err)
			}
			waitFor(t, func() bool { return e.h.group.InFlight() == 0 && e.h.limits.held.Load() == 0 })
			if r := e.get(t, "GET", "/b.mp4"); r.status != 200 || len(r.body) != size {
				t.Fatalf("after the limit freed: %d, %d bytes", r.status, len(r.body))
			}
		})
	}
}

// A flood of cache-busting misses whose clients hang up at once, against a
// slow origin: origin connections stay at -max-fills, fill buffer bytes at
// -max-fill-bytes, the heap grows by no more than that plus a margin, and
// afterwards nothing is left: no fill in flight, no bytes held, goroutines
// back to baseline.
func TestFillFloodStaysBounded(t *testing.T) {
	const (
		clients  = 300
		size     = 512 << 10
		maxFills = 8
		maxBytes = maxFills * size // every admitted fill gets its bytes: the origin sees only whole fills
	)
	var inflight, peak atomic.Int32
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		chunk := make([]byte, size/4)
		for i := range 4 {
			if i == 3 {
				inflight.Add(-1) // done before the edge can see the last byte and start another
			}
			_, _ = w.Write(chunk)
			w.(http.Flusher).Flush()
			if i < 3 {
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
	e := newLimitedEdge(t, o.URL, Config{MaxFills: maxFills, MaxObjectSize: 1 << 20, MaxFillBytes: maxBytes, FillWait: 50 * time.Millisecond}, 0)
	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseHeap := ms.HeapAlloc
	stop := make(chan struct{})
	var peakHeap, peakHeld atomic.Uint64
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(m.HeapAlloc)
			}
			if h := uint64(e.h.limits.held.Load()); h > peakHeld.Load() {
				peakHeld.Store(h)
			}
		}
	}()
	ctx, hangUp := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() { defer wg.Done(); e.do(ctx, "GET", fmt.Sprintf("/flood/seg.mp4?bust=%d", i)) }()
	}
	waitFor(t, func() bool { return e.h.group.Started() >= clients/2 })
	hangUp() // every client leaves at once; the fills outlive them
	wg.Wait()
	waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
	close(stop)
	if p := peak.Load(); p > maxFills {
		t.Errorf("origin requests in flight peaked at %d, bound %d", p, maxFills)
	}
	if p := peakHeld.Load(); p > maxBytes {
		t.Errorf("fill bytes held peaked at %d, bound %d", p, maxBytes)
	}
	if grow := int64(peakHeap.Load()) - int64(baseHeap); grow > maxBytes+48<<20 {
		t.Errorf("heap grew %d MiB during the flood, bound %d MiB + 48 MiB", grow>>20, maxBytes>>20)
	}
	refused := value(t, e.h.limits.refused.WithLabelValues("fills")) + value(t, e.h.limits.refused.WithLabelValues("fill_bytes"))
	if refused == 0 {
		t.Error("no fill was refused: the flood never reached the limits")
	}
	if h := e.h.limits.held.Load(); h != 0 {
		t.Errorf("fill bytes still held after the flood: %d", h)
	}
	e.client.Transport.(*http.Transport).CloseIdleConnections()
	e.h.cfg.Origin.(*origin.Client).Close() // idle keep-alive connections to the origin are not a leak
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines %d, baseline %d: something leaked\n%s", runtime.NumGoroutine(), baseGoroutines, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("origin peak %d/%d, fill bytes peak %d KiB/%d KiB, heap +%d MiB, %v fills refused",
		peak.Load(), maxFills, peakHeld.Load()>>10, maxBytes>>10, (int64(peakHeap.Load())-int64(baseHeap))>>20, refused)
}

// A miss refused for the fill limits is answered from a stale copy within
// stale-if-error, like any other origin trouble.
func TestBusyServesStaleWithinStaleIfError(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/held.mp4" {
			w.Header().Set("Content-Length", "10")
			_, _ = w.Write([]byte("hold"))
			w.(http.Flusher).Flush()
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Cache-Control", "max-age=1")
		_, _ = w.Write([]byte("segment v1"))
	})
	e := newLimitedEdge(t, o.URL, Config{MaxFills: 1, FillWait: 100 * time.Millisecond}, 0)
	wantCache(t, e.get(t, "GET", "/s.ts"), "Miss")
	time.Sleep(1100 * time.Millisecond) // expired; stale-if-error (5 min) still allows it
	go e.get(t, "GET", "/held.mp4")
	waitFor(t, func() bool { return o.count("/held.mp4") == 1 })
	r := e.get(t, "GET", "/s.ts")
	wantCache(t, r, "Stale")
	if r.body != "segment v1" {
		t.Fatalf("stale body %q", r.body)
	}
}
