package tlsfront

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the package's Prometheus series. A nil *Metrics records
// nothing.
type Metrics struct {
	reloads       *prometheus.CounterVec // by result: ok, error
	reloadOK      prometheus.Counter
	reloadErr     prometheus.Counter
	handshakeErrs prometheus.Counter
	quicRefused   prometheus.Counter
	requests      *prometheus.CounterVec // by proto
	byProto       [4]prometheus.Counter  // HTTP/1.0, HTTP/1.1, HTTP/2.0, HTTP/3.0
	otherProto    prometheus.Counter
}

// protoLabels are the proto label values, r.Proto as net/http and quic-go
// set it.
var protoLabels = [4]string{"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"}

// NewMetrics creates the metrics and registers them on reg (nil:
// unregistered). certs, if set, reports its expiry.
func NewMetrics(reg prometheus.Registerer, certs *Certs) (*Metrics, error) {
	m := &Metrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_tls_cert_reloads_total",
			Help: "Certificate reloads (SIGHUP) by result: ok, or error (the previous certificates kept serving)."}, []string{"result"}),
		handshakeErrs: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_tls_handshake_errors_total",
			Help: "TLS handshakes on the TCP listener that failed (bad client hello, no shared version or cipher, timeout)."}),
		quicRefused: prometheus.NewCounter(prometheus.CounterOpts{Name: "streamedge_http3_refused_connections_total",
			Help: "QUIC connections closed at once because the HTTP/3 connection cap was reached."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_requests_by_protocol_total",
			Help: "Client requests by protocol (HTTP/1.0, HTTP/1.1, HTTP/2.0, HTTP/3.0, other), every listener."}, []string{"proto"}),
	}
	m.reloadOK, m.reloadErr = m.reloads.WithLabelValues("ok"), m.reloads.WithLabelValues("error")
	for i, p := range protoLabels {
		m.byProto[i] = m.requests.WithLabelValues(p) // resolved once: no label hashing per request
	}
	m.otherProto = m.requests.WithLabelValues("other")
	if reg == nil {
		return m, nil
	}
	cs := []prometheus.Collector{m.reloads, m.handshakeErrs, m.quicRefused, m.requests}
	if certs != nil {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_tls_cert_expiry_timestamp_seconds",
			Help: "Unix time at which the first of the served certificates expires."},
			func() float64 { return float64(certs.Expiry().Unix()) }))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// CountReload counts one Reload by its result.
func (m *Metrics) CountReload(err error) {
	switch {
	case m == nil:
	case err == nil:
		m.reloadOK.Inc()
	default:
		m.reloadErr.Inc()
	}
}

func (m *Metrics) handshakeError() {
	if m != nil {
		m.handshakeErrs.Inc()
	}
}

func (m *Metrics) quicRefusal() {
	if m != nil {
		m.quicRefused.Inc()
	}
}
