package edge

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/segments"
)

// fastExchange is one fasthttp request's exchange and its adapters.
type fastExchange struct {
	x exchange
	w countingWriter
	s fastSink
	r fastRequest
}

// ServeFastHTTP is the fasthttp front end (HTTP/1.1): the hot path. A
// response whose body is in hand (a hit) is written by fasthttp after the
// handler returns, straight from the store's shared slice; one that streams
// (a fill, a pass-through) is written by a goroutine of its own through a
// pipe that fasthttp copies to the connection.
func (h *Handler) ServeFastHTTP(ctx *fasthttp.RequestCtx) {
	fx := newFastExchange(h, ctx)
	h.serve(&fx.x)
	if fx.s.detached {
		close(fx.s.handlerDone) // the stream's goroutine finishes the exchange
		return
	}
	if fx.s.commit() {
		return // the body's Close finishes the exchange once fasthttp has written it
	}
	h.finish(&fx.x)
	fx.free()
}

// fastExchanges recycles exchanges: a hit allocates only its target string.
var fastExchanges = sync.Pool{New: func() any { return &fastExchange{} }}

func newFastExchange(h *Handler, ctx *fasthttp.RequestCtx) *fastExchange {
	fx := fastExchanges.Get().(*fastExchange)
	hdr, pieces := fx.s.hdr, fx.s.pieces[:0]
	if hdr == nil {
		hdr = make(http.Header, 8)
	}
	*fx = fastExchange{}
	fx.r.init(ctx)
	fx.s.ctx, fx.s.hdr, fx.s.pieces, fx.s.h, fx.s.x, fx.s.r, fx.s.owner = ctx, hdr, pieces, h, &fx.x, &fx.r, fx
	fx.w.sink = &fx.s
	fx.x = exchange{w: &fx.w, r: &fx.r, start: h.now(), result: resultMiss}
	return fx
}

// free returns fx once nothing refers to it: its response is committed (a
// body in hand is owned by its pieceBody) or its stream has ended.
func (fx *fastExchange) free() {
	clear(fx.s.hdr)
	clear(fx.s.pieces)
	fx.s.pieces = fx.s.pieces[:0]
	fx.s.ctx, fx.r.ctx, fx.r.hdr.h = nil, nil, nil
	fastExchanges.Put(fx)
}

// fastRequest adapts fasthttp's request. Header values are views of
// fasthttp's buffers (valid while the request is served); the target, the
// method and the client address are copied (a stream outlives the handler).
type fastRequest struct {
	ctx         *fasthttp.RequestCtx
	method      string
	uri         string
	path, query string
	proto       string
	remote      string
	hdr         fastHeader
	c           context.Context
}

func (f *fastRequest) init(ctx *fasthttp.RequestCtx) {
	f.ctx, f.c = ctx, context.Background()
	f.method = methodString(ctx.Method())
	f.uri = string(ctx.RequestURI())
	target := f.uri
	if i := strings.Index(target, "://"); i > 0 && !strings.HasPrefix(target, "/") { // absolute-form
		rest := target[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			target = rest[j:]
		} else {
			target = "/"
		}
	}
	f.path, f.query, _ = strings.Cut(target, "?")
	f.proto = "HTTP/1.0"
	if ctx.Request.Header.IsHTTP11() {
		f.proto = "HTTP/1.1"
	}
	f.hdr.h = &ctx.Request.Header
}

func methodString(m []byte) string {
	switch string(m) {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPost:
		return http.MethodPost
	case http.MethodOptions:
		return http.MethodOptions
	}
	return string(m)
}

func (f *fastRequest) Method() string      { return f.method }
func (f *fastRequest) EscapedPath() string { return f.path }
func (f *fastRequest) RawQuery() string    { return f.query }
func (f *fastRequest) RequestURI() string  { return f.uri }
func (f *fastRequest) Header() headerView  { return &f.hdr }
func (f *fastRequest) Proto() string       { return f.proto }

