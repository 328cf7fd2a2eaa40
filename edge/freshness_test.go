package edge

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// livePlaylist is a sliding live media playlist at media sequence seq.
func livePlaylist(seq int64) string {
	s := fmt.Sprintf("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:%d\n", seq)
	for i := seq; i < seq+4; i++ {
		s += fmt.Sprintf("#EXTINF:2.000,\nseg_%d.ts\n", i)
	}
	return s
}

func TestLivePlaylistWithMaxAge3600StillRefreshes(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var seq atomic.Int64
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=3600") // what many origins wrongly send
			fmt.Fprint(w, livePlaylist(seq.Add(1)))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		wantCache(t, e.get(t, "GET", "/live/index.m3u8"), "Miss")
		wantCache(t, e.get(t, "GET", "/live/index.m3u8"), "Hit")
		time.Sleep(2100 * time.Millisecond) // one target duration
		r := e.get(t, "GET", "/live/index.m3u8")
		if o.count("/live/index.m3u8") < 2 {
			t.Fatalf("live playlist not refreshed within its target duration (X-Cache %s)", r.header.Get("X-Cache"))
		}
		if r.body == livePlaylist(1) {
			t.Fatal("served the first playlist after a target duration")
		}
	})
}

func TestLivePlaylistNeverReplacedByOlder(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var seq atomic.Int64
		seq.Store(100)
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=1")
			fmt.Fprint(w, livePlaylist(seq.Load()))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		first := e.get(t, "GET", "/p.m3u8")
		seq.Store(90) // a lagging origin server behind a load balancer
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/p.m3u8")
		if r.body != first.body {
			t.Fatalf("an older live playlist replaced the cached one:\n%s", r.body)
		}
		if o.count("/p.m3u8") != 2 {
			t.Fatalf("origin requests = %d, want 2", o.count("/p.m3u8"))
		}
	})
}

func TestOriginDownServesStaleThen502(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/v/seg.ts": "segment-bytes"},
			map[string]string{"Cache-Control": "max-age=1", "Content-Type": "video/mp2t"}))
		p := defaultPolicy()
		p.StaleIfError = 2 * time.Second
		e := newTestEdge(t, o.URL, edgeOpts{policy: p, originTimeout: time.Second})
		wantCache(t, e.get(t, "GET", "/v/seg.ts"), "Miss")
		o.Close() // the origin dies
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/v/seg.ts")
		wantCache(t, r, "Stale")
		if r.status != 200 || r.body != "segment-bytes" {
			t.Fatalf("stale copy: status %d body %q", r.status, r.body)
		}
		time.Sleep(2100 * time.Millisecond) // past the stale-if-error window
		r = e.get(t, "GET", "/v/seg.ts")
		if r.status != http.StatusBadGateway {
			t.Fatalf("after the window: status %d, want 502", r.status)
		}
		wantCache(t, r, "Error")
	})
}

func TestGarbageManifestNotCachedStaleServed(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var garbage atomic.Bool
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=1")
			if garbage.Load() {
				fmt.Fprint(w, "<html>502 Bad Gateway from a broken packager</html>")
				return
			}
			fmt.Fprint(w, livePlaylist(7))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		good := e.get(t, "GET", "/g.m3u8")
		garbage.Store(true)
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/g.m3u8")
		wantCache(t, r, "Stale")
		if r.body != good.body {
			t.Fatalf("garbage served: %q", r.body)
		}
		// With no good copy at all, garbage is a 502 and is never stored.
		r = e.get(t, "GET", "/other.m3u8")
		if r.status != http.StatusBadGateway {
			t.Fatalf("garbage manifest without a stale copy: status %d, want 502", r.status)
		}
		e.get(t, "GET", "/other.m3u8")
		if n := o.count("/other.m3u8"); n != 2 {
			t.Fatalf("origin requests = %d, want 2 (garbage must not be cached)", n)
		}
	})
}

