package edge

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/segments"
)

// errCut is the error a cut stream ends with: fasthttp then closes the
// connection without completing the body.
var errCut = errors.New("edge: response cut (fill failed)")

// fastSink collects a response for fasthttp. Until it streams, the head and
// body references are kept and applied when the handler returns (commit);
// stream hands the rest of the response to a goroutine whose writes go
// to the connection one slice at a time (streamBody).
type fastSink struct {
	ctx    *fasthttp.RequestCtx
	hdr    http.Header
	status int
	pieces [][]byte
	heldHits
	isCut bool

	h        *Handler
	x        *exchange
	owner    *fastExchange // s is its part; freed when the stream ends
	r        *fastRequest
	detached bool
	conn     net.Conn
	pw       *streamBody
	headOut  chan struct{} // closed once the head is committed (or fn ended)
	headOnce sync.Once
	raw      *bufio.Writer // an HTTP/1.0 stream's handed-over connection (startBody)
	headDone bool          // set before headOut closes: the goroutine streams the body
	// handlerDone closes when ServeFastHTTP has returned: only then may the
	// goroutine finish and recycle the exchange.
	handlerDone chan struct{}
	tunnel      chan struct{} // an upgrade's hijacked connection lives until it closes

	// A plain hit's head (front_fast_head.go): reused from the entry's memo,
	// or to be kept in it once built.
	reused  bool
	memo    *segments.Memo
	memoKey hitHeadKey
}

func (s *fastSink) Header() http.Header { return s.hdr }

func (s *fastSink) WriteHeader(code int) {
	if code < 200 && code != http.StatusSwitchingProtocols {
		return // informational: not sent on this front end
	}
	if s.status == 0 {
		s.status = code
	}
}

func (s *fastSink) Write(p []byte) (int, error) {
	if s.detached {
		s.startBody()
		return s.out(p)
	}
	s.pieces = append(s.pieces, bytes.Clone(p)) // small writes (error bodies)
	return len(p), nil
}

func (s *fastSink) writeBody(body []byte, flush bool, timeout time.Duration) (int, bool) {
	if !s.detached {
		s.pieces = append(s.pieces, body) // referenced, not copied: sent after the handler returns
		return len(body), true
	}
	s.startBody()
	n := 0
	for len(body) > 0 {
		k := min(len(body), writeSlice)
		_ = s.conn.SetWriteDeadline(time.Now().Add(timeout))
		w, err := s.out(body[:k])
		n += w
		if err != nil {
			return n, false
		}
		body = body[k:]
	}
	return n, true
}

// Flush (pass-through's ReverseProxy) and flushHead send the head: the pipe
// delivers every body write as it is made.
func (s *fastSink) Flush() {
	if s.detached {
		s.startBody()
	}
}

func (s *fastSink) flushHead() { s.Flush() }

func (s *fastSink) cut() { s.isCut = true }

func (s *fastSink) front() string { return FrontFast }

// stream runs fn on its own goroutine. The handler waits until fn has set
// the head and begins the body (or ends), then returns so that fasthttp
// writes the head and copies the pipe to the client; the goroutine finishes
// the exchange before it closes the pipe.
func (s *fastSink) stream(fn func()) {
	cctx, cancel := context.WithCancel(context.Background())
	pw := newStreamBody(cancel)
	pr := pw
	s.conn = s.ctx.Conn()
	s.r.detach(cctx) // before the goroutine: fn reads no request header
	s.pw, s.headOut, s.handlerDone, s.detached = pw, make(chan struct{}), make(chan struct{}), true
	go func() {
		defer cancel()
		func() {
			defer func() {
				if v := recover(); v != nil {
					s.h.log.Error("stream panicked", "key", s.x.key, "panic", v)
					s.isCut = true
				}
			}()
			fn()
		}()
		if !s.headDone {
			s.headOnce.Do(func() { close(s.headOut) }) // no body: the handler commits
			return
		}
		<-s.handlerDone
		if s.raw != nil {
			_ = s.raw.Flush()
		}
		if s.tunnel != nil {
			close(s.tunnel) // fasthttp closes the hijacked connection
		}
		s.h.finish(s.x)
		s.release()
		pw.end(s.isCut)
		s.owner.free()
	}()
	<-s.headOut
	if !s.headDone { // fn ended before any body: an ordinary response
		s.detached = false
		_ = pr.Close()
		return
	}
	if s.tunnel != nil {
		return // fasthttp hands the connection over (handOver)
	}
	s.commitHead()
	s.ctx.Response.ImmediateHeaderFlush = true
	pr.conn, pr.size = s.conn, s.contentLength()
	s.ctx.Response.SetBodyStream(pr, pr.size)
}

// Hijack hands a stream's connection over (pass-through's ReverseProxy
// tunnelling an upgrade once the origin answered 101): the handler returns
// without a response, fasthttp passes the connection (with any bytes it had
// buffered past the request) to its hijack handler, which holds it open
// until the stream ends.
func (s *fastSink) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	var c net.Conn
	if s.detached {
		s.headOnce.Do(func() { c = s.handOver() })
	}
	if c == nil {
		return nil, nil, errors.New("edge: hijack outside a stream's head")
	}
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}

