package signedurl

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts verifications by result. It is a prometheus.Collector for
// the wiring to register; a nil *Metrics counts nothing.
type Metrics struct {
	results *prometheus.CounterVec
}

// NewMetrics returns the package's series:
// streamedge_signed_url_verifications_total{result} (result is a Reason).
func NewMetrics() *Metrics {
	return &Metrics{results: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "streamedge_signed_url_verifications_total",
		Help: "Signed URL and signed cookie checks, by result (ok, missing, malformed, unknown_key, bad_signature, policy, expired, not_yet_valid, ip, resource); every result but ok was answered 403.",
	}, []string{"result"})}
}

// Observe counts one verification result (Check counts its own; a caller
// that verifies otherwise counts here).
func (m *Metrics) Observe(r Reason) {
	if m != nil {
		m.results.WithLabelValues(string(r)).Inc()
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { m.results.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) { m.results.Collect(ch) }