func (f *fastRequest) RemoteAddr() string {
	if f.remote == "" {
		f.remote = f.ctx.RemoteAddr().String()
	}
	return f.remote
}

func (f *fastRequest) Context() context.Context { return f.c }

// detach readies the request for a stream that outlives the handler: what
// it may still read is copied; headers read as absent from then on.
func (f *fastRequest) detach(c context.Context) {
	_ = f.RemoteAddr()
	f.c = c
	f.hdr.h = nil
}

// fastHeader reads fasthttp's request header without copying.
type fastHeader struct{ h *fasthttp.RequestHeader }

func (f *fastHeader) Get(name string) string {
	if f.h == nil {
		return ""
	}
	b := f.h.Peek(name)
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// Values copies: a caller may keep them (an Origin variant of a fill).
func (f *fastHeader) Values(name string) []string {
	if f.h == nil {
		return nil
	}
	all := f.h.PeekAll(name)
	if len(all) == 0 {
		return nil
	}
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}

// errCut is the error a cut stream ends with: fasthttp then closes the
// connection without completing the body.
var errCut = errors.New("edge: response cut (fill failed)")

// fastSink collects a response for fasthttp. Until it streams, the head and
// body references are kept and applied when the handler returns (commit);
// stream hands the rest of the response to a goroutine writing into a pipe.
type fastSink struct {
	ctx    *fasthttp.RequestCtx
	hdr    http.Header
	status int
	pieces [][]byte
	held   [4]*segments.Hit
	nheld  int
	isCut  bool

	h        *Handler
	x        *exchange
	owner    *fastExchange // s is its part; freed when the stream ends
	r        *fastRequest
	detached bool
	conn     net.Conn
	pw       *streamBody
	headOut  chan struct{} // closed once the head is committed (or fn ended)
	headOnce sync.Once
	headDone bool // set before headOut closes: the goroutine streams the body
	// handlerDone closes when ServeFastHTTP has returned: only then may the
	// goroutine finish and recycle the exchange.
	handlerDone chan struct{}
	tunnel      chan struct{} // an upgrade's hijacked connection lives until it closes
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
		return s.pw.Write(p)
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
		w, err := s.pw.Write(body[:k])
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

func (s *fastSink) hold(hit *segments.Hit) {
	if s.nheld == len(s.held) {
		hit.Release() // unreachable: the core holds at most three
		return
	}
	s.held[s.nheld] = hit
	s.nheld++
}

func (s *fastSink) release() {
	for i := range s.nheld {
		s.held[i].Release()
		s.held[i] = nil
	}
	s.nheld = 0
}

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
		return // an upgrade: fasthttp hands the connection to Hijack
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
	if !s.detached || s.headDone {
		return nil, nil, errors.New("edge: hijack outside a stream's head")
	}
	conns, tunnel := make(chan net.Conn, 1), make(chan struct{})
	s.tunnel = tunnel
	s.ctx.HijackSetNoResponse(true)
	s.ctx.Hijack(func(c net.Conn) {
		conns <- c
		<-tunnel
	})
	s.startBody()
	c := <-conns
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}

// startBody commits the head from the stream's goroutine (once).
func (s *fastSink) startBody() {
	s.headOnce.Do(func() {
		s.headDone = true
		close(s.headOut)
	})
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
	s.commitHead()
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
	b.held, b.nheld, b.conn, b.timeout = s.held, s.nheld, s.ctx.Conn(), s.h.cfg.ClientWriteTimeout
	b.fx = s.owner
	s.nheld = 0
	s.ctx.Response.SetBodyStream(b, total)
	return true
}

var pieceBodies = sync.Pool{New: func() any { return &pieceBody{} }}

// pieceBody is a whole body in hand (store slices), written by fasthttp
// with WriteTo: large slices go to the socket without a copy, each slice
// within the client write timeout; Close releases the hits.
type pieceBody struct {
	arr     [4][]byte
	pieces  [][]byte
	held    [4]*segments.Hit
	nheld   int
	conn    net.Conn
	timeout time.Duration
	fx      *fastExchange // finished on Close
	sent    int64
}

func (b *pieceBody) Read(p []byte) (int, error) {
	for len(b.pieces) > 0 && len(b.pieces[0]) == 0 {
		b.pieces = b.pieces[1:]
	}
	if len(b.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, b.pieces[0])
	b.pieces[0] = b.pieces[0][n:]
	b.sent += int64(n)
	return n, nil
}

func (b *pieceBody) SupportsBodyWriteTo() bool { return true }

func (b *pieceBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, p := range b.pieces {
		for len(p) > 0 {
			k := min(len(p), writeSlice)
			if len(p) > writeSlice || n > 0 {
				_ = b.conn.SetWriteDeadline(time.Now().Add(b.timeout))
			}
			m, err := w.Write(p[:k])
			n += int64(m)
			b.sent += int64(m)
			if err != nil {
				return n, err
			}
			p = p[k:]
		}
	}
	b.pieces = nil
	return n, nil
}

func (b *pieceBody) Close() error {
	for i := range b.nheld {
		b.held[i].Release()
	}
	if fx := b.fx; fx != nil {
		fx.w.bytes = b.sent // what reached the connection
		fx.s.h.finish(&fx.x)
		fx.free()
	}
	*b = pieceBody{}
	pieceBodies.Put(b)
	return nil
}

// streamBody hands a streaming response's writes to fasthttp without a
// copy: each slice waits until it is on the socket. A body of known length
// is written straight to the connection (fasthttp flushed the head first:
// ImmediateHeaderFlush), so each write reaches the client at once; a chunked
// one goes through fasthttp's chunk writer, which flushes every chunk. A
// cut stream ends with errCut, and fasthttp closes the connection short of
// the body. fasthttp's Close (done, or the client gone) cancels the
// stream's context and fails its next write.
type streamBody struct {
	ch     chan []byte
	ack    chan error
	done   chan struct{}
	once   sync.Once
	cancel context.CancelFunc
	err    error // set before ch closes
	conn   net.Conn
	size   int
	rest   []byte // Read's current slice
}

func newStreamBody(cancel context.CancelFunc) *streamBody {
	return &streamBody{ch: make(chan []byte), ack: make(chan error), done: make(chan struct{}), cancel: cancel}
}

// Write is the stream goroutine's side.
func (b *streamBody) Write(p []byte) (int, error) {
	select {
	case b.ch <- p:
	case <-b.done:
		return 0, io.ErrClosedPipe
	}
	select {
	case err := <-b.ack:
		if err != nil {
			return 0, err
		}
		return len(p), nil
	case <-b.done:
		return 0, io.ErrClosedPipe
	}
}

// end closes the writing side: complete, or cut.
func (b *streamBody) end(cut bool) {
	if cut {
		b.err = errCut
	}
	close(b.ch)
}

func (b *streamBody) SupportsBodyWriteTo() bool { return true }

func (b *streamBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for p := range b.ch {
		var err error
		var k int
		if b.size >= 0 {
			k, err = b.conn.Write(p)
		} else {
			k, err = w.Write(p)
		}
		n += int64(k)
		select {
		case b.ack <- err:
		case <-b.done:
		}
		if err != nil {
			return n, err
		}
	}
	return n, b.err
}

// Read serves fasthttp paths that do not use WriteTo.
func (b *streamBody) Read(p []byte) (int, error) {
	if len(b.rest) == 0 {
		next, ok := <-b.ch
		if !ok {
			if b.err != nil {
				return 0, b.err
			}
			return 0, io.EOF
		}
		b.rest = next
	}
	k := copy(p, b.rest)
	b.rest = b.rest[k:]
	if len(b.rest) == 0 {
		select {
		case b.ack <- nil:
		case <-b.done:
		}
	}
	return k, nil
}

func (b *streamBody) Close() error {
	b.once.Do(func() {
		close(b.done)
		b.cancel()
	})
	return nil
}
