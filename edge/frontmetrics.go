package edge

import "github.com/prometheus/client_golang/prometheus"

// frontProtos are the protocols each front end can speak, resolved once so a
// request's count hashes no labels.
var frontProtos = map[string][]string{
	FrontNet:  {"HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"},
	FrontFast: {"HTTP/1.0", "HTTP/1.1"},
}

type frontCounters struct {
	vec      *stripedVec
	resolved map[[2]string]*stripedCounter
}

func newFrontCounters() *frontCounters {
	f := &frontCounters{vec: newStripedVec(prometheus.NewDesc("streamedge_frontend_requests_total",
		"Client requests by front end (fasthttp, net) and protocol (HTTP/1.1, HTTP/2.0, HTTP/3.0).", []string{"front", "proto"}, nil)),
		resolved: map[[2]string]*stripedCounter{}}
	for front, protos := range frontProtos {
		for _, p := range protos {
			f.resolved[[2]string{front, p}] = f.vec.with(front, p)
		}
	}
	return f
}

func (m *metrics) frontRequest(stripe uint64, front, proto string) {
	if c, ok := m.fronts.resolved[[2]string{front, proto}]; ok {
		c.add(stripe, 1)
		return
	}
	m.fronts.vec.with(front, proto).add(stripe, 1)
}
