package edge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// LL-HLS at the edge (package llhls): blocking playlist requests are held
// here until the freshest playlist of their rendition holds what they ask
// for; every fill of a playlist is offered to the registry.

// How a blocking request's hold ended (streamedge_llhls_releases_total).
const (
	llImmediate  = "immediate"   // the freshest playlist already had it
	llEnded      = "ended"       // the playlist has ENDLIST: directives ignored
	llPlaylist   = "playlist"    // released by a newer playlist of the rendition
	llFill       = "fill"        // answered by its own key's fill (or stored copy)
	llTimeout    = "timeout"     // 3 × target duration passed: 503
	llClientGone = "client_gone" // the client left while held
)

// llExchange is a blocking playlist request's state.
type llExchange struct {
	d         llhls.Directives
	rendition string
	holder    *llhls.Holder
	limit     time.Duration // how long it may be held (3 × TD)
	start     time.Time
	held      time.Duration // access log held_ms
	reason    string
}

// holdCtx is what a fill's reader waits on: the hold's context for a held
// request, else the client's.
func (x *exchange) holdCtx() context.Context {
	if x.ll != nil && x.ll.holder != nil {
		return x.ll.holder.Context()
	}
	return x.r.Context()
}

// woke records how long a held request waited (once; not for one
// answered without holding).
func (x *exchange) woke(now time.Time) {
	if x.ll != nil && x.ll.holder != nil && x.ll.held == 0 {
		x.ll.held = max(now.Sub(x.ll.start), time.Microsecond)
	}
}

// serveLL handles a playlist request with delivery directives; it reports
// false when the request takes the ordinary cached path untouched.
func (h *Handler) serveLL(x *exchange) bool {
	path, query, _ := strings.Cut(x.key, "?")
	if h.ll == nil || query == "" || manifest.Detect("", path) != manifest.HLS {
		return false
	}
	d, err := llhls.Parse(query)
	if err != nil {
		h.llRefuse(x, err, "directive")
		return true
	}
	if !d.Blocking() {
		return false // _HLS_skip alone: a delta update, keyed and cached on its own
	}
	x.ll = &llExchange{d: d, rendition: llhls.Rendition(x.key), start: h.now()}
	snap, full := h.llKept(x, d.Skip), h.llKept(x, llhls.SkipNone)
	if !h.llAnswerNow(x, snap, full) {
		if snap == nil {
			snap = full // a delta request's limits come from the full playlist until a delta is kept
		}
		h.llHold(x, snap)
	}
	return true
}

// llKept is the rendition's freshest playlist in a skip mode, unless an
// invalidation made since it arrived covers the rendition: then the request
// goes to the origin like any other after an invalidation.
func (h *Handler) llKept(x *exchange, skip string) *llhls.Snapshot {
	s := h.ll.Lookup(x.ll.rendition, skip)
	if s != nil && h.cfg.Invalidations != nil && h.cfg.Invalidations.Matches(x.ll.rendition, s.At) {
		x.invalid = true
		h.ll.Drop(x.ll.rendition, skip, s)
		return nil
	}
	return s
}

// llAnswerNow answers what needs no wait: an ended playlist (directives
// ignored), a playlist of the request's skip mode that already has what is
// asked, a request too far ahead of the freshest playlist (400). snap is
// the freshest playlist of the request's skip mode, full the freshest full
// one (the same for a request without _HLS_skip).
func (h *Handler) llAnswerNow(x *exchange, snap, full *llhls.Snapshot) bool {
	d := x.ll.d
	ref := snap
	if ref == nil || full != nil && full.State.Newer(ref.State) {
		ref = full
	}
	switch {
	case full != nil && full.State.Ended:
		h.llAnswer(x, full, llEnded)
	case snap != nil && snap.State.Has(d):
		h.llAnswer(x, snap, llImmediate)
	case ref != nil && ref.State.TooFar(d, ref.Age(x.ll.start)):
		h.llRefuse(x, fmt.Errorf("%w: _HLS_msn=%d is more than two segments past %d",
			failure.ErrBadDirective, d.MSN, ref.State.LastMSN), "too_far")
	default:
		return false
	}
	return true
}

// llHold registers the request as a holder and joins its key's fill (or
// store entry); the wait ends on the fill, a newer playlist, the hold limit
// or the client leaving.
func (h *Handler) llHold(x *exchange, snap *llhls.Snapshot) {
	x.ll.limit = h.ll.Limit(snap)
	holder, err := h.ll.Hold(x.r.Context(), x.ll.rendition, x.ll.d, x.ll.limit)
	if err != nil {
		x.ll = nil
		h.llRefuse(x, err, "holders")
		return
	}
	defer holder.Leave()
	x.ll.holder = holder
	h.llm.holds.Inc()
	if !h.answerHeld(x) { // not already released by a playlist newer than snap
		h.serveCached(x)
	}
	h.llEnd(x)
}

// llEnd counts how a held request that went to its fill ended.
func (h *Handler) llEnd(x *exchange) {
	switch {
	case x.ll.reason != "":
	case x.r.Context().Err() != nil:
		x.ll.reason = llClientGone
	default:
		x.ll.reason = llFill
	}
	x.woke(h.now())
	h.llm.releases.WithLabelValues(x.ll.reason).Inc()
}

// llReleased reports whether x is a held request a newer playlist already
// released (answerHeld answers it from that playlist).
func (x *exchange) llReleased() bool {
	return x.ll != nil && x.ll.holder != nil && errors.Is(context.Cause(x.ll.holder.Context()), llhls.ErrReleased)
}

