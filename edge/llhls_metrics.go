package edge

import "github.com/prometheus/client_golang/prometheus"

// llMetrics are the LL-HLS series (llhls.go).
type llMetrics struct {
	holds    prometheus.Counter
	releases *prometheus.CounterVec // by reason
	refusals *prometheus.CounterVec // by status and reason
}

func newLLMetrics(reg prometheus.Registerer, h *Handler) (*llMetrics, error) {
	m := &llMetrics{
		holds: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_llhls_holds_total",
			Help: "LL-HLS blocking playlist requests held at the edge."}),
		releases: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_llhls_releases_total",
			Help: "LL-HLS blocking playlist requests answered, by how: immediate (the freshest playlist had it), ended (ENDLIST), playlist (released by a newer playlist), fill (its own fill), timeout (503), client_gone."},
			[]string{"reason"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_llhls_refusals_total",
			Help: "LL-HLS requests refused by the edge, by status (400, 503) and reason (directive, too_far, holders, timeout)."},
			[]string{"status", "reason"}),
	}
	if reg == nil || h.ll == nil {
		return m, nil
	}
	cs := []prometheus.Collector{m.holds, m.releases, m.refusals,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_llhls_held_requests",
			Help: "LL-HLS blocking playlist requests held at the edge now."}, func() float64 { return float64(h.ll.Held()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_llhls_playlists",
			Help: "LL-HLS playlists tracked (rendition and skip mode)."}, func() float64 { n, _ := h.ll.Tracked(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_llhls_playlist_bytes",
			Help: "Bytes of the LL-HLS playlists kept to answer held requests."}, func() float64 { _, b := h.ll.Tracked(); return float64(b) }),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
