package edge

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/coalesce"
	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/prefetch"
	"github.com/streamedge/streamedge/segments"
)

// Live prefetch (package prefetch): once a refreshed live playlist or
// dynamic MPD is stored, the newest Route.Prefetch segments of each
// rendition it names that are not cached are fetched through the
// coalescer, so the first viewer asking for one hits (or joins the fill in
// flight); an origin's hints on any viewer's fill (Link rel=next,
// CDN-Origin-Assist-Prefetch-Path) are fetched the same way. A prefetch
// takes a fill slot only when one is free now, never follows its own
// response's hints, and is tracked (bounded) to count prefetch hits and
// wasted bytes.

const (
	prefetchTrackMax = 10000           // prefetched objects remembered for hit/waste accounting
	prefetchTrackTTL = 2 * time.Minute // unused this long: wasted
)

type prefetchMetrics struct {
	started, skipped *prometheus.CounterVec
	hits             prometheus.Counter
	wasted           prometheus.Counter
}

func newPrefetchMetrics() *prefetchMetrics {
	return &prefetchMetrics{
		started: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_prefetches_total",
			Help: "Prefetch fills started, by what named the object (manifest, hint)."}, []string{"source"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_prefetches_skipped_total",
			Help: "Prefetch targets not fetched, by reason (cached, in_flight, busy, bad_target)."}, []string{"reason"}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_prefetch_hits_total",
			Help: "Prefetched objects a viewer then got from the cache."}),
		wasted: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_prefetch_wasted_bytes_total",
			Help: "Bytes of prefetched objects no viewer asked for before they were forgotten (2 minutes or 10,000 objects)."}),
	}
}

func (m *prefetchMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.started, m.skipped, m.hits, m.wasted}
}

// prefetchManifest fetches ahead what a stored live manifest names.
func (h *Handler) prefetchManifest(spec fillSpec, format manifest.Format, body []byte) {
	if spec.route.Prefetch <= 0 || spec.prefetch {
		return
	}
	path, _, _ := strings.Cut(spec.up.target, "?")
	h.prefetchTargets(spec, prefetch.Targets(format, body, path, spec.route.Prefetch, h.now()), "manifest")
}

// prefetchFromManifest runs the prefetches a manifest fill names: its
// segments when it is a stored live manifest, and the origin's hints; on
// the plain and the compressed fill alike.
func (h *Handler) prefetchFromManifest(spec fillSpec, storedLive bool, format manifest.Format, body []byte, hdr http.Header) {
	if storedLive {
		h.prefetchManifest(spec, format, body)
	}
	h.prefetchHints(spec, hdr)
}

// prefetchHints fetches the next objects an origin response names.
func (h *Handler) prefetchHints(spec fillSpec, hdr http.Header) {
	if spec.route.Prefetch <= 0 || spec.prefetch || (hdr.Get("Link") == "" && hdr.Get("CDN-Origin-Assist-Prefetch-Path") == "") {
		return
	}
	h.prefetchTargets(spec, prefetch.Hints(hdr, spec.up.target), "hint")
}

func (h *Handler) prefetchTargets(from fillSpec, targets []string, source string) {
	for _, target := range targets {
		path, query, _ := strings.Cut(target, "?")
		// The fill's own keyed and forwarded headers: the variant it was for.
		kr, err := from.route.Keys.Request(path, query, from.up.header)
		key := kr.Key
		if err != nil {
			h.metrics.prefetch.skipped.WithLabelValues("bad_target").Inc()
			continue
		}
		if hit, ok := h.store.Get(key); ok {
			inv := h.cfg.Invalidations
			gone := inv != nil && inv.Matches(invalidationKey(key), hit.Entry.StoredAt) // an invalidated copy is fetched again
			hit.Release()
			if !gone {
				h.metrics.prefetch.skipped.WithLabelValues("cached").Inc()
				continue
			}
		}
		// The slot first: a viewer joining this fill must never get the
		// 503 of a prefetch that found the limits full.
		lease, err := h.limits.tryAdmit(from.route.Origin)
		if err != nil {
			h.metrics.prefetch.skipped.WithLabelValues("busy").Inc()
			continue
		}
		spec := fillSpec{key: key, fillKey: key, up: upstream{target: kr.Target, header: kr.Header}, path: decodedPath(kr.Target), route: from.route, cdnLoop: from.cdnLoop, prefetch: true, lease: lease,
			errors: from.errors} // an error is kept as long whoever fetched it
		run := func(f *coalesce.Fill[fillMeta]) {
			defer lease.release()
			h.fetchFill(f, spec)
		}
		if _, leader := h.group.Join(key, run, func() bool { return h.storedFresh(key, key) }); leader {
			h.metrics.prefetch.started.WithLabelValues(source).Inc()
		} else {
			lease.release()
			h.metrics.prefetch.skipped.WithLabelValues("in_flight").Inc()
		}
	}
}

// countPrefetchHit counts a viewer's first hit on a prefetched entry.
func (h *Handler) countPrefetchHit(key string, e *segments.Entry) {
	if e.Flags&segments.FlagPrefetched != 0 && h.prefetched.Used(key) {
		h.metrics.prefetch.hits.Inc()
	}
}