// handOver lets the handler return without a response and waits for the
// connection fasthttp hands to the hijack handler, which holds it open
// until the stream ends (tunnel closes). It runs once, as the head.
func (s *fastSink) handOver() net.Conn {
	conns, tunnel := make(chan net.Conn, 1), make(chan struct{})
	s.tunnel = tunnel
	s.ctx.HijackSetNoResponse(true)
	s.ctx.Hijack(func(c net.Conn) {
		conns <- c
		<-tunnel
	})
	s.headDone = true
	close(s.headOut)
	return <-conns
}

// startBody commits the head from the stream's goroutine (once). An
// HTTP/1.0 client cannot read chunked coding, which is all fasthttp streams
// a body of unknown length in: it gets the head and the body written on the
// handed-over connection, delimited by its close, as net/http does.
func (s *fastSink) startBody() {
	s.headOnce.Do(func() {
		if s.r.proto == "HTTP/1.0" && s.contentLength() < 0 && s.status != http.StatusNotModified {
			s.raw = bufio.NewWriter(s.handOver())
			s.writeRawHead()
			return
		}
		s.headDone = true
		close(s.headOut)
	})
}

// writeRawHead writes an HTTP/1.0 head for a close-delimited body.
func (s *fastSink) writeRawHead() {
	status := s.status
	if status == 0 {
		status = http.StatusOK
	}
	_, _ = fmt.Fprintf(s.raw, "HTTP/1.0 %d %s\r\n", status, http.StatusText(status))
	for k, vs := range s.hdr {
		if k == "Connection" || k == "Transfer-Encoding" || k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			_, _ = fmt.Fprintf(s.raw, "%s: %s\r\n", k, v)
		}
	}
	if _, ok := s.hdr["Date"]; !ok {
		_, _ = fmt.Fprintf(s.raw, "Date: %s\r\n", time.Now().UTC().Format(http.TimeFormat))
	}
	_, _ = s.raw.WriteString("Connection: close\r\n\r\n")
}

// out is where a stream's body goes: the handed-over connection of an
// HTTP/1.0 client, else fasthttp's.
func (s *fastSink) out(p []byte) (int, error) {
	if s.raw == nil {
		return s.pw.Write(p)
	}
	n, err := s.raw.Write(p)
	if err == nil {
		err = s.raw.Flush()
	}
	return n, err
}

func (s *fastSink) contentLength() int {
	if v := s.hdr["Content-Length"]; len(v) > 0 {
		if n, err := strconv.Atoi(v[0]); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}

// commitHead copies the status and headers to fasthttp's response.
func (s *fastSink) commitHead() {
	rh := &s.ctx.Response.Header
	status := s.status
	if status == 0 {
		status = http.StatusOK
	}
	rh.SetStatusCode(status)
	// Keys are canonical already (http.Header's); fasthttp still checks
	// them for bytes that could break framing.
	rh.DisableNormalizing()
	for k, vs := range s.hdr {
		switch k {
		case "Content-Length", "Transfer-Encoding":
			continue // set from the body (commit, stream)
		case "Connection":
			for _, v := range vs {
				if strings.EqualFold(v, "close") {
					rh.SetConnectionClose()
				}
			}
			continue
		}
		for _, v := range vs {
			rh.Add(k, v)
		}
	}
	if n := s.contentLength(); n >= 0 {
		rh.SetContentLength(n)
	}
}

// commit applies a response that did not stream: the body pieces are sent
// without a copy, and once fasthttp has written them the held hits are
// released and the exchange finished (its duration and bytes are the
// write's); it reports whether it left the exchange to the body. A cut
// response is a closed connection with nothing written.
func (s *fastSink) commit() bool {
	if s.isCut {
		s.release()
		s.ctx.HijackSetNoResponse(true)
		s.ctx.Hijack(func(net.Conn) {})
		return false
	}
	if !s.reused {
		s.commitHead()
		if s.memo != nil {
			s.keepHead()
		}
	}
	if len(s.pieces) == 0 {
		s.release()
		return false
	}
	total := 0
	for _, p := range s.pieces {
		total += len(p)
	}
	b := pieceBodies.Get().(*pieceBody)
	b.pieces = append(b.arr[:0], s.pieces...)
	b.heldHits, b.conn, b.timeout = s.heldHits, s.ctx.Conn(), s.h.cfg.ClientWriteTimeout
	b.fx = s.owner
	if c, ok := b.conn.(headHolder); ok && total > directBodyBytes { // plain TCP (FastListener); TLS keeps the buffered path
		b.direct, b.holder = true, c
		s.ctx.Response.ImmediateHeaderFlush = true // the head first: the body goes to the connection itself
		c.holdHead()                               // and the head waits for it (writeDirect sends both)
	}
	s.heldHits = heldHits{} // the body writer releases them now
	s.ctx.Response.SetBodyStream(b, total)
	return true
}
