package edge

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// liveOrigin serves a live HLS media playlist whose window moves one
// segment per call of advance, and its segments.
func liveOrigin(t *testing.T, seq *atomic.Int64, hints bool) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".m3u8") {
			n := seq.Load()
			var b strings.Builder
			fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%d\n", n)
			for i := n; i < n+3; i++ {
				fmt.Fprintf(&b, "#EXTINF:2,\nseg_%d.ts\n", i)
			}
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			_, _ = w.Write([]byte(b.String()))
			return
		}
		if hints {
			var i int
			fmt.Sscanf(r.URL.Path, "/live/seg_%d.ts", &i)
			w.Header().Set("Link", fmt.Sprintf("</live/seg_%d.ts>; rel=next", i+1))
		}
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("segment " + r.URL.Path))
	})
}

func prefetchEdge(t *testing.T, o *testOrigin, n int) *testEdge {
	return newTestEdge(t, o.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
		def.Prefetch = n
		return Single(def)
	}})
}

// waitCount waits until the origin has been asked for path want times.
func waitCount(t *testing.T, o *testOrigin, path string, want int) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); o.count(path) < want; {
		if time.Now().After(deadline) {
			t.Fatalf("%s asked %d times, want %d", path, o.count(path), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPrefetchLivePlaylist: a refreshed live playlist gets its newest N
// segments fetched ahead, once each, so the first viewer's request hits;
// prefetch hits are counted; N 0 prefetches nothing.
func TestPrefetchLivePlaylist(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		var seq atomic.Int64
		seq.Store(10)
		o := liveOrigin(t, &seq, false)
		e := prefetchEdge(t, o, 2)
		if r := e.get(t, "GET", "/live/index.m3u8"); r.status != 200 {
			t.Fatalf("playlist: %d", r.status)
		}
		waitCount(t, o, "/live/seg_12.ts", 1)
		waitCount(t, o, "/live/seg_11.ts", 1)
		time.Sleep(50 * time.Millisecond) // the prefetch stores after its body
		for _, p := range []string{"/live/seg_11.ts", "/live/seg_12.ts"} {
			wantCache(t, e.get(t, "GET", p), "Hit")
		}
		if o.count("/live/seg_10.ts") != 0 {
			t.Error("a segment older than the newest 2 was prefetched")
		}
		if v := value(t, e.h.metrics.prefetch.hits); v != 2 {
			t.Errorf("prefetch hits %v, want 2", v)
		}
		e.get(t, "GET", "/live/seg_12.ts")
		if v := value(t, e.h.metrics.prefetch.hits); v != 2 || o.count("/live/seg_12.ts") != 1 {
			t.Errorf("a second hit counted as a prefetch hit (%v) or refetched (%d)", v, o.count("/live/seg_12.ts"))
		}

		off := prefetchEdge(t, liveOrigin(t, &seq, false), 0)
		off.get(t, "GET", "/live/index.m3u8")
		time.Sleep(100 * time.Millisecond)
		if v := value(t, off.h.metrics.prefetch.started.WithLabelValues("manifest")); v != 0 {
			t.Errorf("prefetch 0 started %v prefetches", v)
		}
	})
}

// TestPrefetchOriginHints: an origin's Link rel=next on a segment names the
// next one, which is fetched ahead; a prefetched response's own hint is not
// followed (no chain).
func TestPrefetchOriginHints(t *testing.T) {
	var seq atomic.Int64
	o := liveOrigin(t, &seq, true)
	e := prefetchEdge(t, o, 2)
	e.get(t, "GET", "/live/seg_5.ts")
	waitCount(t, o, "/live/seg_6.ts", 1)
	time.Sleep(100 * time.Millisecond)
	if n := o.count("/live/seg_7.ts"); n != 0 {
		t.Errorf("the prefetch of seg_6 followed its own hint (seg_7 asked %d times)", n)
	}
	wantCache(t, e.get(t, "GET", "/live/seg_6.ts"), "Hit")
	if v := value(t, e.h.metrics.prefetch.started.WithLabelValues("hint")); v < 1 {
		t.Errorf("hint prefetches %v", v)
	}
}