func TestRevalidationWith304(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=1")
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, "body{color:red}")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		wantCache(t, e.get(t, "GET", "/site.css"), "Miss")
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/site.css")
		wantCache(t, r, "RefreshHit")
		if r.body != "body{color:red}" || r.header.Get("Content-Type") != "text/css" {
			t.Fatalf("refreshed entry: %q %q", r.body, r.header.Get("Content-Type"))
		}
		if got := o.lastHeader("/site.css").Get("If-None-Match"); got != `"v1"` {
			t.Fatalf("revalidation sent If-None-Match %q", got)
		}
		wantCache(t, e.get(t, "GET", "/site.css"), "Hit")
		// The client's own validators get a 304 from the cache.
		r = e.get(t, "GET", "/site.css", "If-None-Match", `"v1"`)
		if r.status != http.StatusNotModified || r.body != "" {
			t.Fatalf("client conditional: status %d", r.status)
		}
		if n := o.count("/site.css"); n != 2 {
			t.Fatalf("origin requests = %d, want 2", n)
		}
	})
}

func TestStaleWhileRevalidateRefreshesOnceInBackground(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var version atomic.Int64
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=1, stale-while-revalidate=30")
			time.Sleep(100 * time.Millisecond)
			fmt.Fprintf(w, "v%d", version.Add(1))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		e.get(t, "GET", "/x.json")
		time.Sleep(1100 * time.Millisecond)
		for i := 0; i < 5; i++ {
			r := e.get(t, "GET", "/x.json")
			wantCache(t, r, "Stale")
			if r.body != "v1" {
				t.Fatalf("body %q", r.body)
			}
		}
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
		if n := o.count("/x.json"); n != 2 {
			t.Fatalf("origin requests = %d, want 2 (one background refresh)", n)
		}
		if r := e.get(t, "GET", "/x.json"); r.body != "v2" {
			t.Fatalf("after refresh: %q", r.body)
		}
	})
}

func TestNegativeCachingAnd5xx(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/boom" {
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			http.NotFound(w, r)
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		for i := 0; i < 3; i++ {
			if r := e.get(t, "GET", "/seg_999.ts"); r.status != 404 {
				t.Fatalf("status %d", r.status)
			}
			if r := e.get(t, "GET", "/boom"); r.status != 500 {
				t.Fatalf("status %d", r.status)
			}
		}
		if n := o.count("/seg_999.ts"); n != 1 {
			t.Fatalf("404 origin requests = %d, want 1 (negative caching)", n)
		}
		if n := o.count("/boom"); n != 3 {
			t.Fatalf("500 origin requests = %d, want 3 (5xx never cached)", n)
		}
		time.Sleep(1100 * time.Millisecond) // -negative-ttl 1s
		e.get(t, "GET", "/seg_999.ts")
		if n := o.count("/seg_999.ts"); n != 2 {
			t.Fatalf("404 after negative ttl: origin requests = %d, want 2", n)
		}
	})
}

func TestNoStore5xxKeepsStaleAndCaching(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var failing atomic.Bool
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if failing.Load() {
				w.Header().Set("Cache-Control", "no-store") // as many error pages say
				http.Error(w, "upstream down", http.StatusServiceUnavailable)
				return
			}
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=1")
			fmt.Fprint(w, livePlaylist(5))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		good := e.get(t, "GET", "/s.m3u8")
		failing.Store(true)
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/s.m3u8")
		wantCache(t, r, "Stale")
		if r.body != good.body {
			t.Fatalf("stale body %q", r.body)
		}
		if e.h.passes.has("/s.m3u8") {
			t.Fatal("a no-store 5xx made the key pass-through")
		}
		failing.Store(false)
		before := o.count("/s.m3u8")
		e.get(t, "GET", "/s.m3u8")
		wantCache(t, e.get(t, "GET", "/s.m3u8"), "Hit")
		if n := o.count("/s.m3u8") - before; n != 1 {
			t.Fatalf("after recovery: %d origin requests, want 1 then hits", n)
		}
	})
}
