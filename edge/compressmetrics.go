package edge

import "github.com/prometheus/client_golang/prometheus"

// compressMetrics are the series of compression at the edge
// (fill_compress.go).
type compressMetrics struct {
	compressions        *prometheus.CounterVec // bodies compressed at fills, by encoding
	compressSaved       *prometheus.CounterVec // identity bytes minus compressed bytes, by encoding
	compressSkipped     *prometheus.CounterVec // by reason: busy, no_gain
	compressedResponses *prometheus.CounterVec // responses with a body the edge compressed, by encoding
}

func newCompressMetrics() compressMetrics {
	return compressMetrics{
		compressions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_compressions_total",
			Help: "Identity bodies the edge compressed at a fill (once per fill and encoding, stored for that encoding class), by encoding."}, []string{"encoding"}),
		compressSaved: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_compression_saved_bytes_total",
			Help: "Bytes the edge's compressions saved per stored copy (identity size minus compressed size), by encoding."}, []string{"encoding"}),
		compressSkipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_compression_skipped_total",
			Help: "Compressible fills or encodings left identity, by reason (busy: every compression slot taken; no_gain: the compressed body was not smaller)."}, []string{"reason"}),
		compressedResponses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_compressed_responses_total",
			Help: "Responses whose body the edge compressed itself (not the origin), by encoding."}, []string{"encoding"}),
	}
}

func (c compressMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{c.compressions, c.compressSaved, c.compressSkipped, c.compressedResponses}
}
