package edge

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// tierEdge is an edge named id in front of originURL, on the test's front
// end.
func tierEdge(t *testing.T, id, originURL string) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second, CDNID: id})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	h, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 256 << 20, HotBytes: 16 << 20}),
		Origin: oc, Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(), CDNID: id,
		Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	addr, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	return &testEdge{URL: addr, Listener: ln, h: h, client: &http.Client{Timeout: 10 * time.Second}, close: closeSrv}
}

// TestTiersCoalesceAcrossEdges: an edge whose origin is another streamedge
// (an origin shield): a herd on two edges is one request at the shield per
// edge and one at the origin; CDN-Loop names each tier passed and
// Cache-Status shows every tier.
func TestTiersCoalesceAcrossEdges(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		release := make(chan struct{})
		var originLoop atomic.Value
		org := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			<-release
			originLoop.Store(r.Header.Get("CDN-Loop"))
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write([]byte(strings.Repeat("s", 64<<10)))
		})
		shield := tierEdge(t, "shield-1", org.URL)
		edges := []*testEdge{tierEdge(t, "edge-1", shield.URL), tierEdge(t, "edge-2", shield.URL)}
		var wg sync.WaitGroup
		results := make([]result, 40)
		for i := range results {
			wg.Go(func() { results[i] = edges[i%2].get(t, "GET", "/seg_1.ts") })
		}
		time.Sleep(200 * time.Millisecond) // the herd is waiting on both tiers
		close(release)
		wg.Wait()
		for i, r := range results {
			if r.status != http.StatusOK || len(r.body) != 64<<10 {
				t.Fatalf("viewer %d: %d, %d bytes (%v)", i, r.status, len(r.body), r.err)
			}
		}
		if n := org.count("/seg_1.ts"); n != 1 {
			t.Errorf("origin asked %d times for a herd on two edges behind one shield, want 1", n)
		}
		if got := originLoop.Load(); got != "edge-1, shield-1" && got != "edge-2, shield-1" {
			t.Errorf("the origin saw CDN-Loop %q, want the edge's id then the shield's", got)
		}
		cs := edges[0].get(t, "GET", "/seg_1.ts").header.Values("Cache-Status")
		if len(cs) < 2 {
			t.Errorf("Cache-Status %q: want the shield's member then the edge's", cs)
		}
	})
}

// TestLoopRefused: a request whose CDN-Loop names this edge (an edge whose
// origin leads back to itself) is refused with 508 before any origin work;
// other ids pass.
func TestLoopRefused(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		org := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
		e := tierEdge(t, "edge-1", org.URL)
		for _, tc := range []struct {
			loop   string
			status int
		}{
			{"shield-1", 200},
			{"other; v=1, EDGE-1; hop=2", http.StatusLoopDetected},
			{strings.Repeat("x, ", 400), http.StatusLoopDetected},
		} {
			if r := e.get(t, "GET", "/a", "CDN-Loop", tc.loop); r.status != tc.status {
				t.Errorf("CDN-Loop %.40q: %d, want %d", tc.loop, r.status, tc.status)
			}
		}
		if n := org.count("/a"); n != 1 {
			t.Errorf("origin asked %d times, want 1", n)
		}
	})
}

// TestLoopOfOneEdge: an edge configured as its own origin: the request comes
// back once with CDN-Loop naming the edge, is refused with 508, and the
// viewer gets that 508 instead of an endless chain.
func TestLoopOfOneEdge(t *testing.T) {
	var h http.Handler
	var passes atomic.Int64
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		passes.Add(1)
		h.ServeHTTP(w, r)
	}))
	defer front.Close()
	u, _ := url.Parse(front.URL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second, CDNID: "self"})
	if err != nil {
		t.Fatal(err)
	}
	defer oc.Close()
	eh, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 256 << 20, HotBytes: 16 << 20}),
		Origin: oc, Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(), CDNID: "self",
		Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h = eh
	resp, err := http.Get(front.URL + "/x.ts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusLoopDetected || passes.Load() != 2 {
		t.Errorf("status %d after %d passes, want 508 after 2", resp.StatusCode, passes.Load())
	}
}

func FuzzNamesCDN(f *testing.F) {
	for _, s := range []string{"", "a", "a, b;x=1", " EDGE ; p=\"q,r\" , c", ",,,;"} {
		f.Add(s, "edge")
	}
	f.Fuzz(func(t *testing.T, loop, id string) {
		got := namesCDN(loop, id)
		if id != "" && !strings.ContainsRune(id, ',') && !strings.ContainsRune(id, ';') && strings.TrimSpace(id) == id &&
			namesCDN(loop+", "+id, id) != true {
			t.Fatalf("appending %q to %q is not found", id, loop)
		}
		_ = got
	})
}

// TestTiersAgeLivePlaylistOnce: a live playlist kept 2 s at the shield
// reaches the edge with that age, and the edge keeps it only for what is
// left of the shield's lifetime, not aged twice (nor refreshed to a full
// lifetime).
func TestTiersAgeLivePlaylistOnce(t *testing.T) {
	const playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:10,\ns1.ts\n#EXTINF:10,\ns2.ts\n"
	org := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Header().Set("Cache-Control", "max-age=3600") // clamped to target/2 at each tier
		_, _ = w.Write([]byte(playlist))
	})
	shield := tierEdge(t, "shield-1", org.URL)
	edge := tierEdge(t, "edge-1", shield.URL)
	if r := shield.get(t, "GET", "/live.m3u8"); r.status != 200 {
		t.Fatalf("shield: %d", r.status)
	}
	time.Sleep(2200 * time.Millisecond)
	r := edge.get(t, "GET", "/live.m3u8")
	if r.status != 200 || r.header.Get("Age") == "" {
		t.Fatalf("edge: %d, Age %q", r.status, r.header.Get("Age"))
	}
	sh, ok1 := shield.h.store.Get("/live.m3u8")
	eh, ok2 := edge.h.store.Get("/live.m3u8")
	if !ok1 || !ok2 {
		t.Fatal("not stored at both tiers")
	}
	defer sh.Release()
	defer eh.Release()
	if d := eh.Entry.FreshUntil.Sub(sh.Entry.FreshUntil); d < -500*time.Millisecond || d > 1100*time.Millisecond {
		t.Errorf("edge fresh until %v after the shield's (want within [−0.5 s, 1.1 s]: the shield's age counted once)", d)
	}
}
