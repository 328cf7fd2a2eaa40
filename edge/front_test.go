package edge

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestHTTP10ClientGetsAStreamedFillWhole: an HTTP/1.0 client cannot read
// chunked coding; a fill of unknown length streams to it delimited by the
// connection's close, on every front end.
func TestHTTP10ClientGetsAStreamedFillWhole(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o, body := slowBodyOrigin(t, 4, 20*time.Millisecond, 0, false) // chunked from the origin
		e := newTestEdge(t, o.URL, edgeOpts{})
		for _, want := range []string{"Miss", "Hit"} {
			c, err := net.Dial("tcp", e.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			_, _ = io.WriteString(c, "GET /old.mp4 HTTP/1.0\r\nHost: edge.test\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: "GET", ProtoMajor: 1, ProtoMinor: 0})
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			c.Close()
			if err != nil || string(b) != string(body) || len(resp.TransferEncoding) > 0 {
				t.Fatalf("%s: %d of %d bytes, %v, Transfer-Encoding %v", want, len(b), len(body), err, resp.TransferEncoding)
			}
			wantCache(t, result{status: resp.StatusCode, header: resp.Header}, want)
		}
	})
}

// TestPassThroughKeepsEveryHeaderLine: a pass-through answer's repeated
// headers (two cookies of one name on two paths, two Link lines) reach the
// client as the origin sent them, on every front end.
func TestPassThroughKeepsEveryHeaderLine(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Set-Cookie", "sid=1; Path=/a")
			w.Header().Add("Set-Cookie", "sid=2; Path=/b")
			w.Header().Add("Link", "</x.ts>; rel=preload")
			w.Header().Add("Link", "</y.ts>; rel=preload")
			_, _ = io.WriteString(w, "private")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		r := e.get(t, "GET", "/login")
		wantCache(t, r, "Miss")
		if got := r.header.Values("Set-Cookie"); len(got) != 2 || got[0] != "sid=1; Path=/a" || got[1] != "sid=2; Path=/b" {
			t.Fatalf("Set-Cookie %q", got)
		}
		if got := r.header.Values("Link"); len(got) != 2 {
			t.Fatalf("Link %q", got)
		}
	})
}
