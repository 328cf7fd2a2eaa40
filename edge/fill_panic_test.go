package edge

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/rewrite"
	"github.com/streamedge/streamedge/segments"
)

// lockedBuffer is a log sink the edge's goroutines may write concurrently.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loggedRewriteEdge is rewriteEdge with the edge's log written to log.
func loggedRewriteEdge(t *testing.T, originURL string, m rewrite.Mapper, log *lockedBuffer) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: 5 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	keys := cachekey.New(cachekey.Config{})
	routes, err := Single(&Route{Name: "*", Origin: oc, Keys: keys, Policy: defaultPolicy(), Rewrite: m})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{
		Store:  segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}),
		Origin: oc, Keys: keys, Policy: defaultPolicy(), Routes: routes,
		Registry: prometheus.NewRegistry(), Logger: slog.New(slog.NewTextHandler(log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	u2, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	t.Cleanup(oc.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 100, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: u2, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}
}

// TestFillPanicFailsEveryViewerAndStoresNothing: a route whose manifest
// rewriter panics (a bug in a Mapper) makes the fill's goroutine panic.
// Every concurrent viewer of that fill gets a 5xx with a one-line body
// instead of hanging; the panic is logged and counted once per fill in
// streamedge_fill_panics_total; nothing is stored (once the rewriter is
// removed by a reload the next request goes to the origin and gets 200); no
// fill stays in flight and no goroutine is left behind.
func TestFillPanicFailsEveryViewerAndStoresNothing(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		const viewers = 8
		const path = "/live/panic.m3u8"
		const playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXTINF:4,\nseg1.ts\n#EXT-X-ENDLIST\n"
		release := make(chan struct{})
		var gate sync.Once
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			gate.Do(func() { <-release }) // the first fill waits until every viewer joined it
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write([]byte(playlist))
		})
		panicky := func(string) (string, bool) { panic("mapper bug") }
		var log lockedBuffer
		e := loggedRewriteEdge(t, o.URL, panicky, &log)
		runtime.GC()
		baseGoroutines := runtime.NumGoroutine()

		// One fill, every viewer on it.
		results := make([]result, viewers)
		var wg sync.WaitGroup
		for i := range viewers {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = e.get(t, "GET", path) }()
		}
		waitFor(t, func() bool { return e.h.group.Started() == 1 && e.h.group.Followers() == viewers-1 })
		close(release)
		wg.Wait()
		for i, r := range results {
			wantPanicAnswer(t, i, r)
		}
		wantPanics(t, e, 1, 1)
		t.Logf("viewers got %d %q (X-Cache %q)", results[0].status, results[0].body, results[0].header.Get("X-Cache"))

		// A second fill panics too: one more, nothing was stored by the first.
		wantPanicAnswer(t, viewers, e.get(t, "GET", path))
		wantPanics(t, e, 2, 2)
		if n := o.count(path); n != 2 {
			t.Fatalf("origin saw %d requests for the playlist, want 2 (one per fill)", n)
		}
		if got := log.String(); strings.Count(got, "fill panicked") != 2 || !strings.Contains(got, "mapper bug") {
			t.Fatalf("edge log does not report both panics with their value:\n%s", got)
		}

		// The rewriter is removed: the next request is a miss the origin answers.
		setRewrite(t, e, nil)
		r := e.get(t, "GET", path)
		wantCache(t, r, "Miss")
		if r.status != http.StatusOK || r.body != playlist {
			t.Fatalf("after the fix: %d %q, want 200 and the origin's playlist", r.status, r.body)
		}
		if n := o.count(path); n != 3 {
			t.Fatalf("origin saw %d requests, want 3", n)
		}
		wantPanics(t, e, 2, 3)

		e.client.Transport.(*http.Transport).CloseIdleConnections()
		e.h.cfg.Origin.(*origin.Client).Close() // idle keep-alive connections to the origin are not a leak
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > baseGoroutines+2 {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Fatalf("goroutines %d, baseline %d: something leaked\n%s", runtime.NumGoroutine(), baseGoroutines, buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// wantPanicAnswer checks viewer i got a short 5xx nobody may store.
func wantPanicAnswer(t *testing.T, i int, r result) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("viewer %d: %v (want a 5xx, not a hang or a cut)", i, r.err)
	}
	if r.status < 500 || len(r.body) > 100 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("viewer %d: %d %q Cache-Control %q, want a short 5xx with no-store", i, r.status, r.body, r.header.Get("Cache-Control"))
	}
}

// wantPanics waits until no fill is in flight, then checks the panics
// counted (the metric and the group agree) and the fills started.
func wantPanics(t *testing.T, e *testEdge, panics, fills int64) {
	t.Helper()
	waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
	if got := e.h.group.Started(); got != fills {
		t.Fatalf("fills started %d, want %d", got, fills)
	}
	if got := gathered(t, e.h.cfg.Registry.(*prometheus.Registry), "streamedge_fill_panics_total"); got != float64(panics) {
		t.Fatalf("streamedge_fill_panics_total = %v, want %d", got, panics)
	}
}
