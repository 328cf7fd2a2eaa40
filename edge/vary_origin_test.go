package edge

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/streamedge/streamedge/variant"
)

// corsOrigin answers like S3 with a CORS rule: the grant echoes the request's
// Origin, the body says which Origin it was made for, and Vary names Origin
// (with the preflight fields) only when the request carried one.
func corsOrigin(t *testing.T, varyAE bool) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Header().Set("Cache-Control", "max-age=600")
		vary := "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
		if varyAE {
			vary += ", Accept-Encoding"
		}
		w.Header().Set("Vary", vary)
		o := r.Header.Get("Origin")
		if o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
		}
		_, _ = io.WriteString(w, vodPlaylist+"# for "+o+"\n")
	})
}

func TestVaryOriginIsABoundedKeyDimension(t *testing.T) {
	t.Parallel()
	for _, varyAE := range []bool{false, true} {
		t.Run(fmt.Sprintf("with_accept_encoding_%v", varyAE), func(t *testing.T) {
			t.Parallel()
			o := corsOrigin(t, varyAE)
			e := newTestEdge(t, o.URL, edgeOpts{})
			const path = "/cors/index.m3u8"
			// Two Origins and no Origin: three variants, each a hit the second time.
			for round := range 2 {
				for _, org := range []string{"https://a.example", "https://b.example", ""} {
					hdr := []string{}
					if org != "" {
						hdr = []string{"Origin", org}
					}
					r := e.get(t, "GET", path, hdr...)
					if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != org || !strings.HasSuffix(r.body, "# for "+org+"\n") {
						t.Fatalf("Origin %q got ACAO %q body %q", org, r.header.Get("Access-Control-Allow-Origin"), trunc(r.body))
					}
					if round == 1 {
						wantCache(t, r, "Hit")
					}
				}
			}
			if n := o.count(path); n != 3 {
				t.Fatalf("origin requests = %d, want 3 (one per Origin variant)", n)
			}
			// Fill up to the bound, then the next new Origin passes through every time.
			for i := 3; i < variant.MaxOrigins; i++ { // a, b and the absent Origin hold 3 slots
				wantCache(t, e.get(t, "GET", path, "Origin", fmt.Sprintf("https://o%d.example", i)), "Miss")
			}
			wantCache(t, e.get(t, "GET", path, "Origin", "https://o3.example"), "Hit")
			before := o.count(path)
			late := "https://late.example"
			for range 3 {
				r := e.get(t, "GET", path, "Origin", late)
				if r.header.Get("Access-Control-Allow-Origin") != late || r.header.Get("X-Cache") != xcache(resultPass) {
					t.Fatalf("Origin beyond the bound: ACAO %q X-Cache %q", r.header.Get("Access-Control-Allow-Origin"), r.header.Get("X-Cache"))
				}
			}
			if n := o.count(path) - before; n != 3 {
				t.Fatalf("the %dth distinct Origin reached the origin %d times in 3 requests, want 3 (pass-through)", variant.MaxOrigins+1, n)
			}
			wantCache(t, e.get(t, "GET", path, "Origin", "https://a.example"), "Hit") // admitted ones stay cached
			// An Origin that is not a serialized origin is never keyed.
			before = o.count(path)
			e.get(t, "GET", path, "Origin", "https://evil.example/path")
			e.get(t, "GET", path, "Origin", "https://evil.example/path")
			if n := o.count(path) - before; n != 2 {
				t.Fatalf("an invalid Origin was cached (%d origin requests for 2)", n)
			}
			if n := testutil.ToFloat64(e.h.metrics.variantRefusals); n < 5 {
				t.Fatalf("streamedge_variant_refusals_total = %v, want >= 5", n)
			}
		})
	}
}

// TestVaryOriginCoalescedFollowersGetTheirOwnGrant: followers of a fill with
// another Origin never receive the leader's CORS grant.
func TestVaryOriginCoalescedFollowersGetTheirOwnGrant(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond) // the others join this fill meanwhile
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
		_, _ = io.WriteString(w, "for "+r.Header.Get("Origin"))
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	origins := []string{"https://a.example", "https://b.example", "https://c.example", "https://a.example"}
	results := make(chan [2]string, len(origins))
	for _, org := range origins {
		go func() {
			r := e.get(t, "GET", "/c.txt", "Origin", org)
			results <- [2]string{org, r.header.Get("Access-Control-Allow-Origin") + "|" + r.body}
		}()
	}
	for range origins {
		if got := <-results; got[1] != got[0]+"|for "+got[0] {
			t.Fatalf("Origin %s got %q", got[0], got[1])
		}
	}
	if n := o.count("/c.txt"); n != 3 {
		t.Fatalf("origin requests = %d, want 3 (one per distinct Origin)", n)
	}
}
