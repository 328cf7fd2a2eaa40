package edge

import (
	"bytes"
	"io"
	"net/http"
	"net/url"

	"github.com/valyala/fasthttp"
)

// proxy passes a fasthttp request through the same reverse proxy as
// net/http (origin.PassThrough: the origin client's transport, hop-by-hop
// headers stripped, Via appended, the body streamed with flushes). The
// outgoing request is built here, while the request is fasthttp's; the
// exchange then streams; a protocol upgrade (WebSocket) answered 101 is
// tunnelled over the connection fasthttp hands over (fastSink.Hijack).
func (f *fastRequest) proxy(h *Handler, x *exchange, escPath, rawQuery string) {
	out := f.outgoing(escPath, rawQuery)
	x.w.stream(func() { x.route.proxy.ServeHTTP(x.w, out.WithContext(f.Context())) })
}

// outgoing is the request as net/http would have parsed it.
func (f *fastRequest) outgoing(escPath, rawQuery string) *http.Request {
	rq := &f.ctx.Request
	u := &url.URL{Path: escPath, RawPath: escPath, RawQuery: rawQuery}
	if p, err := url.PathUnescape(escPath); err == nil {
		u.Path = p
	}
	r := &http.Request{Method: f.method, URL: u, Proto: f.proto, ProtoMajor: 1, ProtoMinor: 1,
		Header: make(http.Header), Host: string(rq.Host()), RemoteAddr: f.RemoteAddr(), RequestURI: f.uri}
	if f.proto == "HTTP/1.0" {
		r.ProtoMinor = 0
	}
	for k, v := range rq.Header.All() {
		switch string(k) {
		case fasthttp.HeaderHost, fasthttp.HeaderContentLength, fasthttp.HeaderTransferEncoding:
			continue
		}
		r.Header.Add(string(k), string(v))
	}
	if body := rq.Body(); len(body) > 0 {
		b := bytes.Clone(body)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	} else {
		r.Body = http.NoBody
	}
	return r
}
