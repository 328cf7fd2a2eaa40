package edge

import (
	"fmt"
	"io"
	"net/http"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// fillManifest reads a manifest whole, decodes its content coding and
// validates it before anyone sees it: a truncated, undecodable or unparsable
// manifest is never stored nor served as complete. Any other body in a coding
// the fill's class cannot read (gzip to an identity fill) comes here too, to
// be decoded whole.
func (h *Handler) fillManifest(f *coalesce.Fill[fillMeta], spec fillSpec, resp *http.Response, in freshness.Input) {
	raw, err := readBody(resp, h.cfg.MaxObjectSize)
	if err != nil {
		h.fillFailed(f, spec, err)
		return
	}
	ce := resp.Header.Get("Content-Encoding")
	body, err := h.decodeManifest(ce, raw)
	if err != nil {
		h.fillFailed(f, spec, err)
		return
	}
	var info manifest.Info
	if format := manifest.Detect(resp.Header.Get("Content-Type"), spec.path); resp.StatusCode == http.StatusOK && format != manifest.None {
		if info, err = manifest.Parse(format, body); err != nil {
			h.metrics.invalidManifests.Inc()
			h.fillFailed(f, spec, fmt.Errorf("%w: %w", ErrInvalidManifest, err))
			return
		}
	}
	in.Manifest = info
	pol := decide(in, h.cfg.Policy)
	if !pol.Shareable {
		h.release(f, spec, pol.Reason)
		return
	}
	if resp.StatusCode == http.StatusOK && spec.hasStale && !freshness.ShouldReplace(spec.stale, info, spec.staleAge) {
		if h.publishStored(f, spec.fillKey, resultStale) {
			h.metrics.regressions.Inc()
			return
		}
	}
	meta := h.metaFor(in, pol, info)
	hdr := keptHeader(resp.Header, pol)
	h.clampDownstream(pol, hdr)
	dims, vk := fillVariant(spec, resp.Header, hdr)
	if !variant.Acceptable(spec.vary.Class, ce) { // the class gets the decoded body
		raw = body
		variant.Decoded(hdr)
	}
	if pol.Store {
		h.put(spec, &segments.Entry{Meta: meta, Header: hdr, Body: raw}, dims)
	}
	h.publish(f, &coalesce.Head[fillMeta]{Status: resp.StatusCode, Header: hdr, ContentLength: int64(len(raw)),
		Reusable: pol.Store, Source: resultMiss, Value: fillMeta{meta: meta, vary: dims, key: vk, class: spec.vary.Class}}, raw)
}

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
	pol := freshness.Decide(in, h.cfg.Policy)
	for _, f := range pol.StripFields {
		hdr.Del(f)
	}
	h.clampDownstream(pol, hdr) // the 304 may repeat the origin's max-age=3600
	meta := h.metaFor(in, pol, in.Manifest)
	dims, vk := fillVariant(spec, hdr, hdr)
	if pol.Store {
		h.put(spec, &segments.Entry{Meta: meta, Header: hdr, Body: e.Body}, dims)
	}
	h.publish(f, &coalesce.Head[fillMeta]{Status: e.Status, Header: hdr, ContentLength: int64(len(e.Body)),
		Reusable: pol.Store, Source: resultRefreshHit, Value: fillMeta{meta: meta, vary: dims, key: vk, class: spec.vary.Class}}, e.Body)
}

// refreshedHeader is the stored header updated by a 304 (RFC 9111 §3.2,
// §4.3.4): every end-to-end field the 304 carries replaces the stored one,
// except those never stored (hop-by-hop, Date, Age, Set-Cookie...),
// Content-Length, and Content-Encoding, which the stored body depends on.
func refreshedHeader(stored, notModified http.Header) http.Header {
	hdr := stored.Clone()
	for k, v := range storedHeader(notModified) {
		if k != "Content-Encoding" {
			hdr[k] = v
		}
	}
	return hdr
}

// publishStored serves the stored copy of key to the fill's readers.
func (h *Handler) publishStored(f *coalesce.Fill[fillMeta], key, source string) bool {
	hit, ok := h.store.Get(key)
	if !ok {
		return false
	}
	defer hit.Release()
	e := &hit.Entry
	h.publish(f, &coalesce.Head[fillMeta]{Status: e.Status, Header: e.Header, ContentLength: int64(len(e.Body)),
		Reusable: true, Source: source, Value: fillMeta{meta: e.Meta}}, e.Body)
	return true
}

// publish hands a whole body to the readers and ends the fill.
func (h *Handler) publish(f *coalesce.Fill[fillMeta], head *coalesce.Head[fillMeta], body []byte) {
	f.SetHead(head, len(body))
	f.Append(body)
	f.Finish(nil)
}

// readBody reads a whole body, bounded, and checks it against Content-Length.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, origin.Classify(err)
	case int64(len(body)) > limit:
		return nil, ErrTooBig
	case resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength:
		return nil, fmt.Errorf("%w: %d of %d bytes", ErrShortBody, len(body), resp.ContentLength)
	}
	return body, nil
}
