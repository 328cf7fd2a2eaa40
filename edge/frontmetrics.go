package edge

import "github.com/prometheus/client_golang/prometheus"

// frontProtos are the protocols each front end can speak, resolved once so a
// request's count hashes no labels.
var frontProtos = map[string][]string{
	FrontNet:  {"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"},
	FrontFast: {"HTTP/1.0", "HTTP/1.1"},
}

type frontCounters struct {
	vec      *prometheus.CounterVec
	resolved map[[2]string]prometheus.Counter
}

func newFrontCounters() *frontCounters {
	f := &frontCounters{vec: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_frontend_requests_total",
		Help: "Client requests by front end (fasthttp, net) and protocol (HTTP/1.1, HTTP/2.0, HTTP/3.0)."}, []string{"front", "proto"}),
		resolved: map[[2]string]prometheus.Counter{}}
	for front, protos := range frontProtos {
		for _, p := range protos {
			f.resolved[[2]string{front, p}] = f.vec.WithLabelValues(front, p)
		}
	}
	return f
}

func (m *metrics) frontRequest(front, proto string) {
	if c, ok := m.fronts.resolved[[2]string{front, proto}]; ok {
		c.Inc()
		return
	}
	m.fronts.vec.WithLabelValues(front, proto).Inc()
}
