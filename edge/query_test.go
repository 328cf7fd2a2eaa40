package edge

import (
	"fmt"
	"net/http"
	"testing"
)

// signingOrigin serves /protected.ts only to a request whose query carries
// Signature=good, as an origin checking CloudFront-style signed URLs does.
func signingOrigin(t *testing.T) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600") // the 403 too: a cacheable error
		if r.URL.Query().Get("Signature") != "good" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, "protected")
	})
}

func TestSignedURLParamsKeptInKeyAndOriginRequest(t *testing.T) {
	t.Parallel()
	o := signingOrigin(t)
	e := newTestEdge(t, o.URL, edgeOpts{})
	const signed = "/protected.ts?Expires=1767225600&Signature=good&Key-Pair-Id=K2"
	if r := e.get(t, "GET", signed); r.status != 200 || r.body != "protected" {
		t.Fatalf("signed request: %d %q", r.status, r.body)
	}
	for _, q := range []string{"", "?Expires=1767225600&Signature=forged&Key-Pair-Id=K2", "?Expires=1"} {
		if r := e.get(t, "GET", "/protected.ts"+q); r.status != http.StatusForbidden {
			t.Fatalf("%q after a signed request was cached: %d %q, want the origin's 403", q, r.status, r.body)
		}
	}
	wantCache(t, e.get(t, "GET", signed), "Hit")
	if n := o.count("/protected.ts"); n != 4 {
		t.Fatalf("origin requests = %d, want 4 (one per distinct signature)", n)
	}
}

func TestIgnoreQueryDropsSignedURLParamsOnPurpose(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "" {
			t.Errorf("origin saw query %q, want none", r.URL.RawQuery)
		}
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "open")
	})
	e := newTestEdge(t, o.URL, edgeOpts{ignoreQuery: []string{"Expires", "Policy", "Signature", "Key-Pair-Id"}})
	for _, q := range []string{"?Expires=1&Signature=a&Key-Pair-Id=K", "?Policy=p&Signature=b", ""} {
		if r := e.get(t, "GET", "/open.ts"+q); r.body != "open" {
			t.Fatalf("%s: %d %q", q, r.status, r.body)
		}
	}
	if n := o.count("/open.ts"); n != 1 {
		t.Fatalf("origin requests = %d, want 1", n)
	}
}

func TestRepeatedQueryParamsKeepTheirOrder(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, r.URL.RawQuery) // an origin that reads repeated parameters in order
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	if r := e.get(t, "GET", "/r.ts?a=1&a=2"); r.body != "a=1&a=2" {
		t.Fatalf("a=1&a=2: origin saw %q", r.body)
	}
	if r := e.get(t, "GET", "/r.ts?a=2&a=1"); r.body != "a=2&a=1" {
		t.Fatalf("a=2&a=1 served %q: repeated parameters reordered into one key", r.body)
	}
	if r := e.get(t, "GET", "/r.ts?b=0&a=2&a=1"); r.body != "a=2&a=1&b=0" {
		t.Fatalf("b=0&a=2&a=1: %q", r.body)
	}
	if n := o.count("/r.ts"); n != 3 {
		t.Fatalf("origin requests = %d, want 3", n)
	}
}
