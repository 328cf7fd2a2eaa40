package edge

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// FrontNet and FrontFast name the front ends in metrics and the access log.
const (
	FrontNet  = "net"
	FrontFast = "fasthttp"
)

// netExchange is one net/http request's exchange and its adapters, allocated
// together.
type netExchange struct {
	x exchange
	w countingWriter
	s netSink
	r netRequest
}

// ServeHTTP is the net/http front end (HTTP/1.1, HTTP/2, HTTP/3).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	nx := &netExchange{s: netSink{ResponseWriter: w}, r: netRequest{r: r}}
	nx.w.sink = &nx.s
	nx.x = exchange{w: &nx.w, r: &nx.r, start: h.now(), result: resultMiss}
	defer nx.s.release()
	defer h.finish(&nx.x) // also when a broken transfer is cut (a panic)
	h.serve(&nx.x)
}

// netRequest adapts *http.Request.
type netRequest struct{ r *http.Request }

func (n *netRequest) Method() string           { return n.r.Method }
func (n *netRequest) EscapedPath() string      { return n.r.URL.EscapedPath() }
func (n *netRequest) RawQuery() string         { return n.r.URL.RawQuery }
func (n *netRequest) RequestURI() string       { return n.r.RequestURI }
func (n *netRequest) Header() headerView       { return n.r.Header }
func (n *netRequest) RemoteAddr() string       { return n.r.RemoteAddr }
func (n *netRequest) Proto() string            { return n.r.Proto }
func (n *netRequest) Host() string             { return n.r.Host }
func (n *netRequest) Secure() bool             { return n.r.TLS != nil }
func (n *netRequest) Context() context.Context { return n.r.Context() }

// proxy runs httputil.ReverseProxy (origin.PassThrough): it streams, tunnels
// upgrades over the hijacked connection and copies trailers.
func (n *netRequest) proxy(h *Handler, x *exchange, escPath, rawQuery string) {
	if p, err := url.PathUnescape(escPath); err == nil {
		n.r.URL.Path, n.r.URL.RawPath, n.r.URL.RawQuery = p, escPath, rawQuery
	}
	x.route.proxy.ServeHTTP(x.w, n.r)
}

// netSink adapts http.ResponseWriter; deadlines and flushes go through
// http.ResponseController, a cut is http.ErrAbortHandler.
type netSink struct {
	http.ResponseWriter
	heldHits // released once ServeHTTP has written the response
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flush,
// the hijack of an upgrade).
func (s *netSink) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *netSink) writeBody(body []byte, flush bool, timeout time.Duration) (int, bool) {
	rc := http.NewResponseController(s.ResponseWriter)
	n := 0
	for len(body) > 0 {
		k := min(len(body), writeSlice)
		_ = rc.SetWriteDeadline(time.Now().Add(timeout))
		w, err := s.ResponseWriter.Write(body[:k])
		n += w
		if err != nil {
			return n, false
		}
		body = body[k:]
	}
	if flush {
		_ = rc.Flush()
	}
	return n, true
}

func (s *netSink) flushHead() { _ = http.NewResponseController(s.ResponseWriter).Flush() }

func (s *netSink) stream(fn func()) { fn() }

func (s *netSink) cut() { panic(http.ErrAbortHandler) }

func (s *netSink) front() string { return FrontNet }

// viewer reads the request as net/http parsed it; the head's size is
// counted from the parsed request line and headers.
func (n *netRequest) viewer() viewer {
	r := n.r
	v := viewer{host: r.Host, referer: r.Header.Get("Referer"), userAgent: r.Header.Get("User-Agent"),
		forwardedFor: r.Header.Get("X-Forwarded-For")}
	if r.TLS != nil {
		v.tls, v.tlsVersion, v.tlsCipher = true, r.TLS.Version, r.TLS.CipherSuite
	}
	size := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2 + len("Host: ") + len(r.Host) + 2 + 2
	for k, vs := range r.Header {
		for _, val := range vs {
			size += len(k) + 2 + len(val) + 2
		}
	}
	v.headBytes = int64(size) + max(r.ContentLength, 0)
	return v
}
