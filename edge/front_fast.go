package edge

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"unsafe"

	"github.com/valyala/fasthttp"
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
	fx.s.ctx, fx.r.ctx = nil, nil
	fx.r.hdr.reset(nil)
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
	f.hdr.reset(&ctx.Request.Header)
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
func (f *fastRequest) Host() string        { return string(f.ctx.Host()) }
func (f *fastRequest) Secure() bool        { return f.ctx.IsTLS() }

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
	f.hdr.reset(nil)
}

// fastHeader reads fasthttp's request header without copying. Most names
// the edge asks a hit for are absent (conditionals, Range, CMCD, Origin,
// Authorization, Upgrade), and each fasthttp Peek normalises the name and
// walks the headers: 3 % of the edge's CPU on a 1 KiB hit. The names
// received are hashed once from the raw head, so an absent one is mostly
// answered without a Peek; a present one, or a hash collision, is Peeked.
type fastHeader struct {
	h     *fasthttp.RequestHeader
	names uint64 // a bit per nameBit of each header received
	built bool
}

func (f *fastHeader) reset(h *fasthttp.RequestHeader) { f.h, f.names, f.built = h, 0, false }

// nameBit hashes a header name case-insensitively. The factors are the
// first found where no name a hit asks for (Authorization, conditionals,
// Range, Origin, Upgrade, CMCD, Cache-Control, Pragma, Via,
// X-Forwarded-For, Expect) shares a bit with a kept-apart name or one a
// browser always sends (Accept, Accept-Language, Referer, Sec-Fetch-*,
// Sec-Ch-Ua*, Priority).
func nameBit(first, last byte, n int) uint64 {
	return 1 << ((uint(first|0x20) + uint(last|0x20)*11 + uint(n)*45) & 63)
}

// absent reports a name no header received has. The names fasthttp keeps
// apart (keptApart) are always Peeked: it may answer them from elsewhere
// (Host from an absolute URI, Content-Length and Connection from framing).
func (f *fastHeader) absent(name string) bool {
	bit := nameBit(name[0], name[len(name)-1], len(name))
	if bit&keptApart != 0 {
		return false
	}
	if !f.built {
		f.build()
	}
	return f.names&bit == 0
}

var keptApart = func() (bits uint64) {
	for _, n := range []string{fasthttp.HeaderHost, fasthttp.HeaderContentType, fasthttp.HeaderUserAgent,
		fasthttp.HeaderConnection, fasthttp.HeaderContentLength, fasthttp.HeaderCookie, fasthttp.HeaderTrailer,
		fasthttp.HeaderTransferEncoding} {
		bits |= nameBit(n[0], n[len(n)-1], len(n))
	}
	return bits
}()

func (f *fastHeader) build() {
	f.built = true
	raw := f.h.RawHeaders()
	if len(raw) == 0 { // not parsed from the wire: any name may be present
		f.names = ^uint64(0)
		return
	}
	for len(raw) > 0 {
		var line []byte
		line, raw, _ = bytes.Cut(raw, []byte{'\n'})
		i := bytes.IndexByte(line, ':')
		for i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
			i--
		}
		if i > 0 {
			f.names |= nameBit(line[0], line[i-1], i)
		}
	}
}

func (f *fastHeader) Get(name string) string {
	if f.h == nil || name == "" || f.absent(name) {
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
	if f.h == nil || name == "" || f.absent(name) {
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

// viewer copies from fasthttp's buffers (a stream outlives them); the
// head's size is the request line and the raw headers as received.
func (f *fastRequest) viewer() viewer {
	h := &f.ctx.Request.Header
	v := viewer{host: string(h.Host()), referer: string(h.Referer()), userAgent: string(h.UserAgent()),
		forwardedFor: string(h.Peek("X-Forwarded-For"))}
	if st := f.ctx.TLSConnectionState(); st != nil {
		v.tls, v.tlsVersion, v.tlsCipher = true, st.Version, st.CipherSuite
	}
	size := len(f.method) + 1 + len(f.uri) + 1 + len(f.proto) + 2 + len(h.RawHeaders())
	v.headBytes = int64(size) + int64(max(h.ContentLength(), 0))
	return v
}
