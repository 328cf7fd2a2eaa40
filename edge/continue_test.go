package edge

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// growingOrigin sends body chunked (no Content-Length) in 16 KiB pieces,
// waiting for release after the first one. A Range request is answered 206
// (http.ServeContent) when ranges is true, else the whole body again (200).
func growingOrigin(t *testing.T, body []byte, ranges bool, release <-chan struct{}) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("Range") != "" && ranges {
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
			return
		}
		for i := 0; i < len(body); i += 16 << 10 {
			_, _ = w.Write(body[i:min(i+16<<10, len(body))])
			w.(http.Flusher).Flush()
			if i == 0 && r.Header.Get("Range") == "" {
				<-release
			}
		}
	})
}

// A chunked body that grows past -max-object-size while viewers stream it
// turns into pass-through for them: each continues from its own offset with
// its own origin request, and nobody is cut.
func TestGrowingBodyPastMaxObjectSizeContinuesForItsViewers(t *testing.T) {
	t.Parallel()
	body := make([]byte, 256<<10)
	for i := range body {
		body[i] = byte(i * 7)
	}
	for _, ranges := range []bool{true, false} {
		t.Run(fmt.Sprintf("origin_answers_range_%v", ranges), func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			o := growingOrigin(t, body, ranges, release)
			e := newTestEdge(t, o.URL, edgeOpts{maxObject: 64 << 10})
			var wg sync.WaitGroup
			results := make([]result, 3)
			for i := range results {
				var hdr []string
				if i == 2 { // a range of a body of unknown length waits for the fill, then passes
					hdr = []string{"Range", "bytes=100000-100009"}
				}
				wg.Add(1)
				go func() { defer wg.Done(); results[i] = e.get(t, "GET", "/grow.mp4", hdr...) }()
			}
			waitFor(t, func() bool { return e.h.group.Followers() >= 2 })
			close(release)
			waitOrFail(t, &wg, 10*time.Second, "viewers of an outgrown fill hang")
			if r := results[2]; r.err != nil || !(r.status == 206 && r.body == string(body[100000:100010]) ||
				r.status == 200 && r.body == string(body)) {
				t.Fatalf("ranged viewer: status %d, %d bytes, %v", r.status, len(r.body), r.err)
			}
			for i, r := range results[:2] {
				if r.err != nil || r.status != 200 || !bytes.Equal([]byte(r.body), body) {
					t.Fatalf("viewer %d: status %d, %d of %d bytes, %v", i, r.status, len(r.body), len(body), r.err)
				}
			}
			if n := value(t, e.h.metrics.continuations.WithLabelValues("complete")); n != 2 {
				t.Fatalf("continuations = %v, want 2", n)
			}
			r := e.get(t, "GET", "/grow.mp4") // the key is pass-through now
			wantCache(t, r, "Miss")
			if r.body != string(body) {
				t.Fatalf("pass-through: %d bytes", len(r.body))
			}
		})
	}
}
