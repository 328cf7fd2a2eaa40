package cmcd

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the CMCD Prometheus series (prefix streamedge_cmcd_).
type Metrics struct {
	requests    *prometheus.CounterVec
	starvations prometheus.Counter
	sessionsNow prometheus.Gauge
	evictions   prometheus.Counter
	invalid     prometheus.Counter
}

// NewMetrics registers the CMCD series on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_cmcd_requests_total",
			Help: "Requests carrying CMCD, by object type (ot: m, a, v, av, i, c, tt, k, o; none; unknown)."}, []string{"ot"}),
		starvations: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_cmcd_buffer_starvations_total",
			Help: "Requests whose CMCD flagged buffer starvation (bs) since the player's previous request."}),
		sessionsNow: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_cmcd_sessions",
			Help: "CMCD sessions (sid) tracked now (bounded; least recently seen evicted)."}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_cmcd_sessions_evicted_total",
			Help: "CMCD sessions dropped from the tracker to stay within its bound."}),
		invalid: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_cmcd_invalid_total",
			Help: "Requests whose CMCD had at least one unparsable or out-of-bounds key (the rest was used)."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.requests, m.starvations, m.sessionsNow, m.evictions, m.invalid} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("cmcd metrics: %w", err)
		}
	}
	return m, nil
}

// Invalid counts a request whose CMCD did not fully parse.
func (m *Metrics) Invalid() {
	if m != nil {
		m.invalid.Inc()
	}
}

func (m *Metrics) observe(ot string, starved bool) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(ot).Inc()
	if starved {
		m.starvations.Inc()
	}
}

func (m *Metrics) evict() {
	if m != nil {
		m.evictions.Inc()
	}
}

func (m *Metrics) sessions(n int) {
	if m != nil {
		m.sessionsNow.Set(float64(n))
	}
}
