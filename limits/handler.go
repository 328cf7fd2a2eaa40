package limits

import (
	"net/http"
	"strconv"
	"time"

	"github.com/streamedge/streamedge/failure"
)

// Handler checks each request against cfg before next sees it: CONNECT and
// TRACE (405), a body on GET or HEAD or Content-Length beside
// Transfer-Encoding (400, connection closed), request-target length (414),
// header bytes (431) and, if RatePerIP is set, the client's request rate
// (429 with Retry-After). The per-IP rate state is bounded by MaxTrackedIPs.
// A request with a chunked body (other methods) is served, then its
// connection closed.
func Handler(cfg Config, m *Metrics, next http.Handler) http.Handler {
	cfg = cfg.withDefaults()
	h := &handler{cfg: cfg, m: m, next: next}
	if cfg.RatePerIP > 0 {
		h.rate = newRateLimiter(cfg, m, time.Now)
	}
	return h
}

type handler struct {
	cfg  Config
	m    *Metrics
	next http.Handler
	rate *rateLimiter // nil: no rate limit
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect || r.Method == http.MethodTrace:
		w.Header().Set("Allow", "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE")
		h.refuse(w, r, failure.ErrMethod)
	case badFraming(r):
		h.refuse(w, r, failure.ErrFraming)
	case len(r.RequestURI) > h.cfg.MaxURILength:
		h.refuse(w, r, failure.ErrTargetTooLong)
	case headerBytes(r) > h.cfg.MaxHeaderBytes:
		h.refuse(w, r, failure.ErrHeadersTooLarge)
	default:
		if h.rate != nil {
			if key, ok := clientKey(r.RemoteAddr); ok {
				if ok, wait := h.rate.allow(key); !ok {
					w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
					h.refuse(w, r, failure.ErrRateLimited)
					return
				}
			}
		}
		if len(r.TransferEncoding) > 0 {
			// net/http hides a Content-Length sent beside Transfer-Encoding; closing
			// after a chunked body means nothing after it is ever read as a further
			// request, however a hop in front framed it.
			w.Header().Set("Connection", "close")
		}
		h.next.ServeHTTP(w, r)
	}
}

// refuse answers with a one-line, uncacheable error. A refused request's body
// is never read: the connection is closed after the answer, at once (an
// expired read deadline stops net/http from waiting to discard the body), so
// no byte after the headers is ever parsed as a further request and a client
// trickling a body cannot hold the connection.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	c := failure.Classify(err)
	h.m.reject(c.Label)
	w.Header().Set("Cache-Status", "streamedge; detail="+c.Label) // RFC 9211: refused before the cache
	hasBody := r.ContentLength != 0 || len(r.TransferEncoding) > 0
	if hasBody {
		w.Header().Set("Connection", "close")
	}
	failure.Write(w, c)
	if hasBody {
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		_ = rc.SetReadDeadline(time.Now())
	}
}

// badFraming reports a request whose body framing is suspect: both
// Content-Length and Transfer-Encoding (net/http drops the Content-Length
// itself, but another server might not), or any body on GET or HEAD, which
// the edge never forwards and a proxy in front of it might frame differently.
func badFraming(r *http.Request) bool {
	if len(r.TransferEncoding) > 0 && len(r.Header.Values("Content-Length")) > 0 {
		return true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return r.ContentLength != 0 || len(r.TransferEncoding) > 0
}

// headerBytes is the sum of the lengths of the header names and values,
// Host included (net/http moves it out of Header).
func headerBytes(r *http.Request) int {
	n := 0
	if r.Host != "" {
		n += len("Host") + len(r.Host)
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + len(v)
		}
	}
	return n
}
