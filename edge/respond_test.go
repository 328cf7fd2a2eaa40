package edge

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRanges(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		body := strings.Repeat("0123456789", 100) // 1000 bytes
		o := newTestOrigin(t, staticHandler(map[string]string{"/v.mp4": body},
			map[string]string{"Cache-Control": "max-age=600", "ETag": `"e1"`, "Content-Type": "video/mp4",
				"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"}))
		e := newTestEdge(t, o.URL, edgeOpts{})
		// A range on a miss: one whole-object fetch, the range cut from it.
		r := e.get(t, "GET", "/v.mp4", "Range", "bytes=10-19")
		if r.status != 206 || r.body != body[10:20] || r.header.Get("Content-Range") != "bytes 10-19/1000" {
			t.Fatalf("miss range: %d %q %q", r.status, r.body, r.header.Get("Content-Range"))
		}
		if h := o.lastHeader("/v.mp4"); h.Get("Range") != "" {
			t.Fatal("client Range forwarded on a fill")
		}
		tests := []struct {
			name, rng, ifRange string
			status             int
			body, contentRange string
		}{
			{"first_last", "bytes=0-4", "", 206, body[:5], "bytes 0-4/1000"},
			{"suffix", "bytes=-3", "", 206, body[997:], "bytes 997-999/1000"},
			{"open", "bytes=995-", "", 206, body[995:], "bytes 995-999/1000"},
			{"llhls_huge_last", "bytes=990-9007199254740991", "", 206, body[990:], "bytes 990-999/1000"},
			{"unsatisfiable", "bytes=5000-", "", 416, "", "bytes */1000"},
			{"multi_gets_whole", "bytes=0-1,5-6", "", 200, body, ""},
			{"malformed_ignored", "bytes=x-y", "", 200, body, ""},
			{"if_range_etag_match", "bytes=0-1", `"e1"`, 206, body[:2], "bytes 0-1/1000"},
			{"if_range_etag_mismatch", "bytes=0-1", `"old"`, 200, body, ""},
			{"if_range_date_match", "bytes=0-1", "Wed, 21 Oct 2015 07:28:00 GMT", 206, body[:2], "bytes 0-1/1000"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				hdr := []string{"Range", tc.rng}
				if tc.ifRange != "" {
					hdr = append(hdr, "If-Range", tc.ifRange)
				}
				r := e.get(t, "GET", "/v.mp4", hdr...)
				if r.status != tc.status || r.body != tc.body || r.header.Get("Content-Range") != tc.contentRange {
					t.Fatalf("got %d %q (Content-Range %q)", r.status, trunc(r.body), r.header.Get("Content-Range"))
				}
			})
		}
		if n := o.count("/v.mp4"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
	})
}

func trunc(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

func TestHeadServedFromGetEntry(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/a.ts": "abcdef"},
			map[string]string{"Cache-Control": "max-age=600"}))
		e := newTestEdge(t, o.URL, edgeOpts{})
		r := e.get(t, "HEAD", "/a.ts") // cold HEAD: the edge fetches with GET and stores it
		if r.status != 200 || r.body != "" || r.header.Get("Content-Length") != "6" {
			t.Fatalf("HEAD: %d %q len %s", r.status, r.body, r.header.Get("Content-Length"))
		}
		wantCache(t, e.get(t, "GET", "/a.ts"), "Hit")
		wantCache(t, e.get(t, "HEAD", "/a.ts"), "Hit")
		if n := o.count("/a.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
	})
}

func TestQueryVariantsShareOneEntry(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("CMCD") != "" || r.URL.Query().Get("sid") != "" {
				t.Errorf("excluded parameter reached the origin: %s", r.URL.RawQuery)
			}
			w.Header().Set("Cache-Control", "max-age=600")
			fmt.Fprint(w, "seg")
		})
		e := newTestEdge(t, o.URL, edgeOpts{ignoreQuery: []string{"sid"}})
		for _, q := range []string{
			"?b=2&a=1", "?a=1&b=2", "?a=1&b=2&CMCD=br%3D3200%2Cot%3Dv", "?CMCD=bl%3D21300&b=2&a=1",
			"?a=1&b=2&sid=42",
		} {
			if r := e.get(t, "GET", "/s.ts"+q); r.body != "seg" {
				t.Fatalf("%s: %q", q, r.body)
			}
		}
		if n := o.count("/s.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1 for every spelling", n)
		}
		e.get(t, "GET", "/s.ts?a=2&b=2")
		if n := o.count("/s.ts"); n != 2 {
			t.Fatalf("a different kept parameter must be a different object (origin requests %d)", n)
		}
	})
}

