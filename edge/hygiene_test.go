package edge

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestViaIsAppendedNeverReplaced(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			if r.URL.Path != "/plain.ts" {
				w.Header().Add("Via", "1.1 packager")
				w.Header().Add("Via", "1.1 shield-cdn")
			}
			fmt.Fprint(w, "x")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		want := []string{"1.1 packager", "1.1 shield-cdn", "1.1 streamedge"}
		for _, step := range []struct{ name, method, cache string }{
			{"miss", "GET", "Miss"}, {"hit", "GET", "Hit"}, {"pass_through", "POST", "Miss"},
		} {
			r := e.get(t, step.method, "/via.ts")
			wantCache(t, r, step.cache)
			if got := r.header.Values("Via"); !slices.Equal(got, want) {
				t.Fatalf("%s: Via = %q, want %q", step.name, got, want)
			}
		}
		e.get(t, "GET", "/plain.ts")
		if got := e.get(t, "GET", "/plain.ts").header.Values("Via"); !slices.Equal(got, []string{"1.1 streamedge"}) {
			t.Fatalf("no origin Via: Via = %q", got)
		}
	})
}

// A 304 refresh updates every end-to-end header of the stored response,
// except Content-Length, Content-Encoding and hop-by-hop fields.
func TestNotModifiedUpdatesEveryEndToEndHeader(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var version atomic.Int32
		version.Store(1)
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			hd := w.Header()
			hd.Set("Cache-Control", "max-age=1")
			hd.Set("ETag", `"v1"`)
			v := fmt.Sprint(version.Load())
			hd.Set("X-Packager-Version", v)
			hd.Set("Access-Control-Allow-Origin", "https://player"+v+".example")
			hd.Set("Timing-Allow-Origin", "*")
			if r.Header.Get("If-None-Match") == `"v1"` {
				hd.Set("Content-Encoding", "gzip") // must not relabel the stored identity body
				hd.Set("Connection", "X-Hop")
				hd.Set("X-Hop", "hop")
				hd.Set("Via", "1.1 shield")
				w.WriteHeader(http.StatusNotModified)
				return
			}
			hd.Set("Content-Type", "video/mp2t")
			fmt.Fprint(w, "segment")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		wantCache(t, e.get(t, "GET", "/s.ts"), "Miss")
		version.Store(2)
		time.Sleep(1100 * time.Millisecond)
		for _, step := range []string{"RefreshHit", "Hit"} {
			r := e.get(t, "GET", "/s.ts")
			wantCache(t, r, step)
			hd := r.header
			if hd.Get("X-Packager-Version") != "2" || hd.Get("Access-Control-Allow-Origin") != "https://player2.example" {
				t.Fatalf("%s: end-to-end headers not updated by the 304: %v", step, hd)
			}
			if hd.Get("Content-Encoding") != "" || hd.Get("X-Hop") != "" || hd.Get("Content-Length") != "7" || r.body != "segment" {
				t.Fatalf("%s: the 304 relabelled the stored body or passed a hop-by-hop field: %v %q", step, hd, r.body)
			}
			if got := hd.Values("Via"); !slices.Equal(got, []string{"1.1 shield", "1.1 streamedge"}) {
				t.Fatalf("%s: Via = %q", step, got)
			}
			if hd.Get("Content-Type") != "video/mp2t" || hd.Get("Timing-Allow-Origin") != "*" {
				t.Fatalf("%s: stored fields the 304 did not carry were lost: %v", step, hd)
			}
		}
	})
}

// Cache-Status (RFC 9211) beside X-Cache on every kind of response.
func TestCacheStatusOnEveryResponse(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var failing atomic.Bool
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.URL.Path == "/private.ts":
				w.Header().Set("Cache-Control", "private")
			case r.URL.Path == "/upstream.ts":
				w.Header().Set("Cache-Control", "max-age=600")
				w.Header().Set("Cache-Status", "shield; fwd=uri-miss; stored")
			case failing.Load():
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			case r.Header.Get("If-None-Match") == `"e"`:
				w.Header().Set("Cache-Control", "max-age=1")
				w.WriteHeader(http.StatusNotModified)
				return
			default:
				w.Header().Set("Cache-Control", "max-age=1")
				w.Header().Set("ETag", `"e"`)
			}
			if r.URL.Path == "/missing.ts" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, "body")
		})
		p := defaultPolicy()
		p.StaleWhileRevalidate = 0
		e := newTestEdge(t, o.URL, edgeOpts{policy: p})
		type step struct {
			name, method, path string
			hdr                []string
			xcache             string
			cacheStatus        []string
		}
		steps := []step{
			{"miss_stored", "GET", "/a.ts", nil, "Miss", []string{"streamedge; fwd=miss; fwd-status=200; stored"}},
			{"hit", "GET", "/a.ts", nil, "Hit", []string{"streamedge; hit"}},
			{"negative_miss", "GET", "/missing.ts", nil, "Error", []string{"streamedge; fwd=miss; fwd-status=404; stored"}},
			{"negative_hit", "GET", "/missing.ts", nil, "Error", []string{"streamedge; hit"}},
			{"private_is_bypass", "GET", "/private.ts", nil, "Miss", []string{"streamedge; fwd=bypass"}},
			{"authorization_is_bypass", "GET", "/a.ts", []string{"Authorization", "Bearer x"}, "Miss", []string{"streamedge; fwd=bypass"}},
			{"other_method", "POST", "/a.ts", nil, "Miss", []string{"streamedge; fwd=method"}},
			{"upstream_member_kept_first", "GET", "/upstream.ts", nil, "Miss",
				[]string{"shield; fwd=uri-miss; stored", "streamedge; fwd=miss; fwd-status=200; stored"}},
			{"upstream_member_on_hit", "GET", "/upstream.ts", nil, "Hit", []string{"shield; fwd=uri-miss; stored", "streamedge; hit"}},
			{"bad_target", "GET", "/a/..%2fb.ts", nil, "Error", []string{"streamedge; detail=bad_target"}},
		}
		run := func(steps []step) {
			for _, s := range steps {
				// A client has the whole body a moment before its fill stores it
				// and ends: wait, so the next step hits the store, not the fill.
				waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
				r := e.get(t, s.method, s.path, s.hdr...)
				wantCache(t, r, s.xcache)
				if got := r.header.Values("Cache-Status"); !slices.Equal(got, s.cacheStatus) {
					t.Fatalf("%s: Cache-Status = %q, want %q", s.name, got, s.cacheStatus)
				}
			}
		}
		run(steps)
		time.Sleep(1100 * time.Millisecond) // /a.ts goes stale
		run([]step{
			{"refresh_hit", "GET", "/a.ts", nil, "RefreshHit", []string{"streamedge; fwd=stale; fwd-status=304; stored"}},
		})
		failing.Store(true)
		time.Sleep(1100 * time.Millisecond)
		run([]step{
			{"stale_if_error", "GET", "/a.ts", nil, "Stale", []string{"streamedge; fwd=stale; fwd-status=503"}},
		})
	})
}

