package edge

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/variant"
)

const slate = "slate: the stream will be back shortly"

// slateOrigin is a live origin in trouble: the playlist 503s, segments 404,
// and the slate page is served from /errors/. mode "unreachable" cuts every
// connection of a non-page path before answering.
func slateOrigin(t *testing.T, mode *atomic.Value) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/errors/slate.ts":
			w.Header().Set("Content-Type", "video/mp2t")
			w.Header().Set("Cache-Control", "max-age=60")
			fmt.Fprint(w, slate)
		case strings.HasPrefix(p, "/errors/"):
			http.NotFound(w, r)
		case mode != nil && mode.Load() == "unreachable":
			c, _, _ := w.(http.Hijacker).Hijack()
			c.Close()
		case mode != nil && mode.Load() == "ok":
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "max-age=1")
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2,\nseg_1.ts\n")
		case strings.HasPrefix(p, "/nostore/"):
			w.Header().Set("Cache-Control", "no-store")
			http.NotFound(w, r)
		case strings.HasSuffix(p, ".m3u8"):
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "origin down", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	})
}

// TestCustomErrorPageReplacesTheError: the origin's 404 and 503 are answered
// with the slate (fetched from a second path of the same origin, through the
// edge's behaviors) and the configured status; HEAD gets the page's head;
// the page is fetched once; the access log and the metric name the status
// replaced.
func TestCustomErrorPageReplacesTheError(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := slateOrigin(t, nil)
		var log syncBuffer
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)),
			ErrorResponse{Status: 404, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second},
			ErrorResponse{Status: 503, PagePath: "/errors/slate.ts", ResponseStatus: 503, MinTTL: time.Second})
		e := routesEdge(t, rs, nil, &log)
		for _, tc := range []struct {
			name, method, path string
			status             int
			body               string
		}{
			{"a segment's 404 gets the slate with 200", "GET", "/live/seg_9.ts", 200, slate},
			{"a playlist's 503 gets the slate with 503", "GET", "/live/index.m3u8", 503, slate},
			{"a cached 404 gets the slate too", "GET", "/live/seg_9.ts", 200, slate},
			{"HEAD gets the page's head and no body", "HEAD", "/live/seg_10.ts", 200, ""},
			{"a 404 with no-store gets the slate", "GET", "/nostore/seg_1.ts", 200, slate},
			{"and is not made pass-through", "GET", "/nostore/seg_1.ts", 200, slate},
		} {
			r := e.get(t, tc.method, tc.path)
			if r.err != nil || r.status != tc.status || r.body != tc.body {
				t.Fatalf("%s: %d %q %v, want %d %q", tc.name, r.status, r.body, r.err, tc.status, tc.body)
			}
			if r.header.Get("Content-Type") != "video/mp2t" || r.header.Get("Content-Length") != strconv.Itoa(len(slate)) {
				t.Fatalf("%s: page head %v", tc.name, r.header)
			}
			wantCache(t, r, "Error")
		}
		if n := o.count("/errors/slate.ts"); n != 1 {
			t.Fatalf("the page was fetched %d times, want once (cached)", n)
		}
		if n := o.count("/live/seg_9.ts"); n != 1 {
			t.Fatalf("the 404 was asked for %d times within its error caching TTL, want once", n)
		}
		if got := value(t, e.h.metrics.customErrors.WithLabelValues("404")); got != 5 {
			t.Fatalf("streamedge_custom_error_responses_total{status=404} = %v, want 5", got)
		}
		waitLogLines(t, &log, 6)
		if !strings.Contains(log.String(), `"error_page":503`) || strings.Count(log.String(), `"error_page":404`) != 5 {
			t.Fatalf("access log:\n%s", log.String())
		}
	})
}

// waitNoFills waits until no fill is in flight.
func waitNoFills(t *testing.T, h *Handler) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); h.group.InFlight() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d fills still in flight", h.group.InFlight())
		}
	}
}

