package edge

import (
	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// fillRevalidated handles a 304 to a conditional refresh: the stored copy gets
// the new headers and lifetime without a body transfer.
func (h *Handler) fillRevalidated(f *coalesce.Fill[fillMeta], spec fillSpec, in freshness.Input) {
	hit, ok := h.store.Get(spec.fillKey)
	if !ok { // evicted meanwhile: fetch it whole
		spec.etag, spec.lastMod, spec.hasStale = "", "", false
		h.fetchFill(f, spec)
		return
	}
	defer hit.Release()
	e := &hit.Entry
	hdr := refreshedHeader(e.Header, in.Header)
	polHeader := hdr.Clone()
	for _, k := range []string{"Date", "Age"} {
		if v, ok := in.Header[k]; ok {
			polHeader[k] = v
		}
	}
	variant.KeepWeak(hdr, e.Header)
	in.Status, in.Header = e.Status, polHeader
	if e.Flags&segments.FlagManifest != 0 {
		in.Manifest = h.storedManifestInfo(hdr, spec.path, e.Body)
	}
	pol := decide(in, spec)
	for _, f := range pol.StripFields {
		hdr.Del(f)
	}
	h.clampDownstream(pol, hdr) // the 304 may repeat the origin's max-age=3600
	meta := h.metaFor(in, pol, in.Manifest)
	meta.Flags |= e.Flags & (segments.FlagCompressed | segments.FlagRewritten)
	dims, vk := fillVariant(spec, hdr, hdr)
	if pol.Store {
		h.put(spec, &segments.Entry{Meta: meta, Header: hdr, Body: e.Body}, dims)
	}
	h.publish(f, &coalesce.Head[fillMeta]{Status: e.Status, Header: hdr, ContentLength: int64(len(e.Body)),
		Reusable: pol.Store, Source: resultRefreshHit, Value: fillMeta{meta: meta, vary: dims, key: vk, class: spec.vary.Class}}, e.Body)
}
