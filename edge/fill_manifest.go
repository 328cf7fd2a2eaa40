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
// be decoded whole, and so does one the edge compresses (fill_compress.go).
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
	format := manifest.Detect(resp.Header.Get("Content-Type"), spec.path)
	if resp.StatusCode == http.StatusOK && format != manifest.None {
		if info, err = manifest.Parse(format, body); err != nil {
			h.metrics.invalidManifests.Inc()
			h.fillFailed(f, spec, fmt.Errorf("%w: %w", ErrInvalidManifest, err))
			return
		}
	}
	in.Manifest = info
	pol := decide(in, spec)
	ll, isLL := h.llRead(spec, resp.StatusCode, body)
	if isLL {
		h.llPolicy(spec, resp.StatusCode, ll, &pol)
	}
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
	body, rewritten := h.rewriteManifest(spec, resp, format, body)
	if pol.Store { // before any viewer has it, so their next request finds it (notyet.go)
		h.recordWindow(spec, info, body)
	}
	meta := h.metaFor(in, pol, info)
	hdr := keptHeader(resp.Header, pol)
	h.clampDownstream(pol, hdr)
	if rewritten != "" && rewritten != rewriteError {
		meta.Flags |= segments.FlagRewritten
	}
	if rewritten == rewriteChanged { // the origin's bytes (and their coding and ETag) describe the body no more
		raw, ce = body, ""
		variant.Decoded(hdr)
	}
	if isLL {
		h.llOffer(spec, ll, hdr, body, ce, in.ResponseTime, pol.InitialAge) // releases the holders it satisfies
	}
	dims, vk := fillVariant(spec, resp.Header, hdr)
	// Prefetch after the viewers have their manifest, whichever way it went.
	defer h.prefetchFromManifest(spec, pol.Store && info.Live, info.Format, body, resp.Header)
	if (compressibleHead(spec, resp) || rewritten == rewriteChanged && spec.route.Compress) && h.compressSize(int64(len(body))) &&
		h.fillCompressed(f, spec, resp.StatusCode, pol.Store, hdr, body, meta, dims) {
		return
	}
	if !variant.Acceptable(spec.vary.Class, ce) { // the class gets the decoded body
		raw = body
		variant.Decoded(hdr)
	}
	if pol.Store {
		h.put(spec, &segments.Entry{Meta: meta, Header: hdr, Body: raw}, dims)
	}
	h.publish(f, &coalesce.Head[fillMeta]{Status: resp.StatusCode, Header: hdr, ContentLength: int64(len(raw)),
		Reusable: pol.Store, Source: resultMiss, Value: fillMeta{meta: meta, vary: dims, key: vk, class: spec.vary.Class, notYet: spec.notYet}}, raw)
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
