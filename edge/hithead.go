package edge

import (
	"net/http"

	"github.com/streamedge/streamedge/headerspolicy"
	"github.com/streamedge/streamedge/segments"
)

// A plain hit (a fresh GET or HEAD of a whole 200 entry, no conditional nor
// range, no signed manifest, nothing set on the head before) gets the same
// response head every time but for its Age: the entry's headers, the edge's
// (X-Cache, Cache-Status, Via, Accept-Ranges) and the route's headers policy
// for the request's CORS grant. A front end that can (fasthttp) keeps that
// head, as it serialised it for the first such hit, in the hot entry's
// memo (a few, one per key: front_fast_head.go), and sends it again for the
// next ones with only Age and Content-Length set: no header map is built,
// walked nor validated again.

// headReuser is a sink that can reuse a plain hit's head.
type headReuser interface {
	// reuseHead sends the head memo holds for key, with age and size; it
	// reports false when memo holds none for key, and the head the response
	// builds is then kept there when it is sent. enc is the head's
	// Content-Encoding.
	reuseHead(memo *segments.Memo, key hitHeadKey, age int64, size int) (enc string, ok bool)
}

// hitHeadKey is what else a plain hit's head depends on: the handler (its
// front end's wrapping), the route's headers policy and the CORS grant.
type hitHeadKey struct {
	h      *Handler
	policy *headerspolicy.Policy
	grant  headerspolicy.Grant
}

func (k hitHeadKey) same(o hitHeadKey) bool {
	return k.h == o.h && k.policy == o.policy && k.grant.Same(o.grant)
}

// servePlainHit answers a plain hit from the entry's memo'd head when its
// front end keeps one; false: the caller builds the head (and the front end
// memos it).
func (h *Handler) servePlainHit(x *exchange, e *segments.Entry, ageSec int64) bool {
	if e.Memo == nil || x.result != resultHit || e.Status != http.StatusOK || x.w.onHead != nil ||
		x.w.log != nil && x.w.log.cf || x.grant.Query != "" || len(x.w.Header()) != 0 {
		return false
	}
	r, ok := x.w.sink.(headReuser)
	if !ok {
		return false
	}
	if rq := x.r.Header(); rq.Get("Range") != "" || notModified(rq, e.Header) {
		return false
	}
	enc, ok := r.reuseHead(e.Memo, hitHeadKey{h, x.w.headers, x.w.grant}, ageSec, len(e.Body))
	if !ok {
		return false
	}
	x.w.status, x.w.enc, x.w.reused = http.StatusOK, enc, true
	if x.r.Method() != http.MethodHead {
		h.writeBody(x, e.Body, false)
	}
	return true
}
