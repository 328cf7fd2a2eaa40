package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/variant"
)

// Fill failures that are the origin's fault but not transport errors; readers
// answer them with a stale copy or 502.
var (
	ErrShortBody       = failure.ErrShortBody
	ErrTooBig          = failure.ErrTooBig
	ErrInvalidManifest = failure.ErrInvalidManifest
	ErrUndecodable     = failure.ErrUndecodable
	ErrProtocol        = failure.ErrProtocol
	// ErrFillBudget: the fill buffers hold -max-fill-bytes; a growing fill
	// stops buffering (its viewers continue on their own, see continue.go).
	ErrFillBudget = failure.ErrFillBudget
)

// fillSpec is what a fill needs, copied out of the request that started it so
// the fill can outlive that request.
type fillSpec struct {
	key, fillKey  string
	up            upstream        // the starting request's origin target and forwarded headers
	vary          variant.Request // the starting request's variant selectors
	path          string
	etag, lastMod string        // validators of the stale copy, if any
	stale         manifest.Info // the stale copy's facts (live playlist rule)
	staleAge      time.Duration
	hasStale      bool
	lease         *fillLease     // the fill's slots and buffer bytes (set by runFill)
	route         *Route         // the behavior the starting request selected
	cdnLoop       string         // the starting request's CDN-Loop: the tiers before this one
	prefetch      bool           // started by a prefetch (prefetch.go), not by a viewer
	errors        errorResponses // the distribution's custom error responses (their minimum TTLs)
	staleGood     bool           // the stale copy is not an error (status < 400)
	unstored      bool           // a not-yet-published hold ran out: share the 404, never store it (notyet.go)
	notYet        notYet         // what that hold did, for the viewers' access log

	llBlocking bool          // an LL-HLS blocking playlist request (llhls.go)
	llHold     time.Duration // how long the origin may hold it (FillRequest.Hold)
}

// fillMeta travels in coalesce.Head.Value to readers.
type fillMeta struct {
	meta segments.Meta
	vary variant.Dims // what the response varies on
	key  string       // the variant it is (of spec.vary); "" when none can be keyed
	// class is the encoding class the fill fetched: a viewer continuing an
	// outgrown fill (continue.go) asks the origin for the same bytes.
	class string
	// notYet: the fill held a not-yet-published 404 (notyet.go).
	notYet notYet
}

func (h *Handler) filler(x *exchange, fillKey string, stale *segments.Hit) func(*coalesce.Fill[fillMeta]) {
	spec := fillSpec{key: x.key, fillKey: fillKey, up: x.upstream(), vary: x.vary, path: decodedPath(x.upstream().target), route: x.route, cdnLoop: x.cdnLoop,
		errors: h.routes.Load().errors}
	if stale != nil {
		e := &stale.Entry
		if rewriteCurrent(&e.Meta, x.route) { // else fetched whole: a 304 would keep the other setting's body
			spec.etag, spec.lastMod = e.Header.Get("ETag"), e.Header.Get("Last-Modified")
		}
		spec.hasStale, spec.staleGood = true, e.Status < 400
		spec.stale = infoFromMeta(&e.Meta)
		spec.staleAge = h.now().Sub(e.StoredAt)
	}
	h.llFillSpec(x, &spec)
	return func(f *coalesce.Fill[fillMeta]) { h.runFill(f, spec) }
}

// decodedPath is the path of an origin target, unescaped (manifest
// detection reads its extension).
func decodedPath(target string) string {
	p, _, _ := strings.Cut(target, "?")
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}

// runFill is the one origin fetch of a key, on a context detached from every
// viewer; the origin client bounds it by progress (-origin-timeout).
func (h *Handler) runFill(f *coalesce.Fill[fillMeta], spec fillSpec) {
	lease, err := h.limits.admit(spec.route.Origin) // a fill slot, in all and at the origin
	if err != nil {
		f.Finish(err)
		return
	}
	defer lease.release()
	spec.lease = lease
	h.fetchFill(f, spec)
}

