package edge

import (
	"net/http"
	"runtime"
	"strings"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/coding"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// Compression at the edge (CloudFront's Compress): a fill whose origin sent
// a compressible body uncompressed stores it once per encoding class, each
// compressed once here, so every class is served from that one origin
// fetch; hits never compress.

// compressor is the Encoder and the bound on compressions running at once:
// a fill finding every slot busy stores the identity body only (CloudFront
// too is best-effort), so CPU spent compressing stays within GOMAXPROCS.
type compressor struct {
	enc   *coding.Encoder
	slots chan struct{}
}

func newCompressor() (*compressor, error) {
	enc, err := coding.NewEncoder()
	if err != nil {
		return nil, err
	}
	return &compressor{enc: enc, slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}, nil
}

// compressibleHead reports whether the edge may compress a fill's response,
// by its head (CloudFront's conditions): the route compresses; status 200,
// 403 or 404; no content coding from the origin; no Cache-Control:
// no-transform (RFC 9110 §7.7); a manifest or a CloudFront text type; never
// a media segment, by path or by a video/ or audio/ type.
func compressibleHead(spec fillSpec, resp *http.Response) bool {
	switch {
	case !spec.route.Compress, variant.Encoded(resp.Header.Get("Content-Encoding")), noTransform(resp.Header):
		return false
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound:
		return false
	}
	ct := resp.Header.Get("Content-Type")
	if manifest.IsSegmentPath(spec.path) || strings.HasPrefix(ct, "video/") || strings.HasPrefix(ct, "audio/") {
		return false
	}
	return coding.CompressibleType(ct) || manifest.Detect(ct, spec.path) != manifest.None
}

// wantsWholeRead reports whether a response that would stream is one to
// compress instead, read whole: its Content-Length must be in range (a body
// of unknown length streams through as it comes, uncompressed).
func (h *Handler) wantsWholeRead(spec fillSpec, resp *http.Response) bool {
	return resp.ContentLength >= 0 && h.compressSize(resp.ContentLength) && compressibleHead(spec, resp)
}

// compressSize is CloudFront's size range, capped at -max-object-size.
func (h *Handler) compressSize(n int64) bool {
	return n >= coding.MinCompressSize && n <= min(coding.MaxCompressSize, h.cfg.MaxObjectSize)
}

func noTransform(h http.Header) bool {
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-transform") {
				return true
			}
		}
	}
	return false
}

// classBody is one encoding class's copy of a compressed fill.
type classBody struct {
	class  string
	header http.Header
	body   []byte
	meta   segments.Meta
}

// fillCompressed ends a fill of a compressible identity body (hdr its
// stored header, already the fill's own): every class's copy is stored
// under its variant key, varying on Accept-Encoding, and the fill's readers
// get their class's copy. It reports false, having done nothing, when every
// compression slot is busy: the caller stores the identity body as usual.
func (h *Handler) fillCompressed(f *coalesce.Fill[fillMeta], spec fillSpec, status int, store bool,
	hdr http.Header, body []byte, meta segments.Meta, dims variant.Dims) bool {
	select {
	case h.comp.slots <- struct{}{}:
		defer func() { <-h.comp.slots }()
	default:
		h.metrics.compressSkipped.WithLabelValues("busy").Inc()
		return false
	}
	dims |= variant.AcceptEncoding
	variant.Announce(hdr, dims)
	vk, _ := variant.Key(spec.key, dims, spec.vary)
	var own classBody
	for _, cb := range h.compressClasses(spec.vary.Class, store, hdr, body, meta) {
		if store {
			s := spec
			s.vary.Class = cb.class
			h.put(s, &segments.Entry{Meta: cb.meta, Header: cb.header, Body: cb.body}, dims)
		}
		if cb.class == spec.vary.Class {
			own = cb
		}
	}
	h.publish(f, &coalesce.Head[fillMeta]{Status: status, Header: own.header, ContentLength: int64(len(own.body)),
		Reusable: store, Source: resultMiss, Value: fillMeta{meta: own.meta, vary: dims, key: vk, class: spec.vary.Class}}, own.body)
	return true
}

// compressClasses is the identity body for every class: identity as the
// origin sent it, gzip, br and zstd compressed once each (only the fill's own
// class when nothing will be stored). A class whose compression does not
// shrink the body gets the identity copy.
func (h *Handler) compressClasses(own string, all bool, hdr http.Header, body []byte, meta segments.Meta) []classBody {
	out := []classBody{{class: variant.Identity, header: hdr, body: body, meta: meta}}
	classes := variant.Classes()
	for _, class := range classes[1:] {
		if !all && class != own {
			continue
		}
		cb := classBody{class: class, header: hdr, body: body, meta: meta}
		if z, err := h.comp.enc.Encode(class, body); err == nil && len(z) < len(body) {
			cb.header, cb.body = hdr.Clone(), z
			variant.Compressed(cb.header, class)
			cb.meta.Flags |= segments.FlagCompressed
			h.metrics.compressions.WithLabelValues(class).Inc()
			h.metrics.compressSaved.WithLabelValues(class).Add(float64(len(body) - len(z)))
		} else {
			h.metrics.compressSkipped.WithLabelValues("no_gain").Inc()
		}
		out = append(out, cb)
	}
	return out
}
