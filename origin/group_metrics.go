package origin

import "github.com/prometheus/client_golang/prometheus"

// GroupMetrics are the origin groups' Prometheus series:
//
//	streamedge_origin_failovers_total{group,origin,reason}  fills moved off a member (reason: timeout, unreachable or the status)
//	streamedge_origin_up{group,origin}                      1 while the member's last exchange succeeded
type GroupMetrics struct {
	failovers *prometheus.CounterVec
	upGauge   *prometheus.GaugeVec
}

// NewGroupMetrics registers the series on reg (a new registry when nil).
func NewGroupMetrics(reg prometheus.Registerer) (*GroupMetrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &GroupMetrics{
		failovers: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_origin_failovers_total",
			Help: "Fills an origin group moved off a member, by group, member and reason (timeout, unreachable or the failover status)."},
			[]string{"group", "origin", "reason"}),
		upGauge: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "streamedge_origin_up",
			Help: "1 while an origin group member's last exchange succeeded, 0 after a failure."}, []string{"group", "origin"}),
	}
	for _, c := range []prometheus.Collector{m.failovers, m.upGauge} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *GroupMetrics) failover(group, origin, reason string) {
	if m != nil {
		m.failovers.WithLabelValues(group, origin, reason).Inc()
	}
}

func (m *GroupMetrics) up(group, origin string, up bool) {
	if m == nil {
		return
	}
	v := 0.0
	if up {
		v = 1
	}
	m.upGauge.WithLabelValues(group, origin).Set(v)
}
