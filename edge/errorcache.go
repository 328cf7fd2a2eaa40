package edge

import (
	"errors"
	"net/http"
	"time"

	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/segments"
)

// errorCaching applies the error caching minimum TTL of the status's custom
// error response (freshness.ErrorCaching, capped by the behavior's MaxTTL).
// A 5xx never replaces a good stale copy: readers serve that instead
// (stale-if-error) and the next request asks the origin again.
func errorCaching(pol freshness.Policy, in freshness.Input, spec fillSpec) freshness.Policy {
	er, ok := spec.errors[in.Status]
	if !ok || in.Status >= 500 && spec.staleGood {
		return pol
	}
	var maxTTL time.Duration
	if t := spec.route.Policy.TTLs; t != nil {
		maxTTL = t.Max
	}
	return freshness.ErrorCaching(pol, in, er.MinTTL, maxTTL)
}

// storeOriginFailure keeps the edge's own 502 (origin unreachable) or 504
// (origin timeout) as a negative entry for the minimum TTL of its custom
// error response, as CloudFront treats an origin that does not answer: the
// next viewers get the error (or its page) without a fill each. A good stale
// copy is never replaced (stale-if-error serves it).
func (h *Handler) storeOriginFailure(spec fillSpec, err error, now time.Time) {
	if !errors.Is(err, failure.ErrOriginUnreachable) && !errors.Is(err, failure.ErrOriginTimeout) {
		return
	}
	c := failure.Classify(err)
	er, ok := spec.errors[c.Status]
	if !ok || er.MinTTL <= 0 || spec.staleGood {
		return
	}
	until := now.Add(er.MinTTL)
	e := &segments.Entry{
		Meta: segments.Meta{Status: c.Status, StoredAt: now, FreshUntil: until, SWRUntil: until, SIEUntil: until},
		Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}, "Cache-Control": {"no-store"},
			"X-Content-Type-Options": {"nosniff"}},
		Body: []byte(c.Body + "\n"),
	}
	if err := h.store.Put(spec.fillKey, e); err != nil { // the variant that failed, never its marker
		h.metrics.storeErrors.Inc()
	}
}
