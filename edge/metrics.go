package edge

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/origin"
)

// metrics are the edge's Prometheus series (prefix streamedge_).
type metrics struct {
	requests         *stripedVec // by cache result (stripes.go)
	byResult         map[string]*stripedCounter
	bytesServed      stripes
	originRequests   *prometheus.CounterVec // by status, "error" or "timeout"
	originErrors     prometheus.Counter
	originDuration   prometheus.Histogram
	passes           *prometheus.CounterVec // responses made pass-through, by reason
	failedFills      *prometheus.CounterVec // by reason
	invalidManifests prometheus.Counter
	regressions      prometheus.Counter
	storeErrors      prometheus.Counter
	abortedStreams   prometheus.Counter
	reusedHeads      prometheus.CounterFunc // of reused (front_fast_head.go)
	reused           stripes
	errorResponses   *prometheus.CounterVec // errors the edge answered itself, by failure label
	// custom error pages sent, and pages that could not be had, by the status replaced
	customErrors, errorPageFailures *prometheus.CounterVec
	// live manifests whose origin freshness was lowered for clients
	liveFreshnessClamped prometheus.Counter
	continuations        *prometheus.CounterVec // by result
	decodes              *prometheus.CounterVec // manifests decoded, by coding
	decodeFailures       *prometheus.CounterVec // by coding and reason
	variantRefusals      prometheus.Counter
	fronts               *frontCounters // by front end and protocol (frontmetrics.go)
	keyItems             keyCounters    // header and cookie items in cache keys (upstream.go)
	prefetch             *prefetchMetrics
	notYet               *notYetMetrics // playlist-aware misses (notyet.go)
	signed               *signedMetrics // signed URLs and manifests (signed.go)
	cors                 *corsCounters  // CORS requests by kind and grant (corspolicy.go)
	compressMetrics                     // compressmetrics.go
	// rewrites are manifest rewrites at fills, by result (fill_rewrite.go).
	rewrites *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, h *Handler) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &metrics{
		requests: newStripedVec(prometheus.NewDesc("streamedge_requests_total",
			"Client requests by cache result (hit, miss, coalesced, refresh_hit, stale, error, pass, preflight).", []string{"cache"}, nil)),
		originRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_origin_requests_total",
			Help: "Origin requests by response status (or error / timeout)."}, []string{"status"}),
		originErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_origin_pass_errors_total",
			Help: "Pass-through requests that failed at the origin."}),
		originDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "streamedge_origin_duration_seconds",
			Help: "Origin time to response headers for fills.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)}),
		passes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_pass_through_total",
			Help: "Fills whose response could not be shared, by reason; followers were released."}, []string{"reason"}),
		failedFills: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_failed_fills_total",
			Help: "Fills that ended without a complete valid body, by reason (never stored)."}, []string{"reason"}),
		invalidManifests: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_invalid_manifests_total",
			Help: "Manifests from the origin that did not parse (not stored, not served as complete)."}),
		regressions: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_live_playlist_regressions_total",
			Help: "Refreshes that returned an older live playlist than the cached one (cached kept)."}),
		storeErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_store_errors_total",
			Help: "Entries the store refused (key or headers too big)."}),
		abortedStreams: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_aborted_streams_total",
			Help: "Client responses cut because their fill failed mid-body."}),
		errorResponses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_error_responses_total",
			Help: "Error responses the edge answered itself (no origin response to pass on), by failure label."}, []string{"reason"}),
		customErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_custom_error_responses_total",
			Help: "Responses whose error status (the origin's, or the edge's own 502/504) was replaced by a custom error page, by that status."}, []string{"status"}),
		errorPageFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_custom_error_page_failures_total",
			Help: "Custom error pages that could not be had (not a 200, origin failed): the original error was sent, by its status."}, []string{"status"}),
		liveFreshnessClamped: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_live_freshness_clamped_total",
			Help: "Live playlists and dynamic MPDs whose origin max-age, s-maxage or Expires promised clients more than the edge keeps them; lowered."}),
		continuations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_fill_continuations_total",
			Help: "Viewers of a fill that stopped buffering (past -max-object-size or -max-fill-bytes) that continued with their own origin request, by result (complete, failed)."}, []string{"result"}),
		decodes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_manifest_decodes_total",
			Help: "Content-coded bodies decoded: manifests (for validation) and bodies in a coding the client's class cannot read, by coding."}, []string{"coding"}),
		decodeFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_manifest_decode_failures_total",
			Help: "Content-coded bodies that did not decode within -max-object-size (failed fills), by coding and reason (too_big, corrupt, unsupported)."},
			[]string{"coding", "reason"}),
		variantRefusals: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_variant_refusals_total",
			Help: "Requests or fills whose Origin variant the edge would not key (invalid Origin, or more than variant.MaxOrigins per object): passed through or not stored."}),
		fronts:          newFrontCounters(),
		signed:          newSignedMetrics(),
		compressMetrics: newCompressMetrics(),
		rewrites:        newRewriteCounter(),
		cors:            newCORSCounters(),
		keyItems:        newKeyCounters(),
	}
	m.reusedHeads = prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_hit_heads_reused_total",
		Help: "Plain hits whose response head the front end sent as it had serialised it for the entry before (fasthttp), with only Age and Content-Length set."},
		m.reused.sum)
	cs := []prometheus.Collector{m.requests, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_bytes_served_total",
		Help: "Response body bytes written to clients."}, m.bytesServed.sum), m.originRequests, m.originErrors, m.originDuration,
		m.passes, m.failedFills, m.invalidManifests, m.regressions, m.storeErrors, m.abortedStreams, m.reusedHeads,
		m.errorResponses, m.customErrors, m.errorPageFailures, m.liveFreshnessClamped, m.continuations, m.decodes, m.decodeFailures, m.variantRefusals, m.fronts.vec, m.cors.vec, m.keyItems.vec,
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_coalesced_followers_total",
			Help: "Requests that shared another request's origin fetch."}, func() float64 { return float64(h.group.Followers()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_fill_panics_total",
			Help: "Fills whose filler panicked (recovered: the fill failed, its readers were cut or answered 502)."}, func() float64 { return float64(h.group.Panics()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_fills_in_flight",
			Help: "Origin fills running now."}, func() float64 { return float64(h.group.InFlight()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_pass_keys",
			Help: "Keys remembered as pass-through."}, func() float64 { return float64(h.passes.len()) }),
	}
	m.byResult = make(map[string]*stripedCounter)
	for _, r := range results {
		m.byResult[r] = m.requests.with(r) // resolved once: no label hashing nor lock per request
	}
	if lw, ok := h.cfg.AccessLog.(*LogWriter); ok {
		cs = append(cs, prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_access_log_dropped_total",
			Help: "Access-log lines dropped because the log's buffer was full (the writer fell behind); requests never wait for the log."},
			func() float64 { return float64(lw.Dropped()) }))
	}
	cs = append(cs, m.compressMetrics.collectors()...)
	cs = append(cs, m.rewrites)
	cs = append(cs, storeCollectors(h)...)
	cs = append(cs, h.limits.collectors()...)
	m.prefetch = newPrefetchMetrics()
	cs = append(cs, m.prefetch.collectors()...)
	m.notYet = newNotYetMetrics()
	cs = append(cs, m.notYet.collectors(h)...)
	cs = append(cs, m.signed.collectors()...)
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) request(stripe uint64, result string, bytes int64) {
	if c, ok := m.byResult[result]; ok {
		c.add(stripe, 1)
	} else {
		m.requests.with(result).add(stripe, 1)
	}
	m.bytesServed.add(stripe, uint64(max(bytes, 0)))
}

func (m *metrics) origin(resp *http.Response, err error, d time.Duration) {
	switch {
	case errors.Is(err, origin.ErrTimeout):
		m.originRequests.WithLabelValues("timeout").Inc()
	case err != nil:
		m.originRequests.WithLabelValues("error").Inc()
	default:
		m.originRequests.WithLabelValues(strconv.Itoa(resp.StatusCode)).Inc()
		m.originDuration.Observe(d.Seconds())
	}
}

func (m *metrics) continuation(err error) {
	if err != nil {
		m.continuations.WithLabelValues("failed").Inc()
		return
	}
	m.continuations.WithLabelValues("complete").Inc()
}
