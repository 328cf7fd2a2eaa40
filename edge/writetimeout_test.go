package edge

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHitWritesBoundedByProgress: on both front ends, a hit's body is cut
// when the client stops reading for the client write timeout, and sent
// whole to a client that reads slowly but keeps moving (more than
// writeSlice per timeout), whether the front end writes it in slices or
// (fasthttp on TCP, bodies over directBodyBytes) in one write per piece.
func TestHitWritesBoundedByProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for write timeouts")
	}
	const size = 24 << 20 // more than loopback's socket buffers hold
	body := bytes.Repeat([]byte("\x47"), size)
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "video/mp4")
			w.Header().Set("Cache-Control", "max-age=600")
			_, _ = w.Write(body)
		})
		e := newTestEdge(t, o.URL, edgeOpts{maxObject: 64 << 20, writeTimeout: time.Second})
		defer e.Close()
		for range 2 {
			if r := e.get(t, http.MethodGet, "/big.mp4"); len(r.body) != size {
				t.Fatalf("warm: %d bytes, %v", len(r.body), r.err)
			}
		}
		addr := strings.TrimPrefix(e.URL, "http://")

		// Stalled: reads the head, then nothing.
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.(*net.TCPConn).SetReadBuffer(64 << 10)
		_, _ = c.Write([]byte("GET /big.mp4 HTTP/1.1\r\nHost: x\r\n\r\n"))
		br := bufio.NewReaderSize(c, 64<<10)
		if resp, err := http.ReadResponse(br, nil); err != nil || resp.Header.Get("X-Cache") == "" || !strings.HasPrefix(resp.Header.Get("X-Cache"), "Hit") {
			t.Fatalf("stalled client's head: %v %v", err, resp)
		}
		time.Sleep(4 * time.Second) // well past the timeout: the edge gives up on it
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _ := io.Copy(io.Discard, br)
		if n >= size {
			t.Fatalf("a client that stalled for 4 s got all %d bytes (timeout 1 s)", n)
		}

		// Slow but moving: 1 MiB every 100 ms, past the 1 s timeout in total.
		c2, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c2.Close()
		_ = c2.(*net.TCPConn).SetReadBuffer(64 << 10)
		_, _ = c2.Write([]byte("GET /big.mp4 HTTP/1.1\r\nHost: x\r\n\r\n"))
		br2 := bufio.NewReaderSize(c2, 64<<10)
		resp, err := http.ReadResponse(br2, nil)
		if err != nil {
			t.Fatal(err)
		}
		_ = c2.SetReadDeadline(time.Now().Add(60 * time.Second))
		var got int64
		for {
			k, err := io.CopyN(io.Discard, resp.Body, 1<<20)
			got += k
			if err != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got != size {
			t.Fatalf("a slow reader moving 10 MiB/s got %d of %d bytes", got, size)
		}
	})
}
