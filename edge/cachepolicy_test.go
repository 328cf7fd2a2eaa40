package edge

import (
	"net/http"
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

// seenRequest is what the origin of the cache-policy tests saw.
type seenRequest struct {
	query  url.Values
	header http.Header
}

// policyOrigin is a real origin recording every request it serves; delay
// holds each answer (so concurrent viewers overlap one fill).
type policyOrigin struct {
	mu   sync.Mutex
	seen []seenRequest
}

func (p *policyOrigin) handler(delay time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, seenRequest{r.URL.Query(), r.Header.Clone()})
		p.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("segment for " + r.Header.Get("X-Device")))
	}
}

func (p *policyOrigin) requests() []seenRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]seenRequest(nil), p.seen...)
}

// newPolicyEdge is an edge whose default behavior has cfg's cache and
// origin request policies, on the test's front end.
func newPolicyEdge(t *testing.T, originURL string, cfg cachekey.Config) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: 5 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	rs, err := Single(&Route{Name: "*", Origin: oc, Keys: cachekey.New(cfg), Policy: defaultPolicy()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}),
		Routes: rs, Registry: prometheus.NewRegistry(), AccessLog: &syncBuf{}})
	if err != nil {
		t.Fatal(err)
	}
	edgeURL, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: edgeURL, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 10 * time.Second}, close: closeSrv}
}

// behaviorPolicies keys on query v, header X-Device and cookie s, and
// forwards query token, header X-Trace and cookie ab without keying.
var behaviorPolicies = cachekey.Config{
	QueryStrings: cachekey.Items{Behavior: cachekey.Whitelist, Names: []string{"v"}},
	Headers:      []string{"X-Device"},
	Cookies:      cachekey.Items{Behavior: cachekey.Whitelist, Names: []string{"s"}},
	Origin: cachekey.OriginRequest{
		QueryStrings: cachekey.Items{Behavior: cachekey.Whitelist, Names: []string{"token"}},
		Headers:      cachekey.Items{Behavior: cachekey.Whitelist, Names: []string{"X-Trace"}},
		Cookies:      cachekey.Items{Behavior: cachekey.Whitelist, Names: []string{"ab"}},
	},
}

// TestCachePolicyKeysAndOriginRequest: viewers differing only in values
// outside the key share one origin fetch; a differing keyed header, cookie
// or query parameter is another object; the fill carries the keyed and the
// origin-request-policy values of the request that started it, and nothing
// else the viewer sent.
func TestCachePolicyKeysAndOriginRequest(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		po := &policyOrigin{}
		o := newTestOrigin(t, po.handler(0))
		e := newPolicyEdge(t, o.URL, behaviorPolicies)
		get := func(query string, hdr ...string) result {
			t.Helper()
			r := e.get(t, http.MethodGet, "/seg.ts?"+query, hdr...)
			if r.err != nil || r.status != http.StatusOK {
				t.Fatalf("GET ?%s: %d %v", query, r.status, r.err)
			}
			return r
		}
		tv := []string{"X-Device", "tv", "X-Trace", "t1", "X-Other", "o", "Cookie", "s=1; ab=x; other=y"}
		wantCache(t, get("v=1&token=A&junk=1", tv...), "Miss")
		wantCache(t, get("junk=2&token=B&v=1", "X-Device", " tv", "X-Trace", "t2", "Cookie", "other=z; s=1; ab=q"), "Hit")
		if n := o.count("/seg.ts"); n != 1 {
			t.Fatalf("non-key values differed: %d origin fetches, want 1", n)
		}
		wantCache(t, get("v=1&token=A", "X-Device", "phone", "Cookie", "s=1"), "Miss")
		wantCache(t, get("v=1&token=A", "X-Device", "tv", "Cookie", "s=2"), "Miss")
		wantCache(t, get("v=2&token=A", "X-Device", "tv", "Cookie", "s=1"), "Miss")
		if n := o.count("/seg.ts"); n != 4 {
			t.Fatalf("keyed header, cookie and query differed: %d origin fetches, want 4", n)
		}
		// 5 requests, each keyed on one header and one cookie.
		if hs, cs := value(t, e.h.metrics.keyItems.headers), value(t, e.h.metrics.keyItems.cookies); hs != 5 || cs != 5 {
			t.Errorf("streamedge_cache_key_items_total: header %v, cookie %v; want 5, 5", hs, cs)
		}
		log := e.h.cfg.AccessLog.(*syncBuf)
		for deadline := time.Now().Add(2 * time.Second); strings.Count(log.String(), "\n") < 5 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond) // a line is written once its response is done
		}
		if strings.Count(log.String(), `"keyed":2`) != 5 {
			t.Errorf("access log lacks keyed=2 on every line:\n%s", log.String())
		}
		first := po.requests()[0]
		if got := first.query.Encode(); got != "token=A&v=1" {
			t.Errorf("origin query %q, want token=A&v=1 (the key's v and the policy's token, not junk)", got)
		}
		for k, want := range map[string]string{"X-Device": "tv", "X-Trace": "t1", "X-Other": "", "Cookie": "ab=x; s=1"} {
			if got := first.header.Get(k); got != want {
				t.Errorf("origin got %s %q, want %q", k, got, want)
			}
		}
	})
}

