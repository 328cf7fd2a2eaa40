package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// Fill failures that are the origin's fault but not transport errors; readers
// answer them with a stale copy or 502.
var (
	ErrShortBody       = errors.New("origin body shorter than its Content-Length")
	ErrTooBig          = errors.New("origin body larger than -max-object-size")
	ErrInvalidManifest = errors.New("origin sent an invalid manifest")
	ErrUndecodable     = errors.New("origin sent a body the edge cannot decode")
)

// fillSpec is what a fill needs, copied out of the request that started it so
// the fill can outlive that request.
type fillSpec struct {
	key, fillKey  string
	vary          variant.Request // the starting request's variant selectors
	path          string
	etag, lastMod string        // validators of the stale copy, if any
	stale         manifest.Info // the stale copy's facts (live playlist rule)
	staleAge      time.Duration
	hasStale      bool
}

// fillMeta travels in coalesce.Head.Value to readers.
type fillMeta struct {
	meta segments.Meta
	vary variant.Dims // what the response varies on
	key  string       // the variant it is (of spec.vary); "" when none can be keyed
}

func (h *Handler) filler(x *exchange, fillKey string, stale *segments.Hit) func(*coalesce.Fill) {
	spec := fillSpec{key: x.key, fillKey: fillKey, vary: x.vary, path: x.r.URL.Path}
	if stale != nil {
		e := &stale.Entry
		spec.etag, spec.lastMod = e.Header.Get("ETag"), e.Header.Get("Last-Modified")
		spec.hasStale = true
		spec.stale = infoFromMeta(&e.Meta)
		spec.staleAge = h.now().Sub(e.StoredAt)
	}
	return func(f *coalesce.Fill) { h.runFill(f, spec) }
}

// runFill is the one origin fetch of a key, on a context detached from every
// viewer and bounded by the origin timeout.
func (h *Handler) runFill(f *coalesce.Fill, spec fillSpec) {
	ctx, cancel := context.WithTimeout(context.Background(), h.origin.Timeout())
	defer cancel()
	reqTime := h.now()
	resp, err := h.origin.Fetch(ctx, origin.FillRequest{
		Target: spec.key, AcceptEncoding: spec.vary.Class, Origin: fillOrigin(spec.vary),
		ETag: spec.etag, LastModified: spec.lastMod,
	})
	respTime := h.now()
	h.metrics.origin(resp, err, respTime.Sub(reqTime))
	if err != nil {
		f.Finish(err)
		return
	}
	defer resp.Body.Close()
	in := freshness.Input{Status: resp.StatusCode, Header: resp.Header, RequestTime: reqTime, ResponseTime: respTime, Path: spec.path}
	switch {
	case resp.StatusCode == http.StatusNotModified && spec.hasStale:
		h.fillRevalidated(f, spec, in)
	case manifest.Detect(resp.Header.Get("Content-Type"), spec.path) != manifest.None:
		h.fillManifest(f, spec, resp, in)
	case !variant.Acceptable(spec.vary.Class, resp.Header.Get("Content-Encoding")):
		h.fillManifest(f, spec, resp, in) // a coding this class can't read: decoded whole, not streamed
	default:
		h.fillStream(f, spec, resp, in)
	}
}

// decide is freshness.Decide with one edge rule on top: a 5xx is never
// pass-through, whatever its Cache-Control says (error pages often carry
// no-store). It is shared with the requests already waiting, never stored,
// and readers with a stale copy serve that instead (stale-if-error); making
// the key pass-through would send every viewer to a failing origin and keep
// them there after it recovers.
func decide(in freshness.Input, cfg freshness.Config) freshness.Policy {
	pol := freshness.Decide(in, cfg)
	if in.Status >= 500 && !pol.Shareable {
		pol.Shareable, pol.Store, pol.Reason = true, false, "status"
	}
	return pol
}

// release tells the followers to fetch on their own and remembers the key as
// pass-through.
func (h *Handler) release(f *coalesce.Fill, spec fillSpec, reason string) {
	h.passes.add(spec.key)
	h.metrics.passes.WithLabelValues(reason).Inc()
	f.SetHead(&coalesce.Head{Pass: true}, 0)
	f.Finish(nil)
}

// fillStream publishes the head at once and streams the body to followers,
// storing it once it is complete and as long as it claimed.
func (h *Handler) fillStream(f *coalesce.Fill, spec fillSpec, resp *http.Response, in freshness.Input) {
	pol := decide(in, h.cfg.Policy)
	if !pol.Shareable {
		h.release(f, spec, pol.Reason)
		return
	}
	if resp.ContentLength > h.cfg.MaxObjectSize {
		h.release(f, spec, "too_big")
		return
	}
	meta := h.metaFor(in, pol, manifest.Info{})
	hdr := keptHeader(resp.Header, pol)
	dims, vk := fillVariant(spec, resp.Header, hdr)
	head := &coalesce.Head{Status: resp.StatusCode, Header: hdr, ContentLength: resp.ContentLength,
		Reusable: pol.Store, Source: resultMiss, Value: &fillMeta{meta: meta, vary: dims, key: vk}}
	f.SetHead(head, int(max(resp.ContentLength, 0)))
	n, err := copyToFill(f, resp.Body, h.cfg.MaxObjectSize)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("%w: %d of %d bytes", ErrShortBody, n, resp.ContentLength)
	}
	if err != nil {
		h.fillFailed(f, spec, err)
		return
	}
	if pol.Store {
		h.put(spec, &segments.Entry{Meta: meta, Header: head.Header, Body: f.Body()}, dims)
	}
	f.Finish(nil)
}

func (h *Handler) fillFailed(f *coalesce.Fill, spec fillSpec, err error) {
	if errors.Is(err, ErrTooBig) {
		h.passes.add(spec.key)
	}
	h.metrics.failedFills.WithLabelValues(failReason(err)).Inc()
	f.Finish(err)
}

// copyToFill appends the body to the fill as it arrives.
func copyToFill(f *coalesce.Fill, body io.Reader, limit int64) (int64, error) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := body.Read(buf)
		if k > 0 {
			n += int64(k)
			if n > limit {
				return n, ErrTooBig
			}
			f.Append(buf[:k])
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, origin.Classify(err)
		}
	}
}
