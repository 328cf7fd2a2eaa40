package edge

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/livewindow"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/origin"
)

// Playlist-aware misses (package livewindow): every stored live playlist or
// dynamic MPD records what it names (its window, the next segment, DASH's
// upcoming ones). A fill whose origin answers 404 or 410 for such a key
// takes it for "not yet published": it asks again every notYetRetry, under
// its own fill slot and the origin client's timeouts, until the object
// appears or the hold the index allows is over (min(target duration, 2 s);
// DASH upcoming: its availability time + 0.5 s). Every coalesced viewer
// waits on that one fill (no head is published before). A hold that runs
// out answers the 404 without storing it, and the key is not held again
// until a newer manifest names it; a 404 the index does not vouch for is
// cached for the negative TTL as before. The loop runs on real time (not
// Config.Now), so it always ends.

const (
	notYetRetry     = 200 * time.Millisecond
	notYetDrain     = 64 << 10 // body bytes of a held 404 read before it is dropped
	notYetAppeared  = "appeared"
	notYetGaveUp    = "gave_up"
	notYetUnstored  = "unstored" // held to the end before for this manifest: answered at once, not stored
	notYetFailed    = "failed"   // the origin failed during the hold
	notYetOtherCode = "other"    // the origin answered neither 404/410 nor 2xx
)

type notYetMetrics struct {
	results *prometheus.CounterVec
	hold    prometheus.Histogram
}

func newNotYetMetrics() *notYetMetrics {
	return &notYetMetrics{
		results: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_not_yet_published_total",
			Help: "Segment fills answered 404/410 for a key the newest live manifest names (listed, next, upcoming), by result (appeared, gave_up, unstored, failed, other)."},
			[]string{"result", "kind"}),
		hold: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "streamedge_not_yet_published_hold_seconds",
			Help: "How long fills held a not-yet-published segment's 404 before it appeared or they gave up.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 8)}),
	}
}

func (m *notYetMetrics) collectors(h *Handler) []prometheus.Collector {
	gauge := func(name, help string, v func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, v)
	}
	return []prometheus.Collector{m.results, m.hold,
		gauge("streamedge_live_window_renditions", "Renditions whose newest live manifest's window is remembered (bounded).",
			func() float64 { r, _, _ := h.windows.Len(); return float64(r) }),
		gauge("streamedge_live_window_bytes", "Bytes counted for the remembered live windows (bounded).",
			func() float64 { _, _, b := h.windows.Len(); return float64(b) }),
	}
}

// notYet is what a fill's hold did, for its viewers' access log.
type notYet struct {
	result string
	held   time.Duration
}

// fetched is one origin response with its request and response times.
type fetched struct {
	resp              *http.Response
	reqTime, respTime time.Time
}

// originFetch is one origin request of a fill.
func (h *Handler) originFetch(ctx context.Context, spec *fillSpec) (fetched, error) {
	reqTime := h.now()
	resp, err := spec.route.Origin.Fetch(ctx, origin.FillRequest{
		Target: spec.up.target, Header: spec.up.header, AcceptEncoding: spec.vary.Class, Origin: fillOrigin(spec.vary),
		ETag: spec.etag, LastModified: spec.lastMod, CDNLoop: spec.cdnLoop, Hold: spec.llHold, Peer: spec.up.peer,
	})
	respTime := h.now()
	h.metrics.origin(resp, err, respTime.Sub(reqTime))
	return fetched{resp: resp, reqTime: reqTime, respTime: respTime}, err
}

func isNotFound(status int) bool { return status == http.StatusNotFound || status == http.StatusGone }

// holdNotYet holds a 404/410 the live window vouches for: it retries until
// the object appears or the hold is over, and returns the last response.
// A hold that runs out marks spec unstored.
func (h *Handler) holdNotYet(ctx context.Context, spec *fillSpec, got fetched) (fetched, error) {
	if spec.route.NoHoldNotYet {
		return got, nil
	}
	hold, ok := h.windows.Lookup(spec.key, h.now())
	if !ok {
		return got, nil
	}
	kind := hold.Kind.String()
	if hold.GaveUp {
		spec.unstored, spec.notYet = true, notYet{result: notYetUnstored}
		h.metrics.notYet.results.WithLabelValues(notYetUnstored, kind).Inc()
		return got, nil
	}
	start := time.Now() // real time: Config.Now may be a test's frozen clock
	deadline := start.Add(hold.Until.Sub(h.now()))
	end := func(result string) {
		spec.notYet = notYet{result: result, held: time.Since(start)}
		h.metrics.notYet.results.WithLabelValues(result, kind).Inc()
		h.metrics.notYet.hold.Observe(spec.notYet.held.Seconds())
	}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			spec.unstored = true
			h.windows.GaveUp(spec.key)
			end(notYetGaveUp)
			return got, nil
		}
		drain(got.resp)
		if err := sleepCtx(ctx, min(left, notYetRetry)); err != nil {
			end(notYetFailed)
			return fetched{respTime: h.now()}, err
		}
		next, err := h.originFetch(ctx, spec)
		if err != nil {
			end(notYetFailed)
			return next, err
		}
		got = next
		switch s := got.resp.StatusCode; {
		case isNotFound(s):
			continue
		case s >= 200 && s < 300:
			end(notYetAppeared)
		default:
			end(notYetOtherCode)
		}
		return got, nil
	}
}

// drain reads a little of a dropped response so its connection can be
// reused, and closes it.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, notYetDrain)
	_ = resp.Body.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// recordWindow remembers what a stored manifest names (nothing for one
// that is not live: its rendition is forgotten).
func (h *Handler) recordWindow(spec fillSpec, info manifest.Info, body []byte) {
	if info.Format == manifest.None {
		return
	}
	now := h.now()
	w := livewindow.FromManifest(info, body, spec.up.target, now)
	keyed := make([]livewindow.Keyed, 0, len(w.Segments))
	for _, s := range w.Segments {
		path, query, _ := strings.Cut(s.Target, "?")
		kr, err := spec.route.Keys.Request(path, query, spec.up.header) // keyed as the manifest's viewers would ask
		if err != nil {
			continue
		}
		keyed = append(keyed, livewindow.Keyed{Key: kr.Key, Segment: s})
		if s.Kind != livewindow.Listed {
			h.dropNegative(kr.Key)
		}
	}
	// One rendition per route and path: a blocking (_HLS_msn) or tokenised
	// copy of a playlist is the same rendition's newest window.
	path, _, _ := strings.Cut(spec.up.target, "?")
	h.windows.Record(spec.route.Name+" "+path, now.Add(w.TTL), keyed)
}

// logNotYet puts a fill's hold in its viewers' access log.
func (h *Handler) logNotYet(x *exchange, ny notYet) {
	if ny.result == "" || h.cfg.AccessLog == nil {
		return
	}
	ls := x.w.logState()
	ls.notYet, ls.heldMS = ny.result, ms(ny.held)
}

// dropNegative removes a stored 404/410 of a key a manifest now names as
// next or upcoming (a player asked too early): the next request holds
// instead of getting it. Only those few keys are looked up, so recording a
// window costs no reads of cached segments.
func (h *Handler) dropNegative(key string) {
	hit, ok := h.store.Get(key)
	if !ok {
		return
	}
	gone := isNotFound(hit.Entry.Status)
	hit.Release()
	if gone {
		h.store.Delete(key)
	}
}
