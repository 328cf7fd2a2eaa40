package limits

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Rejection reasons, the values of the limit label. Those of requests are the
// labels of their failure classes (TestLimitLabelsAreFailureLabels).
const (
	LimitConns      = "conns"
	LimitConnsPerIP = "conns_per_ip"
	LimitURI        = "uri"
	LimitHeaders    = "headers"
	LimitRate       = "rate"
	LimitMethod     = "method"  // CONNECT, TRACE
	LimitFraming    = "framing" // a body on GET/HEAD, Content-Length with Transfer-Encoding
)

var allLimits = []string{LimitConns, LimitConnsPerIP, LimitURI, LimitHeaders, LimitRate, LimitMethod, LimitFraming}

// Metrics are the package's Prometheus metrics. A nil *Metrics is valid and
// records nothing.
type Metrics struct {
	rejections  *prometheus.CounterVec
	connections prometheus.Gauge
	trackedIPs  prometheus.Gauge
}

// NewMetrics creates the metrics and registers them on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "streamedge_limit_rejections_total",
			Help: "Client connections and requests refused by a limit.",
		}, []string{"limit"}),
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "streamedge_client_connections",
			Help: "Client connections currently open (admitted by the connection limits).",
		}),
		trackedIPs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "streamedge_limit_tracked_ips",
			Help: "Client IPs with per-IP limit state (connection counts and rate buckets).",
		}),
	}
	for _, l := range allLimits {
		m.rejections.WithLabelValues(l)
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.rejections, m.connections, m.trackedIPs} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("limits: register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *Metrics) reject(limit string) {
	if m != nil {
		m.rejections.WithLabelValues(limit).Inc()
	}
}

func (m *Metrics) addConns(d float64) {
	if m != nil {
		m.connections.Add(d)
	}
}

func (m *Metrics) addTracked(d float64) {
	if m != nil {
		m.trackedIPs.Add(d)
	}
}
