package edge

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

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

// stripes is a counter that every connection adds to on every request: one
// cache line per stripe, chosen by the connection, summed when scraped, so
// that cores do not contend for one word (a shared counter's atomic add cost
// 70 ns a request under wrk on two cores).
type stripes [8]struct {
	n atomic.Uint64
	_ [56]byte
}

func (s *stripes) add(conn uint64) { s[conn%uint64(len(s))].n.Add(1) }

func (s *stripes) sum() float64 {
	var t uint64
	for i := range s {
		t += s[i].n.Load()
	}
	return float64(t)
}
