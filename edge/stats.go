package edge

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Stats is a snapshot of the edge's request counters since New, for
// dashboards such as the demo page: the same counts as the streamedge_*
// series, as a typed value.
type Stats struct {
	// ClientRequests is every client request answered, by any result.
	ClientRequests int64
	// ByResult splits ClientRequests by cache result (the X-Cache and
	// access-log "cache" value): hit, miss, coalesced, refresh_hit, stale,
	// error, pass, preflight (a CORS preflight the edge answered).
	ByResult map[string]int64
	// CacheHits are the requests answered from the cache without an origin
	// fetch of their own: hit, refresh_hit and stale.
	CacheHits int64
	// Coalesced are the requests that shared another request's origin fetch.
	Coalesced int64
	// OriginRequests is every request the edge sent the origin, fills and
	// pass-through, errors and timeouts included
	// (streamedge_origin_requests_total).
	OriginRequests int64
	// PassThrough are the client requests sent to the origin as they came
	// (result pass), a part of OriginRequests.
	PassThrough int64
}

// HitRatio is CacheHits ÷ ClientRequests (0 before the first request).
func (s Stats) HitRatio() float64 { return ratio(s.CacheHits, s.ClientRequests) }

// OriginOffload is what CDN users call offload: the share of client
// requests the origin was spared, 1 − OriginRequests ÷ ClientRequests. It is
// 0 before the first request and never below 0 (refreshes and variant
// fetches can make more origin requests than clients made).
func (s Stats) OriginOffload() float64 {
	if s.ClientRequests <= 0 {
		return 0
	}
	return max(0, 1-ratio(s.OriginRequests, s.ClientRequests))
}

// Stats reads the edge's counters.
func (h *Handler) Stats() Stats {
	s := Stats{ByResult: make(map[string]int64, len(h.metrics.byResult))}
	for result, c := range h.metrics.byResult {
		n := counterValue(c)
		s.ByResult[result] = n
		s.ClientRequests += n
	}
	s.CacheHits = s.ByResult[resultHit] + s.ByResult[resultRefreshHit] + s.ByResult[resultStale]
	s.PassThrough = s.ByResult[resultPass]
	s.Coalesced = h.group.Followers()
	s.OriginRequests = sumCounters(h.metrics.originRequests)
	return s
}

func counterValue(c prometheus.Metric) int64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return 0
	}
	return int64(m.GetCounter().GetValue())
}

// sumCounters adds up every series of a counter vector.
func sumCounters(c prometheus.Collector) int64 {
	ch := make(chan prometheus.Metric, 16)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var n int64
	for m := range ch {
		n += counterValue(m)
	}
	return n
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
