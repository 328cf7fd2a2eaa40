package edge

import (
	"net/http"

	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// fetch joins (or starts) the key's fill and answers from it.
func (h *Handler) fetch(x *exchange, fillKey string, stale *segments.Hit) {
	f, leader := h.group.Join(fillKey, h.filler(x, fillKey, stale), func() bool { return h.fillSatisfied(x, fillKey) })
	if f == nil { // a fill stored the object between our lookup and the election, or a playlist released the hold
		if x.llReleased() && h.answerHeld(x) {
			return
		}
		if hit, _, ok := h.lookup(x.key, x.vary); ok && hit != nil { // through the variant marker
			x.hold(hit)
			h.serveEntry(x, &hit.Entry, resultHit)
			return
		}
		f, leader = h.group.Join(fillKey, h.filler(x, fillKey, stale), nil)
	}
	if !leader {
		x.result = resultCoalesced
	}
	x.fwd = fwdMiss
	if stale != nil {
		x.fwd = fwdStale
	}
	t0 := h.now()
	head, err := f.Head(x.holdCtx()) // a held LL-HLS request also ends its wait on release (llhls.go)
	if leader {
		x.originDur = h.now().Sub(t0)
	}
	x.woke(h.now())
	if err != nil {
		if x.r.Context().Err() == nil && !h.answerHeld(x) {
			h.failed(x, err, stale)
		}
		return
	}
	h.logNotYet(x, head.Value.notYet)
	if head.Pass || !leader && h.joinedInvalidated(x, head) {
		h.pass(x)
		return
	}
	if h.answeredOtherVariant(x, fillKey, head) {
		return
	}
	x.fwdStatus, x.stored = int32(head.Status), head.Reusable
	if head.Status >= 500 && stale != nil && canServeOnError(&stale.Entry.Meta, h.now()) {
		x.stored = false
		h.serveEntry(x, &stale.Entry, resultStale)
		return
	}
	if head.Source == resultRefreshHit || head.Source == resultStale {
		x.result = head.Source
	}
	switch head.Source {
	case resultRefreshHit:
		x.fwdStatus = http.StatusNotModified
	case resultStale: // the origin's answer was older than the stored copy: not stored
		x.stored = false
	}
	if head.Status >= 400 && h.customError(x, head.Status) {
		return
	}
	h.serveFill(x, f, head)
}

// fillSatisfied is fetch's election check: no fill is needed when the store
// now holds a fresh copy for x, found through the variant marker a
// compressed or Vary'd fill leaves at the base key (fillKey is the base key
// when x missed before that fill stored), or when x is an LL-HLS hold a
// newer playlist released meanwhile (answered from that playlist).
func (h *Handler) fillSatisfied(x *exchange, fillKey string) bool {
	if x.llReleased() {
		return true
	}
	key := fillKey
	if hit, ok := h.store.Get(fillKey); ok {
		m, isMarker := variant.ReadMarker(&hit.Entry)
		hit.Release()
		if isMarker {
			if key, ok = m.Lookup(fillKey, x.vary); !ok {
				return false
			}
		}
	}
	return h.storedFresh(x.key, key)
}

// storedFresh reports whether key now holds a fresh entry that no
// invalidation of base removed.
func (h *Handler) storedFresh(base, key string) bool {
	hit, ok := h.store.Get(key)
	if !ok {
		return false
	}
	defer hit.Release()
	inv := h.cfg.Invalidations
	return isFresh(&hit.Entry.Meta, h.now()) && (inv == nil || !inv.Matches(invalidationKey(base), hit.Entry.StoredAt))
}

// failed answers a fill that produced no response: the stale copy within
// stale-if-error, else the custom error page for the 502/504, else the
// 502/504 with a one-line body.
func (h *Handler) failed(x *exchange, err error, stale *segments.Hit) {
	c := failure.Classify(err)
	if stale != nil && canServeOnError(&stale.Entry.Meta, h.now()) {
		x.failure = c.Label // Cache-Status detail: why the stale copy was served
		h.serveEntry(x, &stale.Entry, resultStale)
		return
	}
	x.result = resultError
	if (c.Status == http.StatusBadGateway || c.Status == http.StatusGatewayTimeout) && h.customError(x, c.Status) {
		x.failure = c.Label
		return
	}
	h.plainError(x, c)
}
