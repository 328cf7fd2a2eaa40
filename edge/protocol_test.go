package edge

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// protocolOrigin answers every GET with a response no plain, unconditional,
// whole-object GET can have asked for.
func protocolOrigin(t *testing.T) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/switch.ts": // 101 without an Upgrade request
			conn, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nnot media")
			_ = brw.Flush()
		case "/notmod.ts": // 304 with no If-None-Match / If-Modified-Since sent
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(http.StatusNotModified)
		case "/partial.ts": // 206 with no Range sent
			w.Header().Set("Cache-Control", "max-age=600")
			w.Header().Set("Content-Range", "bytes 0-3/100")
			w.WriteHeader(http.StatusPartialContent)
			fmt.Fprint(w, "part")
		}
	})
}

func TestProtocolErrorsAreNeverStoredNorShared(t *testing.T) {
	t.Parallel()
	o := protocolOrigin(t)
	e := newTestEdge(t, o.URL, edgeOpts{originTimeout: 2 * time.Second})
	for _, path := range []string{"/switch.ts", "/notmod.ts", "/partial.ts"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			for i := 1; i <= 2; i++ {
				r := e.get(t, "GET", path)
				if r.status != http.StatusBadGateway || r.body != "502 protocol error from origin\n" {
					t.Fatalf("request %d: %d %q, want 502 with a one-line body", i, r.status, r.body)
				}
				wantCache(t, r, "Error")
				if n := o.count(path); n != i {
					t.Fatalf("request %d: origin requests = %d: the response was stored or shared", i, n)
				}
			}
		})
	}
	if n := counterValue(e.h.metrics.failedFills.WithLabelValues("protocol")); n != 6 {
		t.Fatalf("streamedge_failed_fills_total{reason=protocol} = %v, want 6", n)
	}
	if n := counterValue(e.h.metrics.errorResponses.WithLabelValues("protocol")); n != 6 {
		t.Fatalf("streamedge_error_responses_total{reason=protocol} = %v, want 6", n)
	}
}

// A protocol error on a refresh serves the stale copy within stale-if-error.
func TestProtocolErrorServesStaleCopy(t *testing.T) {
	t.Parallel()
	var broken atomic.Bool
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=1")
		if broken.Load() {
			w.Header().Set("Content-Range", "bytes 0-1/9")
			w.WriteHeader(http.StatusPartialContent)
			fmt.Fprint(w, "se")
			return
		}
		fmt.Fprint(w, "segment-1")
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	wantCache(t, e.get(t, "GET", "/s.ts"), "Miss")
	broken.Store(true)
	time.Sleep(1100 * time.Millisecond)
	r := e.get(t, "GET", "/s.ts")
	wantCache(t, r, "Stale")
	if r.status != 200 || r.body != "segment-1" {
		t.Fatalf("after a 206 to a refresh: %d %q, want the stale copy", r.status, r.body)
	}
}
