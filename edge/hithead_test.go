package edge

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// headersOf is a response's header without what changes between two
// responses of the same head: Date and Age.
func headersOf(r result) http.Header {
	h := r.header.Clone()
	h.Del("Date")
	h.Del("Age")
	return h
}

func sameHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestPlainHitHeadIsTheBuiltHead: on both front ends, a plain hit's head is
// the same whether the front end builds it (the first hit) or sends the one
// it kept (fasthttp, every later hit): every request variant (CORS granted,
// refused, none; gzip; HEAD) gets the same headers each time, with Age. The
// reuse shows in streamedge_hit_heads_reused_total, and ranges, conditionals
// and a changed headers policy are answered with a head of their own.
func TestPlainHitHeadIsTheBuiltHead(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, http.Header{"Link": {"</a.ts>; rel=preload", "</b.ts>; rel=preload"},
			"Etag": {`"v1"`}, "X-Origin-Thing": {"1"}})
		e := newTestEdge(t, o.URL, edgeOpts{compress: true})
		defer e.Close()
		withPolicies(t, e, playerPolicy(), nil)
		variants := []struct {
			name   string
			method string
			hdr    []string
		}{
			{"plain", http.MethodGet, nil},
			{"cors granted", http.MethodGet, []string{"Origin", playerOrigin}},
			{"cors refused", http.MethodGet, []string{"Origin", "https://other.example"}},
			{"gzip", http.MethodGet, []string{"Accept-Encoding", "gzip"}},
			{"head", http.MethodHead, nil},
		}
		reused0 := value(t, e.h.metrics.reusedHeads)
		for _, v := range variants {
			e.get(t, v.method, "/v/index.m3u8", v.hdr...) // stored (or joined)
			first := e.get(t, v.method, "/v/index.m3u8", v.hdr...)
			wantCache(t, first, "Hit")
			if first.header.Get("Age") == "" || first.header.Get("Via") == "" || first.header.Get("Accept-Ranges") != "bytes" {
				t.Fatalf("%s: head %v", v.name, first.header)
			}
			for i := range 3 {
				next := e.get(t, v.method, "/v/index.m3u8", v.hdr...)
				wantCache(t, next, "Hit")
				if !sameHeaders(headersOf(first), headersOf(next)) || next.header.Get("Age") == "" {
					t.Fatalf("%s, hit %d:\n%v\nwant\n%v", v.name, i+2, next.header, first.header)
				}
				if v.method == http.MethodGet && next.body != first.body {
					t.Fatalf("%s: body changed", v.name)
				}
			}
		}
		reused := value(t, e.h.metrics.reusedHeads) - reused0
		if want := float64(3 * len(variants)); frontOf(t) == FrontFast && reused < want || frontOf(t) == FrontNet && reused != 0 {
			t.Fatalf("%s: %v heads reused", frontOf(t), reused)
		}

		// Not plain: a head of their own.
		if r := e.get(t, http.MethodGet, "/v/index.m3u8", "Range", "bytes=0-9"); r.status != http.StatusPartialContent ||
			r.header.Get("Content-Range") == "" || len(r.body) != 10 {
			t.Fatalf("range: %d %v", r.status, r.header)
		}
		if r := e.get(t, http.MethodGet, "/v/index.m3u8", "If-None-Match", `"v1"`); r.status != http.StatusNotModified {
			t.Fatalf("conditional: %d", r.status)
		}
		p := playerPolicy()
		p.CustomHeaders = []config.CustomHeader{{Name: "X-Served-By", Value: "edge-2"}}
		withPolicies(t, e, p, nil) // a reload's new policy: the kept head is not its head
		if r := e.get(t, http.MethodGet, "/v/index.m3u8"); r.header.Get("X-Served-By") != "edge-2" {
			t.Fatalf("after the policy changed: X-Served-By %q", r.header.Get("X-Served-By"))
		}
		if r := e.get(t, http.MethodGet, "/v/index.m3u8"); r.header.Get("X-Served-By") != "edge-2" {
			t.Fatalf("second hit after the policy changed: X-Served-By %q", r.header.Get("X-Served-By"))
		}
	})
}

// TestReusedHeadCarriesItsAge: the reused head's Age is the entry's, not
// the one it had when it was kept.
func TestReusedHeadCarriesItsAge(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 2 s for Age to move")
	}
	o := mediaOrigin(t, nil)
	e := newTestEdge(t, o.URL, edgeOpts{})
	defer e.Close()
	for range 3 {
		e.get(t, http.MethodGet, "/v/index.m3u8")
	}
	time.Sleep(2100 * time.Millisecond)
	r := e.get(t, http.MethodGet, "/v/index.m3u8")
	wantCache(t, r, "Hit")
	if age := r.header.Get("Age"); age == "0" || age == "1" || strings.TrimSpace(age) == "" {
		t.Fatalf("Age %q after 2 s", age)
	}
}

