package edge

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// customError answers x with the page of status's custom error response,
// when one is configured and the page can be had, and reports whether it
// did. The page comes through the behavior its path selects, under its own
// key (one origin fetch however many viewers get it), and is never itself
// replaced by a page: a page that fails sends the original error instead.
// A POP member's request (peer.go) gets the error itself: the member
// answers its viewers with the page, as its own fill's error.
func (h *Handler) customError(x *exchange, status int) bool {
	rs := h.routes.Load()
	er, ok := rs.errors[status]
	if !ok || er.PagePath == "" || x.r.Context().Err() != nil || x.upstream().peer != "" {
		return false
	}
	label := strconv.Itoa(status)
	pg, ok := h.errorPage(x, rs, er.PagePath)
	if !ok {
		h.metrics.errorPageFailures.WithLabelValues(label).Inc()
		return false
	}
	h.metrics.customErrors.WithLabelValues(label).Inc()
	x.errorPage = status
	h.writePage(x, pg, er.ResponseStatus)
	return true
}

// page is a custom error page in hand: a stored entry's or a finished fill's.
type page struct {
	header http.Header
	body   []byte
	meta   *segments.Meta
}

func entryPage(e *segments.Entry) page { return page{header: e.Header, body: e.Body, meta: &e.Meta} }

// errorPage gets the page at path for x's variant: fresh from the store,
// else from a fill, else a stale copy within stale-if-error. Only a 200 is
// a page. Store hits are held until x's response is sent.
func (h *Handler) errorPage(x *exchange, rs *Routes, path string) (page, bool) {
	norm, err := cachekey.Path(path)
	if err != nil {
		return page{}, false
	}
	rt := rs.Select(norm)
	key, err := rt.Keys.FromTarget(path, "")
	if err != nil {
		return page{}, false
	}
	vary := x.vary
	if x.key == "" { // refused before the cache key: the variant selectors were not read yet
		vary = varyOf(x.r.Header())
	}
	hit, fillKey, ok := h.lookup(key, vary)
	if !ok {
		return page{}, false // a variant the edge would not key
	}
	if hit != nil && h.invalidated(key, &hit.Entry.Meta) {
		hit.Release() // an invalidated page is gone: fetched again
		hit = nil
	}
	if hit != nil {
		x.hold(hit)
		if e := &hit.Entry; e.Status == http.StatusOK && isFresh(&e.Meta, h.now()) {
			return entryPage(e), true
		}
	}
	if pg, ok := h.fillPage(x, &exchange{key: key, vary: vary, route: rt}, fillKey, hit); ok {
		return pg, true
	}
	if hit != nil && hit.Entry.Status == http.StatusOK && canServeOnError(&hit.Entry.Meta, h.now()) {
		return entryPage(&hit.Entry), true
	}
	return page{}, false
}

// fillPage joins (or starts) the page's fill and waits for its whole body.
func (h *Handler) fillPage(x, px *exchange, fillKey string, stale *segments.Hit) (page, bool) {
	f, _ := h.group.Join(fillKey, h.filler(px, fillKey, stale), func() bool { return h.fillSatisfied(px, fillKey) })
	if f == nil { // stored between the lookup and the election (rare): a copy, so x holds at most three hits
		hit, _, ok := h.lookup(px.key, px.vary) // through the variant marker: a compressed page is stored per class
		if !ok || hit == nil {
			return page{}, false
		}
		defer hit.Release()
		e := &hit.Entry
		meta := e.Meta
		return page{header: e.Header.Clone(), body: bytes.Clone(e.Body), meta: &meta}, e.Status == http.StatusOK
	}
	ctx := x.r.Context()
	head, err := f.Head(ctx)
	if err != nil || head.Pass || head.Status != http.StatusOK {
		return page{}, false
	}
	if fm := head.Value; fm.vary != 0 { // the page varies: is this fill x's variant?
		vk, ok := variant.Key(px.key, fm.vary, px.vary)
		switch {
		case ok && vk != fm.key && fillKey == px.key:
			return h.fillPage(x, px, vk, nil)
		case !ok || vk != fm.key:
			return page{}, false
		}
	}
	if err := f.Wait(ctx); err != nil {
		return page{}, false
	}
	return page{header: head.Header, body: f.Body(), meta: &head.Value.meta}, true
}

// writePage sends the page with the custom error response's status: the
// page's headers (with Age, Via and Cache-Status as on any cached answer),
// X-Cache Error, the whole body (no ranges, no 304), none to HEAD.
func (h *Handler) writePage(x *exchange, pg page, status int) {
	h.writeHead(x, pg.header, status, age(pg.meta, h.now()))
	hd := x.w.Header()
	hd["X-Cache"] = xcacheValues[resultError]
	hd.Set("Content-Length", strconv.Itoa(len(pg.body)))
	x.w.WriteHeader(status)
	if x.r.Method() != http.MethodHead {
		h.writeBody(x, pg.body, false)
	}
}