// TestCoalescedFillCarriesFirstViewersValues: concurrent viewers sharing a
// key share one fill, which sends the origin-request-only values of the
// viewer that started it (CloudFront's rule), never a mix.
func TestCoalescedFillCarriesFirstViewersValues(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		po := &policyOrigin{}
		o := newTestOrigin(t, po.handler(300*time.Millisecond))
		e := newPolicyEdge(t, o.URL, behaviorPolicies)
		var wg sync.WaitGroup
		for _, token := range []string{"A", "B", "C"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.get(t, http.MethodGet, "/seg.ts?v=1&token="+token, "X-Device", "tv", "X-Trace", token)
				if r.err != nil || r.status != http.StatusOK || r.body != "segment for tv" {
					t.Errorf("token %s: %d %q %v", token, r.status, r.body, r.err)
				}
			}()
		}
		wg.Wait()
		seen := po.requests()
		if len(seen) != 1 {
			t.Fatalf("%d origin fetches for one key, want 1", len(seen))
		}
		if tok, tr := seen[0].query.Get("token"), seen[0].header.Get("X-Trace"); tok != tr {
			t.Fatalf("fill mixed viewers: token %q, X-Trace %q", tok, tr)
		}
	})
}

// TestKeyBoundsAtTheEdge: a keyed cookie over the value bound (2 KiB, within
// the front ends' 4 KiB test head) is refused with 431 and 10,000 query
// parameters with 414 (or 431 by a front end's head bound) before any origin
// work; an unkeyed large cookie is neither keyed nor forwarded.
func TestKeyBoundsAtTheEdge(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		po := &policyOrigin{}
		o := newTestOrigin(t, po.handler(0))
		e := newPolicyEdge(t, o.URL, behaviorPolicies)
		big := make([]byte, 2<<10) // over the keyed value bound (1 KiB)
		for i := range big {
			big[i] = 'a'
		}
		if r := e.get(t, http.MethodGet, "/seg.ts?v=1", "Cookie", "s="+string(big)); r.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("2 KiB keyed cookie: %d, want 431", r.status)
		}
		q := ""
		for i := 0; i < 10000; i++ {
			q += "x=1&"
		}
		if r := e.get(t, http.MethodGet, "/seg.ts?"+q); r.status != http.StatusRequestURITooLong && r.status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("10,000 query parameters: %d (%v), want 414 (or the front end's 431)", r.status, r.err)
		}
		if n := o.count("/seg.ts"); n != 0 {
			t.Fatalf("refused requests reached the origin %d times", n)
		}
		r := e.get(t, http.MethodGet, "/seg.ts?v=1", "Cookie", "junk="+string(big)+"; s=1")
		wantCache(t, r, "Miss")
		if c := po.requests()[0].header.Get("Cookie"); c != "s=1" {
			t.Errorf("origin got Cookie of %d bytes, want s=1", len(c))
		}
	})
}

// TestOriginRequestAllViewerOnBothFronts: an allViewer origin request
// policy forwards the viewer's own headers on a fill from either front end,
// never the ones the edge sets (Host, Accept-Encoding, validators).
func TestOriginRequestAllViewerOnBothFronts(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		po := &policyOrigin{}
		o := newTestOrigin(t, po.handler(0))
		e := newPolicyEdge(t, o.URL, cachekey.Config{Origin: cachekey.OriginRequest{
			Headers: cachekey.Items{Behavior: cachekey.AllViewer}}})
		wantCache(t, e.get(t, http.MethodGet, "/seg.ts", "X-Other", "o", "User-Agent", "player/1", "If-None-Match", `"x"`), "Miss")
		h := po.requests()[0].header
		for k, want := range map[string]string{"X-Other": "o", "User-Agent": "player/1", "If-None-Match": "", "Accept-Encoding": "identity"} {
			if got := h.Get(k); got != want {
				t.Errorf("origin got %s %q, want %q", k, got, want)
			}
		}
	})
}