// TestPlainHitHeadsOfBothKindsOfViewer: viewers with and without a CORS
// grant alternating on one entry (a browser player and an app) each reuse
// their own kept head, rather than replacing each other's on every hit.
func TestPlainHitHeadsOfBothKindsOfViewer(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, nil)
		e := newTestEdge(t, o.URL, edgeOpts{})
		defer e.Close()
		withPolicies(t, e, playerPolicy(), nil)
		kinds := [][]string{nil, {"Origin", playerOrigin}}
		for range 2 { // stored, then each kind's head built and kept
			for _, hdr := range kinds {
				e.get(t, http.MethodGet, "/v/index.m3u8", hdr...)
			}
		}
		e.get(t, http.MethodGet, "/v/index.m3u8") // the hot layer's copy: keeps the plain head
		e.get(t, http.MethodGet, "/v/index.m3u8", kinds[1]...)
		before := value(t, e.h.metrics.reusedHeads)
		for range 5 {
			for i, hdr := range kinds {
				r := e.get(t, http.MethodGet, "/v/index.m3u8", hdr...)
				wantCache(t, r, "Hit")
				if got := r.header.Get("Access-Control-Allow-Origin"); (i == 1) != (got == playerOrigin) {
					t.Fatalf("kind %d: Access-Control-Allow-Origin %q", i, got)
				}
			}
		}
		if got := value(t, e.h.metrics.reusedHeads) - before; frontOf(t) == FrontFast && got != 10 {
			t.Fatalf("%v of 10 alternating hits reused their kind's head", got)
		}
	})
}

// TestVariantKeyFromTheMarkersMemo: the variant key kept on a marker's hot
// copy is the one Marker.Lookup builds, for each encoding class, and a hit
// that finds it there builds nothing (no allocation); markers varying on
// Origin are not memoised.
func TestVariantKeyFromTheMarkersMemo(t *testing.T) {
	memo := new(segments.Memo)
	m := variant.Marker{Dims: variant.AcceptEncoding}
	for range 2 {
		for _, c := range variant.Classes() {
			req := variant.Request{Class: c, OriginOK: true}
			want, _ := m.Lookup("/a.m3u8", req)
			if got, ok := variantKey(memo, m, "/a.m3u8", req); !ok || got != want {
				t.Fatalf("class %q: %q, %v; want %q", c, got, ok, want)
			}
		}
	}
	req := variant.Request{Class: variant.Gzip, OriginOK: true}
	if n := testing.AllocsPerRun(100, func() { _, _ = variantKey(memo, m, "/a.m3u8", req) }); n != 0 {
		t.Errorf("a memoised variant key costs %v allocations", n)
	}
	om := variant.Marker{Dims: variant.AcceptEncoding | variant.Origin}
	oreq := variant.Request{Class: variant.Gzip, Origin: "https://a.example", OriginOK: true}
	want, _ := om.Lookup("/b.m3u8", oreq)
	if got, _ := variantKey(new(segments.Memo), om, "/b.m3u8", oreq); got != want {
		t.Errorf("origin variant %q, want %q", got, want)
	}
}

// TestLargeHitHeadOnKeepAlive: hits on a body the fasthttp front end writes
// directly (over directBodyBytes, head kept back to leave with the body)
// answer HEAD, GET and HEAD again on one keep-alive connection, each at
// once and whole: a head with no body after it is not kept waiting.
func TestLargeHitHeadOnKeepAlive(t *testing.T) {
	body := strings.Repeat("\x47", 3<<20)
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "video/mp2t")
			w.Header().Set("Cache-Control", "max-age=600")
			_, _ = io.WriteString(w, body)
		})
		e := newTestEdge(t, o.URL, edgeOpts{maxObject: 64 << 20})
		defer e.Close()
		if r := e.get(t, http.MethodGet, "/s.ts"); r.body != body {
			t.Fatalf("fill: %d bytes, %v", len(r.body), r.err)
		}
		for i, m := range []string{http.MethodHead, http.MethodGet, http.MethodHead, http.MethodGet} {
			start := time.Now()
			r := e.get(t, m, "/s.ts")
			if took := time.Since(start); took > time.Second { // a head kept waiting would wait for the client timeout
				t.Errorf("%d %s took %v", i, m, took)
			} else {
				t.Logf("%d %s took %v", i, m, took)
			}
			want := body
			if m == http.MethodHead {
				want = ""
			}
			if r.status != http.StatusOK || r.body != want || r.header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Fatalf("%d %s: %d, %d bytes, Content-Length %q, %v", i, m, r.status, len(r.body), r.header.Get("Content-Length"), r.err)
			}
		}
	})
}
