package edge

import (
	"net/http"
	"time"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/variant"
)

// The edge side of package variant, which owns the variant key, the marker
// entry and the decision; these functions only wire it to the store, the
// fills and the metrics.

// varyOf reads a request's variant selectors (variant.FromRequest for any
// front end's headers; headerView copies the values it returns).
func varyOf(hd headerView) variant.Request {
	v := variant.Request{Class: variant.Class(hd.Get("Accept-Encoding"))}
	switch o := hd.Values("Origin"); len(o) {
	case 0:
		v.OriginOK = true
	case 1:
		v.Origin, v.OriginOK = o[0], variant.ValidOrigin(o[0])
	}
	return v
}

// admitVariant records req's variant in base's marker and returns its key;
// false when the variant must not be stored (an invalid Origin, or a new one
// while variant.MaxOrigins are stored). Marker updates are serialised so
// concurrent fills cannot admit more than the bound.
func (h *Handler) admitVariant(base string, d variant.Dims, req variant.Request, at time.Time) (string, bool) {
	vk, ok := variant.Key(base, d, req)
	if !ok {
		h.metrics.variantRefusals.Inc()
		return "", false
	}
	h.markers.Lock()
	defer h.markers.Unlock()
	var m variant.Marker
	if hit, found := h.store.Get(base); found {
		m, _ = variant.ReadMarker(&hit.Entry)
		hit.Release()
	}
	ok, changed := m.Admit(d, req)
	if !ok {
		h.metrics.variantRefusals.Inc()
		return "", false
	}
	if changed {
		if err := h.store.Put(base, m.Entry(at)); err != nil {
			h.metrics.storeErrors.Inc()
			return "", false
		}
	}
	return vk, true
}

// passVariant answers a request whose variant the edge will not key (see
// variant.Marker.Lookup) straight from the origin.
func (h *Handler) passVariant(x *exchange) {
	h.metrics.variantRefusals.Inc()
	h.pass(x)
}

// answeredOtherVariant handles a fill whose response turned out to be
// another client's variant (the object varies, and this client's encoding
// class or Origin differs from the fill's): it fetches this client's own
// variant, or passes it through when its variant cannot be keyed (or the
// origin changed what it varies on mid-way), and reports true.
func (h *Handler) answeredOtherVariant(x *exchange, fillKey string, head *coalesce.Head[fillMeta]) bool {
	fm := head.Value
	if fm.vary == 0 {
		return false
	}
	switch vk, ok := variant.Key(x.key, fm.vary, x.vary); {
	case ok && vk == fm.key:
		return false // this client's variant
	case ok && fillKey == x.key:
		h.fetch(x, vk, nil)
	default:
		h.passVariant(x)
	}
	return true
}

// fillVariant is the variant decision for a fill's response: the dimensions
// it varies on (at least those its fill key was built with), announced in
// the stored header, and the key it is stored under for the fill's request
// ("" when it cannot be stored for it).
func fillVariant(spec fillSpec, origin, stored http.Header) (variant.Dims, string) {
	d, _ := variant.Of(spec.route.Keys.Unvaried(origin)) // freshness refused what is not shareable
	d |= variant.KeyedOn(spec.key, spec.fillKey)
	variant.Announce(stored, d)
	if d == 0 {
		return 0, spec.key
	}
	vk, _ := variant.Key(spec.key, d, spec.vary)
	return d, vk
}

// fillOrigin is the Origin a fill forwards: the starting request's, when it
// is one the edge could key on (an origin with CORS answers per Origin and
// says so with Vary: Origin).
func fillOrigin(req variant.Request) string {
	if req.OriginOK {
		return req.Origin
	}
	return ""
}