// TestVaryOnKeyedHeaderIsCached: an origin answering Vary: X-Device is
// cached per key when the behavior keys on X-Device (the key already holds
// every value); without it in the key such a response is never shared.
func TestVaryOnKeyedHeaderIsCached(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "X-Device")
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write([]byte("for " + r.Header.Get("X-Device")))
		})
		for _, tc := range []struct {
			name    string
			cfg     cachekey.Config
			fetches int
		}{
			{"keyed", cachekey.Config{Headers: []string{"X-Device"}}, 2}, // one per device
			{"not_keyed", cachekey.Config{}, 4},                          // every request (at least)
		} {
			e := newPolicyEdge(t, o.URL, tc.cfg)
			before := o.count("/" + tc.name)
			for i := 0; i < 2; i++ {
				for _, dev := range []string{"tv", "phone"} {
					if r := e.get(t, http.MethodGet, "/"+tc.name, "X-Device", dev); r.body != "for "+dev || r.header.Get("Vary") != "X-Device" {
						t.Fatalf("%s: %s got %q, Vary %q", tc.name, dev, r.body, r.header.Get("Vary"))
					}
				}
			}
			if n := o.count("/"+tc.name) - before; n != tc.fetches && (tc.name == "keyed" || n < tc.fetches) {
				t.Errorf("%s: %d origin fetches for 2 rounds of 2 devices, want %d", tc.name, n, tc.fetches)
			}
		}
	})
}

// TestPrefetchKeepsTheFillsKeyedHeaders: a live playlist fetched for one
// keyed header value has its segments prefetched for that value (the
// header reaches the origin, the viewer with it hits); a viewer with
// another value is another object.
func TestPrefetchKeepsTheFillsKeyedHeaders(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		var seq atomic.Int64
		seq.Store(10)
		o := liveOrigin(t, &seq, false)
		e := newTestEdge(t, o.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
			def.Prefetch, def.Keys = 2, cachekey.New(cachekey.Config{Headers: []string{"X-Device"}})
			return Single(def)
		}})
		if r := e.get(t, "GET", "/live/index.m3u8", "X-Device", "tv"); r.status != 200 {
			t.Fatalf("playlist: %d", r.status)
		}
		waitCount(t, o, "/live/seg_12.ts", 1)
		time.Sleep(50 * time.Millisecond) // the prefetch stores after its body
		if got := o.lastHeader("/live/seg_12.ts").Get("X-Device"); got != "tv" {
			t.Errorf("prefetch sent X-Device %q, want tv", got)
		}
		wantCache(t, e.get(t, "GET", "/live/seg_12.ts", "X-Device", "tv"), "Hit")
		wantCache(t, e.get(t, "GET", "/live/seg_12.ts", "X-Device", "phone"), "Miss")
	})
}

// TestSignedRouteKeepsSigningValuesOutOfKeysAndFills: on a route that
// verifies signatures, CloudFront's signing parameters and cookies enter
// neither the key nor a fill, even under "all" cache and origin request
// policies; the viewer's other cookies do.
func TestSignedRouteKeepsSigningValuesOutOfKeysAndFills(t *testing.T) {
	all := cachekey.Items{Behavior: cachekey.All}
	rt := &Route{Name: "*", Keys: cachekey.New(cachekey.Config{QueryStrings: all, Cookies: all,
		Origin: cachekey.OriginRequest{QueryStrings: all, Cookies: all}}), Signed: &Signing{Verifier: trustedVerifier(t)}}
	if err := signedRoute(rt); err != nil {
		t.Fatal(err)
	}
	r, err := rt.Keys.Request("/a.ts", "v=1&Expires=9&Signature=s&Key-Pair-Id=K", http.Header{"Cookie": {
		"CloudFront-Policy=p; CloudFront-Signature=s; CloudFront-Key-Pair-Id=K; CloudFront-Expires=9; u=1"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Key != "/a.ts?v=1\x00c:u=1" || r.Target != "/a.ts?v=1" || r.Header.Get("Cookie") != "u=1" {
		t.Fatalf("key %q, target %q, cookie %q", r.Key, r.Target, r.Header.Get("Cookie"))
	}
}
