package routing

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the router's Prometheus series (prefix streamedge_routing_).
type metrics struct {
	decisions *prometheus.CounterVec   // by pop, via (dns, http) and reason
	probes    *prometheus.CounterVec   // by pop and result (ok, not_ready, timeout, error)
	probeTime *prometheus.HistogramVec // by pop: the router's RTT to /readyz
	probedUp  *prometheus.GaugeVec     // by pop: 1 healthy by the probes
	rtt       *prometheus.GaugeVec     // by pop: the EWMA of the probes' RTT
	reports   *prometheus.CounterVec   // viewers' latency reports by result (ok, bad)
	refused   *prometheus.CounterVec   // DNS queries not answered, by reason
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_routing_decisions_total",
			Help: "Viewers sent to a POP, by POP, via (dns, http) and reason (nearest, failover: a nearer POP was unhealthy, all_unhealthy: fail-open)."},
			[]string{"pop", "via", "reason"}),
		probes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_routing_probes_total",
			Help: "POP /readyz probes by result (ok, not_ready, timeout, error)."}, []string{"pop", "result"}),
		probeTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "streamedge_routing_probe_duration_seconds",
			Help: "Time of a POP /readyz probe from the router.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 12)}, []string{"pop"}),
		probedUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "streamedge_routing_pop_healthy",
			Help: "1 when the POP is healthy by its /readyz probes, else 0."}, []string{"pop"}),
		rtt: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "streamedge_routing_pop_rtt_seconds",
			Help: "The router's measured RTT to the POP: EWMA of its successful /readyz probes (orders the POPs with measure: true or no configured latency)."}, []string{"pop"}),
		reports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_routing_latency_reports_total",
			Help: "Viewers' latency reports (POST /latency on the admin listener) by result (ok, bad)."}, []string{"result"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_routing_dns_refused_total",
			Help: "DNS queries answered without a POP, by reason (other_name, bad_query, no_address)."}, []string{"reason"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.decisions, m.probes, m.probeTime, m.probedUp, m.rtt, m.reports, m.refused} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) probed(pop string, err error, took time.Duration, up bool, rtt time.Duration) {
	if m == nil {
		return
	}
	result := "ok"
	switch {
	case errors.Is(err, errNotReady):
		result = "not_ready"
	case errors.Is(err, context.DeadlineExceeded):
		result = "timeout"
	case err != nil:
		result = "error"
	}
	m.probes.WithLabelValues(pop, result).Inc()
	m.probeTime.WithLabelValues(pop).Observe(took.Seconds())
	v := 0.0
	if up {
		v = 1
	}
	m.probedUp.WithLabelValues(pop).Set(v)
	if rtt > 0 {
		m.rtt.WithLabelValues(pop).Set(rtt.Seconds())
	}
}

func (m *metrics) reported(ok bool) {
	if m == nil {
		return
	}
	result := "ok"
	if !ok {
		result = "bad"
	}
	m.reports.WithLabelValues(result).Inc()
}