// fetchFill is runFill's origin exchange, under the fill's lease.
func (h *Handler) fetchFill(f *coalesce.Fill[fillMeta], spec fillSpec) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got, err := h.originFetch(ctx, &spec)
	if err == nil && isNotFound(got.resp.StatusCode) {
		got, err = h.holdNotYet(ctx, &spec, got) // not yet published? (notyet.go)
	}
	if err != nil {
		h.storeOriginFailure(spec, err, got.respTime)
		f.Finish(err)
		return
	}
	resp, reqTime, respTime := got.resp, got.reqTime, got.respTime
	defer resp.Body.Close()
	if err := protocolError(resp.StatusCode, spec); err != nil {
		h.fillFailed(f, spec, err)
		return
	}
	if err := spec.lease.hold(resp, h.cfg.MaxObjectSize); err != nil { // the body buffer's bytes
		f.Finish(err)
		return
	}
	in := freshness.Input{Status: resp.StatusCode, Header: resp.Header, RequestTime: reqTime, ResponseTime: respTime, Path: spec.path}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		h.fillRevalidated(f, spec, in)
	case manifest.Detect(resp.Header.Get("Content-Type"), spec.path) != manifest.None:
		h.fillManifest(f, spec, resp, in)
	case !variant.Acceptable(spec.vary.Class, resp.Header.Get("Content-Encoding")):
		h.fillManifest(f, spec, resp, in) // a coding this class can't read: decoded whole, not streamed
	case h.wantsWholeRead(spec, resp):
		h.fillManifest(f, spec, resp, in) // compressed at the edge: read whole
	default:
		h.fillStream(f, spec, resp, in)
	}
}

// protocolError reports a response the fill cannot have asked for: it never
// offers an upgrade, sends Range, or (without a stale copy's validators) a
// condition. Such a response is never stored nor shared: it says nothing
// about the object, and passed on it would break every reader.
func protocolError(status int, spec fillSpec) error {
	switch {
	case status == http.StatusSwitchingProtocols:
		return fmt.Errorf("%w: 101 Switching Protocols to a plain GET", ErrProtocol)
	case status == http.StatusNotModified && spec.etag == "" && spec.lastMod == "":
		return fmt.Errorf("%w: 304 Not Modified to an unconditional GET", ErrProtocol)
	case status == http.StatusPartialContent:
		return fmt.Errorf("%w: 206 Partial Content to a GET without Range", ErrProtocol)
	}
	return nil
}

// decide is freshness.Decide on the response as the route's key sees it (a
// Vary naming only headers or cookies the key holds does not stop sharing:
// cachekey.Builder.Unvaried), with edge rules on top: a 5xx is never
// pass-through, whatever its Cache-Control says (error pages often carry
// no-store). It is shared with the requests already waiting, not stored
// (but see errorCaching), and readers with a stale copy serve that instead
// (stale-if-error); making the key pass-through would send every viewer to a
// failing origin and keep them there after it recovers. An error with a
// custom error response is not made pass-through for a no-store either: its
// viewers get the page.
func decide(in freshness.Input, spec fillSpec) freshness.Policy {
	rt := spec.route
	in.Header = rt.Keys.Unvaried(in.Header) // a Vary on what the key holds is no reason not to share
	pol := freshness.Decide(in, rt.Policy)
	_, custom := spec.errors[in.Status]
	if !pol.Shareable && (in.Status >= 500 || custom && pol.Reason == "no-store") {
		pol.Shareable, pol.Store, pol.Reason = true, false, "status"
	}
	pol = errorCaching(pol, in, spec)
	pol.Store = pol.Store && !spec.unstored // a not-yet-published hold ran out (notyet.go)
	return pol
}

// release tells the followers to fetch on their own and remembers the key as
// pass-through.
func (h *Handler) release(f *coalesce.Fill[fillMeta], spec fillSpec, reason string) {
	h.passes.add(spec.key)
	h.metrics.passes.WithLabelValues(reason).Inc()
	f.SetHead(&coalesce.Head[fillMeta]{Pass: true}, 0)
	f.Finish(nil)
}

// fillStream publishes the head at once and streams the body to followers,
// storing it once it is complete and as long as it claimed.
func (h *Handler) fillStream(f *coalesce.Fill[fillMeta], spec fillSpec, resp *http.Response, in freshness.Input) {
	pol := decide(in, spec)
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
	head := &coalesce.Head[fillMeta]{Status: resp.StatusCode, Header: hdr, ContentLength: resp.ContentLength,
		Reusable: pol.Store, Source: resultMiss, Value: fillMeta{meta: meta, vary: dims, key: vk, class: spec.vary.Class, notYet: spec.notYet}}
	f.SetHead(head, int(max(resp.ContentLength, 0)))
	h.prefetchHints(spec, resp.Header)
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

func (h *Handler) fillFailed(f *coalesce.Fill[fillMeta], spec fillSpec, err error) {
	if errors.Is(err, ErrTooBig) {
		h.passes.add(spec.key)
	}
	h.metrics.failedFills.WithLabelValues(failure.Classify(err).Label).Inc()
	f.Finish(err)
}

// copyToFill appends the body to the fill as it arrives.
func copyToFill(f *coalesce.Fill[fillMeta], body io.Reader, limit int64) (int64, error) {
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
