package edge

import (
	"context"
	"net/http"
	"time"

	"github.com/streamedge/streamedge/segments"
)

// The core (key, lookup, coalescing, freshness, response rules) reads a
// request and writes a response through these two views only; a front end
// adapts its server library to them: front_net.go (net/http: HTTP/1.1,
// HTTP/2, HTTP/3) and front_fast.go (fasthttp: HTTP/1.1, the hot path).

// headerView reads request headers; http.Header is one.
type headerView interface {
	Get(name string) string      // the first value, "" when absent
	Values(name string) []string // every value
}

// request is the core's view of a client request. Strings it returns are
// valid while the request is served: anything the core keeps beyond it (a
// fill's spec, a pass-through key) is built or copied from them.
type request interface {
	Method() string
	EscapedPath() string // the path as sent, escapes kept
	RawQuery() string
	RequestURI() string
	Header() headerView
	RemoteAddr() string // host:port
	Proto() string      // HTTP/1.1, HTTP/2.0, ...
	Host() string       // the Host the client asked for (a redirect's authority)
	Secure() bool       // the request came over TLS
	Context() context.Context
	// viewer copies what the cloudfront log format needs (Host, Referer,
	// User-Agent, X-Forwarded-For, TLS, request size).
	viewer() viewer
	// proxy sends the request to the origin uncached (pass-through) with the
	// normalised target, writing the origin's answer to x.w.
	proxy(h *Handler, x *exchange, escPath, rawQuery string)
}

// sink is the core's view of the response. Header, WriteHeader and Write
// behave as http.ResponseWriter's.
type sink interface {
	http.ResponseWriter
	// writeBody writes body, each slice of it within timeout of progress;
	// with flush it is on its way to the client when writeBody returns
	// (followers of a fill see bytes as they arrive). body stays valid until
	// the exchange's held hits are released. It returns the bytes written
	// and whether the client is still there.
	writeBody(body []byte, flush bool, timeout time.Duration) (int, bool)
	// flushHead sends the head now, before any body.
	flushHead()
	// stream runs fn, which writes the rest of a response whose head is set.
	// A front end that writes responses after its handler returns runs fn on
	// a goroutine of its own and finishes the exchange when fn is done.
	stream(fn func())
	// cut ends the response as a broken transfer: the client must never see
	// a short body as complete.
	cut()
	// hold keeps a store hit (whose body writeBody may reference) until the
	// response is sent, then releases it.
	hold(hit *segments.Hit)
	front() string // the front end's name, as logged and counted
}

// heldHits are the store hits a response still reads from (a hit or a
// stale copy, a hit stored meanwhile, a custom error page's: at most three),
// released once the front end has written the response. Both front ends'
// sinks, and fasthttp's body writer that outlives the handler, embed it.
type heldHits struct {
	hits  [4]*segments.Hit
	nhits int
}

func (h *heldHits) hold(hit *segments.Hit) {
	if h.nhits == len(h.hits) {
		hit.Release() // unreachable: the core holds at most three
		return
	}
	h.hits[h.nhits] = hit
	h.nhits++
}

func (h *heldHits) release() {
	for i := range h.nhits {
		h.hits[i].Release()
		h.hits[i] = nil
	}
	h.nhits = 0
}
