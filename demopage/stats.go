package demopage

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metric names read from the gatherer.
const (
	requestsMetric  = "streamedge_requests_total" // label cache
	coalescedMetric = "streamedge_coalesced_followers_total"
	originMetric    = "streamedge_origin_requests_total" // label status
)

// cacheServed are the streamedge_requests_total{cache} values answered from
// the cache without waiting for an origin fetch of their own.
var cacheServed = map[string]bool{"hit": true, "refresh_hit": true, "stale": true}

// Stats is /demo/stats.json: cumulative counts since the edge started and
// the ratios derived from them (0 while there are no client requests).
type Stats struct {
	Time           time.Time        `json:"time"`
	ClientRequests int64            `json:"client_requests"` // sum of streamedge_requests_total
	ByCache        map[string]int64 `json:"by_cache"`        // streamedge_requests_total by cache label
	CacheHits      int64            `json:"cache_hits"`      // hit + refresh_hit + stale
	Coalesced      int64            `json:"coalesced"`       // streamedge_coalesced_followers_total
	OriginRequests int64            `json:"origin_requests"` // sum of streamedge_origin_requests_total
	// TestOriginRequests is the origin's own count (Config.OriginRequests);
	// omitted when there is none.
	TestOriginRequests *int64 `json:"test_origin_requests,omitempty"`

	HitRatio      float64 `json:"hit_ratio"`      // CacheHits ÷ ClientRequests
	OriginOffload float64 `json:"origin_offload"` // OriginRequests ÷ ClientRequests (lower is better)
	// TestOriginOffload is TestOriginRequests ÷ ClientRequests.
	TestOriginOffload *float64 `json:"test_origin_offload,omitempty"`
}

// ComputeStats reads the streamedge_* series from g. originRequests may be
// nil. Series missing from g count as zero.
func ComputeStats(g prometheus.Gatherer, originRequests func() int64) (Stats, error) {
	s := Stats{Time: time.Now().UTC(), ByCache: map[string]int64{}}
	mfs, err := g.Gather()
	if err != nil && len(mfs) == 0 {
		return s, err
	}
	// The client_model types are used only through their getters, so this
	// package needs no import (and no go.mod line) of its own for them.
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			n := int64(m.GetCounter().GetValue())
			switch mf.GetName() {
			case requestsMetric:
				cache := ""
				for _, lp := range m.GetLabel() {
					if lp.GetName() == "cache" {
						cache = lp.GetValue()
					}
				}
				s.ByCache[cache] += n
				s.ClientRequests += n
			case coalescedMetric:
				s.Coalesced += n
			case originMetric:
				s.OriginRequests += n
			}
		}
	}
	for k, n := range s.ByCache {
		if cacheServed[k] {
			s.CacheHits += n
		}
	}
	s.HitRatio = ratio(s.CacheHits, s.ClientRequests)
	s.OriginOffload = ratio(s.OriginRequests, s.ClientRequests)
	if originRequests != nil {
		n := originRequests()
		r := ratio(n, s.ClientRequests)
		s.TestOriginRequests, s.TestOriginOffload = &n, &r
	}
	return s, nil
}

func (cfg Config) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if cfg.Gatherer == nil {
		http.Error(w, "streamedge demo: no metrics gatherer configured", http.StatusInternalServerError)
		return
	}
	s, err := ComputeStats(cfg.Gatherer, cfg.OriginRequests)
	if err != nil {
		http.Error(w, "streamedge demo: gathering metrics: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s)
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}
