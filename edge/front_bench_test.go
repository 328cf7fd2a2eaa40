package edge

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// benchFrontHit measures hits over loopback on a front end: keep-alive
// connections with a minimal client (one request in flight per connection)
// so the figure is the server's, not net/http's client's. It reports req/s
// and allocations per request (server and client, one process).
func benchFrontHit(b *testing.B, front, path string, body []byte) {
	o := newTestOrigin(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	defer o.Close()
	e := newTestEdge(&testing.T{}, o.URL, edgeOpts{})
	defer e.Close()
	u, _, closeSrv := serveFront(b, e.h, front)
	defer closeSrv()
	addr := u[len("http://"):]
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: edge.test\r\n\r\n")
	if err := hitOnce(addr, req, len(body)); err != nil { // the fill
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.SetParallelism(8)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		br := bufio.NewReaderSize(c, 64<<10)
		for pb.Next() {
			if _, err := c.Write(req); err != nil {
				b.Error(err)
				return
			}
			if err := readHit(br, len(body)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

func hitOnce(addr string, req []byte, size int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		return err
	}
	return readHit(bufio.NewReader(c), size)
}

// readHit reads one response head and its body of size bytes.
func readHit(br *bufio.Reader, size int) error {
	n := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
	}
	if n != size {
		return io.ErrUnexpectedEOF
	}
	_, err := br.Discard(n)
	return err
}

// BenchmarkFrontHit1KiB: a 1 KiB playlist hit per front end over loopback.
func BenchmarkFrontHit1KiB(b *testing.B) {
	body := []byte(livePlaylistOfSize(1024))
	for _, f := range fronts {
		b.Run(f, func(b *testing.B) { benchFrontHit(b, f, "/live/index.m3u8", body) })
	}
}

// BenchmarkFrontHit2MiB: a 2 MiB segment hit per front end over loopback.
func BenchmarkFrontHit2MiB(b *testing.B) {
	body := segmentBody()
	for _, f := range fronts {
		b.Run(f, func(b *testing.B) { benchFrontHit(b, f, "/live/seg_1.ts", body) })
	}
}

// benchHitFast is benchHit on the fasthttp front end, in process: a
// RequestCtx handed to ServeFastHTTP and its response reset, so the figure
// is the handler's (the body is referenced, never written).
func benchHitFast(b *testing.B, path string, body []byte) {
	o := newTestOrigin(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	defer o.Close()
	e := newTestEdge(&testing.T{}, o.URL, edgeOpts{})
	defer e.Close()
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI(path)
	req.Header.SetHost("edge.test")
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1234}, nil)
	e.h.ServeFastHTTP(&ctx) // the fill
	ctx.Response.Reset()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.h.ServeFastHTTP(&ctx)
		if i == b.N-1 && string(ctx.Response.Header.Peek("X-Cache")) != "Hit from streamedge" {
			b.Fatalf("not a hit: %s", ctx.Response.Header.String())
		}
		ctx.Response.Reset() // closes the body stream: the hit is released
	}
}

// BenchmarkHitPlaylist1KiBFast: BenchmarkHitPlaylist1KiB on fasthttp.
func BenchmarkHitPlaylist1KiBFast(b *testing.B) {
	benchHitFast(b, "/live/index.m3u8", []byte(livePlaylistOfSize(1024)))
}

// BenchmarkHitSegment2MiBFast: BenchmarkHitSegment2MiB on fasthttp.
func BenchmarkHitSegment2MiBFast(b *testing.B) {
	benchHitFast(b, "/live/seg_1.ts", segmentBody())
}
