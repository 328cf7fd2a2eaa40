package edge

import (
	"net"
	"net/http"
	"time"
	"unsafe"

	"github.com/streamedge/streamedge/headerspolicy"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/signedurl"
	"github.com/streamedge/streamedge/variant"
)

// Cache results, as logged and counted; xcache maps them to X-Cache.
const (
	resultHit        = "hit"
	resultMiss       = "miss"
	resultCoalesced  = "coalesced" // shared another request's fill
	resultRefreshHit = "refresh_hit"
	resultStale      = "stale"
	resultError      = "error"
	resultPass       = "pass"
	resultPreflight  = "preflight" // a CORS preflight the edge answered (corspolicy.go): no X-Cache, no cached object
)

// results is the one list of cache results: metrics, Stats, X-Cache values
// and the access log all range over it.
var results = []string{resultHit, resultMiss, resultCoalesced, resultRefreshHit, resultStale, resultError, resultPass, resultPreflight}

func xcache(result string) string {
	switch result {
	case resultHit, resultCoalesced:
		return "Hit from streamedge"
	case resultRefreshHit:
		return "RefreshHit from streamedge"
	case resultStale:
		return "Stale from streamedge"
	case resultError:
		return "Error from streamedge"
	}
	return "Miss from streamedge"
}

// exchange is one request's state as it moves through the stages.
type exchange struct {
	w         *countingWriter
	r         request
	start     time.Time
	route     *Route // the cache behavior the path selects (route.go)
	preflight bool   // a CORS preflight the route's headers policy answers (corspolicy.go)
	cors      string // the CORS grant for the access log: allowed, refused, "" for no CORS request
	cdnLoop   string // the CDN-Loop the request came with (loop.go)
	key       string
	up        *upstream       // what its fill sends the origin, nil when that is the key alone (upstream.go)
	vary      variant.Request // what selects this request's variant (encoding class, Origin)
	result    string
	failure   string // the failure label when the edge answered an error itself
	fwd       string // why the request went to the origin (Cache-Status fwd), "" when it did not
	fwdStatus int32  // the origin's status for that forward, 0 when none
	keyItems  int16  // header and cookie items in key (packed: the exchange stays in its size class)
	stored    bool   // the origin's response was stored
	aborted   bool   // the response was cut because its fill failed mid-body
	invalid   bool   // the stored copy was invalidated (so the request missed)
	errorPage int    // the status a custom error page replaced (errorpage.go), 0 when none
	originDur time.Duration
	signed    string          // the signed-URL check's result (signedurl.Reason), "" when the route has none
	grant     signedurl.Grant // what a signed manifest hands on to its children (signed_manifest.go)

	// compressed: the body sent is the edge's own compression (segments.FlagCompressed).
	compressed bool

	ll *llExchange // an LL-HLS blocking request (llhls.go), else nil
}

// hold keeps a store hit until the response is sent (the front end
// releases it).
func (x *exchange) hold(hit *segments.Hit) { x.w.sink.hold(hit) }

// finish records the request in metrics and the access log; it runs even when
// the handler aborts a broken transfer.
func (h *Handler) finish(x *exchange) {
	end := h.now()
	dur := end.Sub(x.start)
	status := x.w.status
	if status == 0 {
		status = http.StatusOK
		if x.r.Context().Err() != nil {
			status = 499 // the client left before an answer (nginx's convention)
		}
	}
	stripe := uint64(uintptr(unsafe.Pointer(x)) >> 8) // concurrent exchanges, different stripes (stripes.go)
	h.metrics.request(stripe, x.result, x.w.bytes)
	enc := x.w.Header().Get("Content-Encoding")
	if enc == "" {
		enc = x.w.enc // a reused head's (hithead.go)
	}
	if x.compressed && enc != "" {
		h.metrics.compressedResponses.WithLabelValues(codingLabel(enc)).Inc()
	}
	front, proto := x.w.front(), x.r.Proto()
	h.metrics.frontRequest(stripe, front, proto)
	ls := x.w.log
	switch {
	case h.cfg.AccessLog == nil:
	case ls != nil && ls.cf: // -access-log-format cloudfront (accesslog_cloudfront.go)
		_, _ = h.cfg.AccessLog.Write(h.appendCloudFront(make([]byte, 0, 512), x, ls, status, end))
	default:
		writeAccessLog(h.cfg.AccessLog, accessRecord{
			Time: x.start.UTC().Format(time.RFC3339Nano), Client: clientIP(x.r.RemoteAddr()), Method: x.r.Method(),
			URI: x.r.RequestURI(), Status: status, Bytes: x.w.bytes, DurationMS: ms(dur),
			Cache: x.result, OriginMS: ms(x.originDur), Error: x.failure, Encoding: enc,
			Proto: proto, Front: front, CMCD: ls.cmcdLog(), Signed: x.signed, CORS: x.cors, Compressed: x.compressed && enc != "",
			Invalid: x.invalid, KeyItems: int(x.keyItems), HeldMS: x.heldMS(), ErrorPage: x.errorPage, Peer: x.upstream().peer,
			NotYet: ls.notYetResult(), NotYetMS: ls.notYetHeld(), ReusedHead: x.w.reused,
		})
	}
}

// clientLeft reports a client gone before its response was complete (a
// failed write is seen in the cloudfront format only).
func (x *exchange) clientLeft() bool {
	return x.w.log != nil && x.w.log.broken || x.r.Context().Err() != nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func clientIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}

// countingWriter remembers the status and counts body bytes. onHead, when
// set, runs once just before the final response head is written (after a
// proxy copied the origin's headers).
type countingWriter struct {
	sink
	status int
	bytes  int64
	enc    string // the Content-Encoding of a head the front end reused (hithead.go)
	reused bool   // the front end reused a plain hit's head (hithead.go)
	onHead func(hd http.Header, status int)
	log    *logState // the access log's state of the request (logstate.go); nil when none
	// headers is the route's response headers policy, applied to the final
	// head of every response (hit, miss, stale, pass-through, edge error)
	// with the request's CORS grant.
	headers *headerspolicy.Policy
	grant   headerspolicy.Grant
}

// headWritten notes the final head, once, and applies the route's headers
// policy to it.
func (c *countingWriter) headWritten(code int) {
	c.status = code
	if c.log != nil && c.log.cf {
		c.log.firstByte = c.log.clock()
	}
	if c.onHead != nil {
		c.onHead(c.Header(), code)
	}
	c.headers.Apply(c.Header(), c.grant)
}

func (c *countingWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		c.sink.WriteHeader(code) // informational (103 Early Hints): not the response
		return
	}
	if c.status == 0 {
		c.headWritten(code)
	}
	c.sink.WriteHeader(code)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.headWritten(http.StatusOK)
	}
	n, err := c.sink.Write(p)
	c.bytes += int64(n)
	if err != nil {
		c.failedWrite()
	}
	return n, err
}

func (c *countingWriter) writeBody(body []byte, flush bool, timeout time.Duration) (int, bool) {
	n, ok := c.sink.writeBody(body, flush, timeout)
	c.bytes += int64(n)
	if !ok {
		c.failedWrite()
	}
	return n, ok
}

// Unwrap lets http.ResponseController reach the connection (deadlines, flush).
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.sink }

// Flush streams what was written so far.
func (c *countingWriter) Flush() {
	_ = http.NewResponseController(c.sink).Flush()
}