func TestCacheStatusStaleWhileRevalidateAndCollapsed(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		release := make(chan struct{})
		var n atomic.Int32
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=1, stale-while-revalidate=30")
			if r.URL.Path == "/slow.ts" && n.Add(1) == 1 {
				<-release
			}
			fmt.Fprint(w, "body")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		e.get(t, "GET", "/swr.ts")
		time.Sleep(1100 * time.Millisecond)
		r := e.get(t, "GET", "/swr.ts")
		wantCache(t, r, "Stale")
		if got := r.header.Get("Cache-Status"); got != "streamedge; hit; detail=stale" {
			t.Fatalf("stale-while-revalidate: Cache-Status %q", got)
		}
		done := make(chan result, 1)
		go func() { done <- e.get(t, "GET", "/slow.ts") }()
		for o.count("/slow.ts") == 0 {
			time.Sleep(time.Millisecond)
		}
		follower := make(chan result, 1)
		go func() { follower <- e.get(t, "GET", "/slow.ts") }()
		time.Sleep(50 * time.Millisecond) // the follower joins the fill
		close(release)
		<-done
		f := <-follower
		if got := f.header.Get("Cache-Status"); !strings.HasSuffix(got, "; collapsed") || !strings.Contains(got, "fwd=miss") {
			t.Fatalf("follower: Cache-Status %q, want fwd=miss … collapsed", got)
		}
	})
}

type headerOnlyWriter struct{ h http.Header }

func (w *headerOnlyWriter) Header() http.Header         { return w.h }
func (w *headerOnlyWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *headerOnlyWriter) WriteHeader(int)             {}

// The hit path's headers (X-Cache, Cache-Status, Via, Age) are preallocated:
// writing them allocates nothing, with or without an origin Via.
func TestHitHeadersAllocateNothing(t *testing.T) {
	h := &Handler{}
	for _, src := range []http.Header{
		{"Content-Type": {"video/mp2t"}, "Cache-Control": {"max-age=60"}},
		{"Content-Type": {"video/mp2t"}, "Via": {"1.1 packager", "1.1 streamedge"}},
	} {
		w := &headerOnlyWriter{h: http.Header{}}
		x := &exchange{w: &countingWriter{sink: &netSink{ResponseWriter: w}}, result: resultHit}
		if n := testing.AllocsPerRun(100, func() { h.writeHead(x, src, http.StatusOK, 42) }); n != 0 {
			t.Fatalf("writeHead on a hit: %v allocations, want 0", n)
		}
		if w.h.Get("Cache-Status") != "streamedge; hit" || !strings.HasSuffix(strings.Join(w.h.Values("Via"), ","), "1.1 streamedge") {
			t.Fatalf("headers: %v", w.h)
		}
	}
}

// An origin's Alt-Svc names the origin's own alternative services (its
// HTTP/3 port, say): it is never stored nor passed to clients, whose
// alternatives are the edge's (advertised by the front end).
func TestOriginAltSvcNeverReachesClients(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Alt-Svc", `h3=":9443"; ma=86400`)
		fmt.Fprint(w, "x")
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	for _, step := range []struct{ name, method, cache string }{
		{"miss", "GET", "Miss"}, {"hit", "GET", "Hit"}, {"pass_through", "POST", "Miss"},
	} {
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
		r := e.get(t, step.method, "/alt.ts")
		wantCache(t, r, step.cache)
		if got := r.header.Values("Alt-Svc"); len(got) != 0 {
			t.Fatalf("%s: the origin's Alt-Svc reached the client: %q", step.name, got)
		}
	}
}