// answerHeld answers a held request whose wait ended before its fill did:
// released by a newer playlist, or out of time (503). It reports false when
// the hold did not end (the error is the fill's own).
func (h *Handler) answerHeld(x *exchange) bool {
	if x.ll == nil || x.ll.holder == nil {
		return false
	}
	cause := context.Cause(x.ll.holder.Context())
	switch {
	case errors.Is(cause, llhls.ErrReleased):
		x.ll.reason = llPlaylist
		h.serveSnapshot(x, x.ll.holder.Snapshot(), resultCoalesced)
	case errors.Is(cause, failure.ErrHoldTimeout):
		x.ll.reason = llTimeout
		h.llm.refusals.WithLabelValues("503", "timeout").Inc()
		x.result = resultError
		h.plainError(x, failure.Classify(cause))
	default:
		return false
	}
	return true
}

// llAnswer answers at once from a kept playlist, without holding.
func (h *Handler) llAnswer(x *exchange, s *llhls.Snapshot, reason string) {
	x.ll.reason = reason
	h.llm.releases.WithLabelValues(reason).Inc()
	h.serveSnapshot(x, s, resultHit)
}

func (h *Handler) serveSnapshot(x *exchange, s *llhls.Snapshot, result string) {
	x.woke(h.now())
	e := segments.Entry{Meta: segments.Meta{Status: s.Status, StoredAt: s.At, InitialAge: s.InitialAge},
		Header: s.Header, Body: s.Body}
	h.serveEntry(x, &e, result)
}

func (h *Handler) llRefuse(x *exchange, err error, reason string) {
	c := failure.Classify(err)
	h.llm.refusals.WithLabelValues(strconv.Itoa(c.Status), reason).Inc()
	x.result = resultError
	h.plainError(x, c)
}

// llFillSpec sets what a fill needs to know of LL-HLS: whether it is a
// blocking playlist request (its lifetime) and how long the origin may hold
// it (a blocking reload, or a preload-hint part).
func (h *Handler) llFillSpec(x *exchange, spec *fillSpec) {
	switch {
	case h.ll == nil:
	case x.ll != nil && x.ll.holder != nil:
		spec.llBlocking = true
		spec.llHold = x.ll.limit
	default:
		p, _, _ := strings.Cut(x.key, "?")
		spec.llHold = h.ll.HintHold(p)
	}
}

// llBody is what a playlist fill's body says for LL-HLS.
type llBody struct {
	d     llhls.Directives // of the fill's key
	st    llhls.State
	media bool // a media playlist (st is valid)
}

// llRead reads a playlist fill's directives and, for a 200, its state.
func (h *Handler) llRead(spec fillSpec, status int, body []byte) (llBody, bool) {
	if h.ll == nil {
		return llBody{}, false
	}
	d, err := llhls.Parse(queryOf(spec.key))
	if err != nil {
		return llBody{}, false
	}
	f := llBody{d: d}
	if status == http.StatusOK {
		f.st, f.media = llhls.ParseState(body)
	}
	return f, true
}

// llPolicy gives a blocking playlist response its lifetime (Appendix C):
// 6 × TD for a 2xx that holds what was asked (an origin that does not
// block may answer with less: that keeps the live playlist's TD/2), 4 × TD
// for a 4xx, the target duration of the rendition's freshest playlist.
func (h *Handler) llPolicy(spec fillSpec, status int, f llBody, pol *freshness.Policy) {
	if !spec.llBlocking || !pol.Store {
		return
	}
	td := f.st.TargetDuration
	switch {
	case status >= 200 && status < 300 && (!f.media || f.st.Ended || !f.st.Has(f.d)):
		return
	case td <= 0:
		if s := h.ll.Lookup(llhls.Rendition(spec.key), f.d.Skip); s != nil {
			td = s.State.TargetDuration
		}
	}
	if ttl, ok := llhls.BlockingTTL(status, td); ok {
		pol.TTL = ttl
	}
}

func queryOf(key string) string {
	_, q, _ := strings.Cut(key, "?")
	return q
}

// llOffer hands a media playlist fill's response to the registry,
// releasing the holders it satisfies. body is the decoded (identity)
// playlist.
func (h *Handler) llOffer(spec fillSpec, f llBody, hdr http.Header, body []byte, ce string, at time.Time, age time.Duration) {
	if !f.media {
		return
	}
	s := &llhls.Snapshot{Status: http.StatusOK, Header: snapshotHeader(hdr, ce, f.st), Body: body, State: f.st, At: at, InitialAge: age}
	h.ll.Offer(llhls.Rendition(spec.key), f.d.Skip, s)
}

// snapshotHeader is the header a kept playlist answers blocking requests
// with: identity coded, with the blocking lifetime.
func snapshotHeader(hdr http.Header, ce string, st llhls.State) http.Header {
	out := hdr.Clone()
	if ce != "" && !strings.EqualFold(ce, "identity") {
		variant.Decoded(out)
	}
	out.Del("Content-Length")
	if ttl, ok := llhls.BlockingTTL(http.StatusOK, st.TargetDuration); ok && !st.Ended {
		out.Set("Cache-Control", "max-age="+strconv.Itoa(int(ttl/time.Second)))
	}
	return out
}

func (x *exchange) heldMS() float64 {
	if x.ll == nil {
		return 0
	}
	return ms(x.ll.held)
}