// waitLogLines waits for n access-log lines (each is written after its
// response went out).
func waitLogLines(t *testing.T, log *syncBuffer, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Count(log.String(), "\n") >= n {
			return
		}
	}
	t.Fatalf("access log has not %d lines:\n%s", n, log.String())
}

// TestCustomErrorPageFromAnotherBehaviorsOrigin: the origin is unreachable
// (closed); the edge's own 502 is answered with the page, which the
// behavior its path selects fetches from another origin.
func TestCustomErrorPageFromAnotherBehaviorsOrigin(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		down := newTestOrigin(t, func(http.ResponseWriter, *http.Request) {})
		down.Close()
		pages := slateOrigin(t, nil)
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", down.URL), PathRoute{"/errors/*", testRoute(t, "/errors/*", pages.URL)}),
			ErrorResponse{Status: 502, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second})
		e := routesEdge(t, rs, nil, nil)
		for _, p := range []string{"/live/index.m3u8", "/live/seg_1.ts", "/live/index.m3u8"} {
			if r := e.get(t, "GET", p); r.err != nil || r.status != 200 || r.body != slate {
				t.Fatalf("%s with the origin down: %d %q %v, want the slate", p, r.status, r.body, r.err)
			}
		}
		if n := pages.count("/errors/slate.ts"); n != 1 {
			t.Fatalf("the page's origin was asked %d times, want once", n)
		}
	})
}

// TestCustomErrorPageForAnOriginTimeout: the edge's own 504 (the origin
// sends no headers within its timeout) is answered with the page.
func TestCustomErrorPageForAnOriginTimeout(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		release := make(chan struct{})
		hung := newTestOrigin(t, func(http.ResponseWriter, *http.Request) { <-release })
		defer close(release) // before the origin closes: its handlers return
		pages := slateOrigin(t, nil)
		rs := withErrors(t, mustRoutes(t, testRouteTimeout(t, "*", hung.URL, 200*time.Millisecond),
			PathRoute{"/errors/*", testRoute(t, "/errors/*", pages.URL)}),
			ErrorResponse{Status: 504, PagePath: "/errors/slate.ts", ResponseStatus: 503, MinTTL: 10 * time.Second})
		e := routesEdge(t, rs, nil, nil)
		if r := e.get(t, "GET", "/live/index.m3u8"); r.status != 503 || r.body != slate {
			t.Fatalf("origin timing out: %d %q %v, want the slate with 503", r.status, r.body, r.err)
		}
	})
}

// TestCustomErrorPageOneFetchForManyViewers: 30 viewers of 30 missing
// segments at once share one fetch of the page.
func TestCustomErrorPageOneFetchForManyViewers(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/errors/slate.ts" {
				time.Sleep(200 * time.Millisecond) // every viewer's 404 arrives while the page is in flight
				w.Header().Set("Content-Type", "video/mp2t")
				fmt.Fprint(w, slate)
				return
			}
			http.NotFound(w, r)
		})
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)),
			ErrorResponse{Status: 404, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second})
		e := routesEdge(t, rs, nil, nil)
		const viewers = 30
		var wg sync.WaitGroup
		errs := make(chan string, viewers)
		for i := range viewers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if r := e.get(t, "GET", fmt.Sprintf("/live/seg_%d.ts", i)); r.status != 200 || r.body != slate {
					errs <- fmt.Sprintf("viewer %d: %d %q %v", i, r.status, r.body, r.err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
		}
		if n := o.count("/errors/slate.ts"); n != 1 {
			t.Fatalf("the page was fetched %d times for %d viewers, want once", n, viewers)
		}
	})
}

// TestErrorCachingMinTTLHonoured: the origin's error (and the edge's own 502
// for an origin that cuts the connection) is kept for the error caching
// minimum TTL: the origin is asked again after it, not before. Without a
// custom error response every request asks again.
func TestErrorCachingMinTTLHonoured(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    string
		ers     []ErrorResponse
		status  int
		cached  bool
		minTTL  time.Duration
		pageOut string
	}{
		{"the origin's 503 with a page is kept for the minimum TTL", "", []ErrorResponse{{Status: 503, PagePath: "/errors/slate.ts", ResponseStatus: 503, MinTTL: 10 * time.Second}}, 503, true, 10 * time.Second, slate},
		{"the edge's 502 without a page is kept for the minimum TTL", "unreachable", []ErrorResponse{{Status: 502, MinTTL: 10 * time.Second}}, 502, true, 10 * time.Second, "502 origin unreachable\n"},
		{"without a custom error response a 503 is asked again at once", "", nil, 503, false, 0, "origin down\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			onFronts(t, func(t *testing.T) {
				var mode atomic.Value
				mode.Store(tc.mode)
				o := slateOrigin(t, &mode)
				clk := newTestClock()
				e := routesEdge(t, withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)), tc.ers...), clk.Now, nil)
				get := func(step string, wantAsked int) {
					t.Helper()
					waitNoFills(t, e.h) // a request never joins the previous one's fill
					r := e.get(t, "GET", "/live/index.m3u8")
					if r.err != nil || r.status != tc.status || r.body != tc.pageOut {
						t.Fatalf("%s: %d %q %v, want %d %q", step, r.status, r.body, r.err, tc.status, tc.pageOut)
					}
					if n := o.count("/live/index.m3u8"); n != wantAsked {
						t.Fatalf("%s: the origin was asked %d times, want %d", step, n, wantAsked)
					}
				}
				get("first request", 1)
				if !tc.cached {
					get("second request", 2)
					return
				}
				clk.Advance(tc.minTTL - time.Second)
				get("a second before the minimum TTL", 1)
				clk.Advance(2 * time.Second)
				get("a second after it", 2)
			})
		})
	}
}

// TestCustomErrorPageThatFailsSendsTheOriginalError: a page that is itself
// missing is not replaced by a page (no loop): the origin's error goes out,
// and the page's 404 is cached like any 404.
func TestCustomErrorPageThatFailsSendsTheOriginalError(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := slateOrigin(t, nil)
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)),
			ErrorResponse{Status: 404, PagePath: "/errors/missing.html", ResponseStatus: 200, MinTTL: 10 * time.Second},
			ErrorResponse{Status: 503, PagePath: "/errors/missing.html", ResponseStatus: 200, MinTTL: 10 * time.Second})
		e := routesEdge(t, rs, nil, nil)
		if r := e.get(t, "GET", "/live/index.m3u8"); r.status != 503 || r.body != "origin down\n" {
			t.Fatalf("503 with a missing page: %d %q, want the origin's 503", r.status, r.body)
		}
		if r := e.get(t, "GET", "/errors/missing.html"); r.status != 404 || !strings.Contains(r.body, "not found") {
			t.Fatalf("the missing page itself: %d %q, want its 404", r.status, r.body)
		}
		if n := o.count("/errors/missing.html"); n != 1 {
			t.Fatalf("the missing page was asked for %d times, want once (its 404 cached)", n)
		}
		if got := value(t, e.h.metrics.errorPageFailures.WithLabelValues("503")); got != 1 {
			t.Fatalf("streamedge_custom_error_page_failures_total{status=503} = %v, want 1", got)
		}
	})
}

// TestStaleCopyBeatsTheErrorPage: a stale good copy within stale-if-error is
// served before any error page, whether the origin answers 503 or cuts the
// connection; the error does not replace the good copy.
func TestStaleCopyBeatsTheErrorPage(t *testing.T) {
	for _, failing := range []string{"503", "unreachable"} {
		t.Run(failing, func(t *testing.T) {
			onFronts(t, func(t *testing.T) {
				var mode atomic.Value
				mode.Store("ok")
				o := slateOrigin(t, &mode)
				clk := newTestClock()
				rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)),
					ErrorResponse{Status: 502, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second},
					ErrorResponse{Status: 503, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second})
				e := routesEdge(t, rs, clk.Now, nil)
				good := e.get(t, "GET", "/live/index.m3u8")
				mode.Store(failing)
				for i := range 2 {
					clk.Advance(2 * time.Second) // past max-age=1, within stale-if-error
					r := e.get(t, "GET", "/live/index.m3u8")
					wantCache(t, r, "Stale")
					if r.body != good.body {
						t.Fatalf("request %d with the origin failing: %d %q, want the stale copy", i, r.status, r.body)
					}
				}
				if n := o.count("/errors/slate.ts"); n != 0 {
					t.Fatalf("the page was fetched %d times, want never", n)
				}
			})
		})
	}
}

// TestSetRoutesSwapsErrorResponses: a reload's table carries its own error
// responses; one without them sends the origin's error again.
func TestSetRoutesSwapsErrorResponses(t *testing.T) {
	o := slateOrigin(t, nil)
	def := testRoute(t, "*", o.URL)
	e := routesEdge(t, withErrors(t, mustRoutes(t, def), ErrorResponse{Status: 404, PagePath: "/errors/slate.ts", ResponseStatus: 200}), nil, nil)
	if r := e.get(t, "GET", "/a.ts"); r.status != 200 || r.body != slate {
		t.Fatalf("before the reload: %d %q", r.status, r.body)
	}
	e.h.SetRoutes(mustRoutes(t, def))
	if r := e.get(t, "GET", "/b.ts"); r.status != 404 {
		t.Fatalf("after a reload without error responses: %d %q, want the origin's 404", r.status, r.body)
	}
}

// TestWithErrorsRefusesBadResponses: each malformed custom error response is
// refused with its reason.
func TestWithErrorsRefusesBadResponses(t *testing.T) {
	rs := mustRoutes(t, testRoute(t, "*", "http://127.0.0.1:1"))
	for _, tc := range []struct {
		name string
		ers  []ErrorResponse
		want string
	}{
		{"a 3xx is no error", []ErrorResponse{{Status: 302}}, "want a 4xx or 5xx"},
		{"a page path must be absolute", []ErrorResponse{{Status: 404, PagePath: "errors/404.html"}}, "absolute path"},
		{"a response status must be a status", []ErrorResponse{{Status: 404, PagePath: "/e.html", ResponseStatus: 99}}, "response status 99"},
		{"a negative TTL", []ErrorResponse{{Status: 404, MinTTL: -time.Second}}, "negative"},
		{"one response per status", []ErrorResponse{{Status: 404}, {Status: 404}}, "two custom error responses"},
	} {
		if _, err := rs.WithErrors(tc.ers...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestCustomErrorPageForTheEdgesRefusal: the edge's own 403 (a method the
// behavior does not allow) gets the 403 page too, and a HEAD its head only.
func TestCustomErrorPageForTheEdgesRefusal(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/errors/403.html": "<h1>forbidden here</h1>"}, map[string]string{"Content-Type": "text/html"}))
		def := testRoute(t, "*", o.URL)
		def.Methods = []string{"GET", "HEAD"}
		vod := testRoute(t, "/vod/*", o.URL)
		vod.Methods = []string{"OPTIONS"}
		rs := withErrors(t, mustRoutes(t, def, PathRoute{"/vod/*", vod}), ErrorResponse{Status: 403, PagePath: "/errors/403.html", ResponseStatus: 403})
		e := routesEdge(t, rs, nil, nil)
		if r := e.get(t, "DELETE", "/live/index.m3u8"); r.status != 403 || r.body != "<h1>forbidden here</h1>" {
			t.Fatalf("DELETE refused by the behavior: %d %q, want the 403 page", r.status, r.body)
		}
		if r := e.get(t, "HEAD", "/vod/a.mp4"); r.status != 403 || r.body != "" || r.header.Get("Content-Type") != "text/html" {
			t.Fatalf("HEAD refused by the behavior: %d %q %v, want the 403 page's head", r.status, r.body, r.header)
		}
		if n := o.count("/errors/403.html"); n != 1 {
			t.Fatalf("the page was fetched %d times, want once", n)
		}
	})
}

// TestCloudFrontLogCustomErrorPageIsError: a custom error page is logged as
// CloudFront logs it, an Error (with the edge's own failure detailed), even
// when sent with 200.
func TestCloudFrontLogCustomErrorPageIsError(t *testing.T) {
	for _, tc := range []struct {
		name, result, failure string
		detailed              string
	}{
		{"the origin's 404 from the cache", resultHit, "", "Error"},
		{"the edge's own 502", resultError, "unreachable", "OriginConnectError"},
	} {
		x := &exchange{w: &countingWriter{}, r: fakeCtxRequest{ctx: context.Background()}, result: tc.result, failure: tc.failure, errorPage: 404}
		if final, response, detailed := cfResults(x, 200); final != "Error" || response != "Error" || detailed != tc.detailed {
			t.Errorf("%s: %s/%s/%s, want Error/Error/%s", tc.name, final, response, detailed, tc.detailed)
		}
	}
}

// TestCustomErrorPageForARefusedSignedURL: a signed behavior's 403 (no
// signature) gets the 403 page, served by an unsigned behavior; the
// protected object is never asked for.
func TestCustomErrorPageForARefusedSignedURL(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/errors/403.html": "<h1>sign in to watch</h1>", "/private/seg.ts": "paid"}, nil))
		private := testRoute(t, "/private/*", o.URL)
		private.Signed = &Signing{Verifier: trustedVerifier(t)}
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL), PathRoute{"/private/*", private}),
			ErrorResponse{Status: 403, PagePath: "/errors/403.html", ResponseStatus: 403})
		e := routesEdge(t, rs, nil, nil)
		if r := e.get(t, "GET", "/private/seg.ts"); r.status != 403 || r.body != "<h1>sign in to watch</h1>" {
			t.Fatalf("unsigned request to a signed behavior: %d %q, want the 403 page", r.status, r.body)
		}
		if n := o.count("/private/seg.ts"); n != 0 {
			t.Fatalf("the protected object was asked for %d times", n)
		}
	})
}

// TestErrorPageElectionReadsThroughTheVariantMarker: a custom error page
// stored compressed (a variant marker at its base key) is found at the
// page fill's election, not fetched again.
func TestErrorPageElectionReadsThroughTheVariantMarker(t *testing.T) {
	page := strings.Repeat("<p>the stream is offline</p>\n", 45) // 1,305 bytes: sent with a Content-Length
	o := newTestOrigin(t, staticHandler(map[string]string{"/errors/offline.html": page},
		map[string]string{"Content-Type": "text/html", "Cache-Control": "max-age=600"}))
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	e.get(t, "GET", "/errors/offline.html", "Accept-Encoding", "gzip")
	waitFillsDone(t, e)
	if r := e.get(t, "GET", "/errors/offline.html", "Accept-Encoding", "gzip"); r.status != 200 || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("page: %d, Content-Encoding %q", r.status, r.header.Get("Content-Encoding"))
	}
	px := &exchange{key: "/errors/offline.html", vary: variant.Request{Class: "gzip"}, route: e.h.routes.Load().def}
	pg, ok := e.h.fillPage(px, px, px.key, nil) // the base key: it holds the marker
	if !ok || len(pg.body) == 0 {
		t.Fatalf("page not found through the marker: ok %v, %d bytes", ok, len(pg.body))
	}
	if n := o.count("/errors/offline.html"); n != 1 {
		t.Errorf("origin asked %d times for the page, want 1", n)
	}
}
