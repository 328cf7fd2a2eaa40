package demopage

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/streamedge/streamedge/edge"
)

// Stats is /demo/stats.json: cumulative counts since the edge started
// (edge.Stats) and the ratios derived from them (0 while there are no client
// requests).
type Stats struct {
	Time           time.Time        `json:"time"`
	ClientRequests int64            `json:"client_requests"` // every client request answered
	ByCache        map[string]int64 `json:"by_cache"`        // client requests by cache result
	CacheHits      int64            `json:"cache_hits"`      // hit + refresh_hit + stale
	Coalesced      int64            `json:"coalesced"`       // requests that shared another's origin fetch
	OriginRequests int64            `json:"origin_requests"` // fills and pass-through sent to the origin
	// TestOriginRequests is the origin's own count (Config.OriginRequests);
	// omitted when there is none.
	TestOriginRequests *int64 `json:"test_origin_requests,omitempty"`

	HitRatio      float64 `json:"hit_ratio"`      // CacheHits ÷ ClientRequests
	OriginOffload float64 `json:"origin_offload"` // 1 − OriginRequests ÷ ClientRequests: the share the origin was spared
	// TestOriginOffload is 1 − TestOriginRequests ÷ ClientRequests.
	TestOriginOffload *float64 `json:"test_origin_offload,omitempty"`
}

// ComputeStats turns the edge's counters into the page's Stats.
// originRequests may be nil; when it reports false the origin's own count is
// omitted.
func ComputeStats(e edge.Stats, originRequests func() (int64, bool)) Stats {
	s := Stats{Time: time.Now().UTC(), ByCache: e.ByResult, ClientRequests: e.ClientRequests, CacheHits: e.CacheHits,
		Coalesced: e.Coalesced, OriginRequests: e.OriginRequests, HitRatio: e.HitRatio(), OriginOffload: e.OriginOffload()}
	if s.ByCache == nil {
		s.ByCache = map[string]int64{}
	}
	if originRequests != nil {
		if n, ok := originRequests(); ok {
			off := edge.Stats{ClientRequests: e.ClientRequests, OriginRequests: n}.OriginOffload()
			s.TestOriginRequests, s.TestOriginOffload = &n, &off
		}
	}
	return s
}

func (cfg Config) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if cfg.Stats == nil {
		http.Error(w, "streamedge demo: no edge stats configured", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(ComputeStats(cfg.Stats(), cfg.OriginRequests))
}
