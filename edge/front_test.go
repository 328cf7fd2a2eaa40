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
