package invalidation

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the package's Prometheus series, a prometheus.Collector for the
// wiring to register; a nil *Metrics counts nothing. The records and floor
// gauges describe one Set: give each Set its own Metrics (the edge has one
// Set per cache).
type Metrics struct {
	records   prometheus.Gauge
	floor     prometheus.Gauge
	hits      prometheus.Counter
	overflows prometheus.Counter
	paths     prometheus.Counter
	requests  *prometheus.CounterVec
}

// NewMetrics returns:
//
//	streamedge_invalidation_records               records held (exact paths + prefixes)
//	streamedge_invalidation_floor_seconds         entries stored before this Unix time are invalid (0: none)
//	streamedge_invalidation_hits_total            lookups that found the entry invalidated
//	streamedge_invalidation_overflows_total       times the bounds dropped records and raised the floor
//	streamedge_invalidation_paths_total           paths invalidated through the API
//	streamedge_invalidation_api_requests_total{op,code}  API calls by operation and result code
func NewMetrics() *Metrics {
	return &Metrics{
		records: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_invalidation_records",
			Help: "Invalidation records held (exact paths plus trailing-* prefixes), bounded by the Set's MaxRecords."}),
		floor: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_invalidation_floor_seconds",
			Help: "Unix time before which every stored entry counts as invalidated, raised when the records overflowed their bounds (0: never)."}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_invalidation_hits_total",
			Help: "Cache lookups whose entry was stored before a matching invalidation (answered as misses)."}),
		overflows: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_invalidation_overflows_total",
			Help: "Times the invalidation records outgrew their bounds: the oldest were dropped and the floor raised (over-invalidating, never under)."}),
		paths: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_invalidation_paths_total",
			Help: "Paths invalidated through the CloudFront invalidation API (new batches only)."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_invalidation_api_requests_total",
			Help: "CloudFront invalidation API calls by operation (create, get, list, unknown) and result code (OK or the CloudFront error code, like AccessDenied)."},
			[]string{"op", "code"}),
	}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.records, m.floor, m.hits, m.overflows, m.paths, m.requests}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
}

func (m *Metrics) setRecords(n int, floor int64) {
	if m != nil {
		m.records.Set(float64(n))
		m.floor.Set(float64(floor) / 1e9)
	}
}

func (m *Metrics) hit() {
	if m != nil {
		m.hits.Inc()
	}
}

func (m *Metrics) overflow() {
	if m != nil {
		m.overflows.Inc()
	}
}

func (m *Metrics) request(op, code string, newPaths int) {
	if m != nil {
		m.requests.WithLabelValues(op, code).Inc()
		m.paths.Add(float64(newPaths))
	}
}