func TestPathNormalisedInKeyAndFetch(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/live/a.ts": "A"}, map[string]string{"Cache-Control": "max-age=60"}))
		e := newTestEdge(t, o.URL, edgeOpts{})
		for _, p := range []string{"/live/a.ts", "/live/x/../a.ts", "//live//a.ts", "/live/%61.ts"} {
			if r := e.get(t, "GET", p); r.body != "A" {
				t.Fatalf("%s: %d %q", p, r.status, r.body)
			}
		}
		if n := o.count("/live/a.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
	})
}

func TestVaryAcceptEncoding(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("Vary", "Accept-Encoding")
			w.Header().Set("Content-Type", "text/plain")
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				zw := gzip.NewWriter(w)
				_, _ = io.WriteString(zw, "hello")
				_ = zw.Close()
				return
			}
			_, _ = io.WriteString(w, "hello")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		for i := 0; i < 2; i++ {
			plain := e.get(t, "GET", "/t.txt")
			if plain.body != "hello" || plain.header.Get("Content-Encoding") != "" {
				t.Fatalf("identity client got %q %q", plain.header.Get("Content-Encoding"), plain.body)
			}
			gz := e.get(t, "GET", "/t.txt", "Accept-Encoding", "gzip, deflate")
			if gz.header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("gzip client got Content-Encoding %q", gz.header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(strings.NewReader(gz.body))
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(zr); string(b) != "hello" {
				t.Fatalf("gzip body %q", b)
			}
			waitFillsDone(t, e) // stored once the fills end, a moment after the viewers have the bodies
		}
		if n := o.count("/t.txt"); n != 2 {
			t.Fatalf("origin requests = %d, want 2 (one per encoding)", n)
		}
	})
}

func TestOtherVaryIsNotCached(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("Vary", "User-Agent")
			fmt.Fprint(w, r.Header.Get("User-Agent"))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		e.get(t, "GET", "/ua")
		e.get(t, "GET", "/ua")
		if n := o.count("/ua"); n < 2 {
			t.Fatalf("origin requests = %d: a Vary: User-Agent response was cached", n)
		}
	})
}

func TestOriginUnreachable502AndTimeout504(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		dead := newTestOrigin(t, func(http.ResponseWriter, *http.Request) {})
		dead.Close()
		e := newTestEdge(t, dead.URL, edgeOpts{originTimeout: time.Second})
		r := e.get(t, "GET", "/x.ts")
		if r.status != http.StatusBadGateway || !strings.Contains(r.body, "502") || strings.Count(r.body, "\n") != 1 {
			t.Fatalf("unreachable: %d %q", r.status, r.body)
		}
		slow := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		})
		e2 := newTestEdge(t, slow.URL, edgeOpts{originTimeout: 300 * time.Millisecond})
		r = e2.get(t, "GET", "/y.ts")
		if r.status != http.StatusGatewayTimeout || !strings.Contains(r.body, "504") {
			t.Fatalf("timeout: %d %q", r.status, r.body)
		}
		wantCache(t, r, "Error")
	})
}

func TestLargeObjectStreamsThroughUncached(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 3<<20)
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			_, _ = w.Write(big)
		})
		e := newTestEdge(t, o.URL, edgeOpts{maxObject: 1 << 20})
		for i := 0; i < 2; i++ {
			r := e.get(t, "GET", "/big.mp4")
			if r.status != 200 || len(r.body) != len(big) {
				t.Fatalf("status %d len %d", r.status, len(r.body))
			}
		}
		if n := o.count("/big.mp4"); n < 2 {
			t.Fatalf("origin requests = %d: an object over -max-object-size was cached", n)
		}
	})
}

func TestHeadersAgeViaXCache(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("Age", "30")
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Connection", "X-Secret")
			w.Header().Set("X-Secret", "hop")
			fmt.Fprint(w, "x")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		e.get(t, "GET", "/h.ts")
		r := e.get(t, "GET", "/h.ts")
		age, _ := strconv.Atoi(r.header.Get("Age"))
		if age < 30 {
			t.Fatalf("Age = %q, want >= 30 (the origin's Age carries over)", r.header.Get("Age"))
		}
		if !strings.Contains(r.header.Get("Via"), "streamedge") || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("headers: %v", r.header)
		}
		if r.header.Get("X-Secret") != "" {
			t.Fatal("a hop-by-hop header named in Connection was passed on")
		}
		if got := o.lastHeader("/h.ts").Get("Via"); !strings.Contains(got, "streamedge") {
			t.Fatalf("origin saw Via %q", got)
		}
	})
}

// waitFillsDone waits until no fill runs: what they fetched is stored.
func waitFillsDone(t *testing.T, e *testEdge) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); e.h.group.InFlight() > 0; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d fills still running", e.h.group.InFlight())
		}
	}
}
