package fleet

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the fleet's Prometheus collectors. A nil *Metrics counts nothing.
type Metrics struct {
	members    prometheus.Gauge
	applied    prometheus.Counter
	published  *prometheus.CounterVec
	dropped    prometheus.Counter
	heartbeats *prometheus.CounterVec
	version    prometheus.Gauge
	rejections prometheus.Counter
}

// NewMetrics makes the collectors and registers them on reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		members: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_fleet_members",
			Help: "Live fleet members (this edge included) as the membership bucket shows them."}),
		applied: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_fleet_invalidations_applied_total",
			Help: "Invalidations read from the fleet stream and applied to this edge's Set."}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_fleet_invalidations_published_total",
			Help: "Publishes of this edge's invalidations to the fleet stream, by result (ok, error: retried)."}, []string{"result"}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_fleet_invalidations_dropped_total",
			Help: "Unpublished invalidations dropped from the full retry queue (applied on this edge only)."}),
		heartbeats: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_fleet_heartbeats_total",
			Help: "Membership heartbeats, by result."}, []string{"result"}),
		version: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_fleet_config_version",
			Help: "The fleet configuration version this edge runs (0: none from the fleet)."}),
		rejections: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_fleet_config_rejections_total",
			Help: "Fleet configuration versions this edge could not load (it kept the one it runs)."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.members, m.applied, m.published, m.dropped, m.heartbeats, m.version, m.rejections} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) setMembers(n int) {
	if m != nil {
		m.members.Set(float64(n))
	}
}

func (m *Metrics) appliedInc() {
	if m != nil {
		m.applied.Inc()
	}
}

func (m *Metrics) publishedInc(result string) {
	if m != nil {
		m.published.WithLabelValues(result).Inc()
	}
}

func (m *Metrics) droppedInc() {
	if m != nil {
		m.dropped.Inc()
	}
}

func (m *Metrics) heartbeat(result string) {
	if m != nil {
		m.heartbeats.WithLabelValues(result).Inc()
	}
}

func (m *Metrics) setVersion(v uint64) {
	if m != nil {
		m.version.Set(float64(v))
	}
}

func (m *Metrics) rejected() {
	if m != nil {
		m.rejections.Inc()
	}
}
