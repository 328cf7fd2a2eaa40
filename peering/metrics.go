package peering

import "github.com/prometheus/client_golang/prometheus"

// Metrics are peering's Prometheus series, registered once (they outlive
// reloads):
//
//	streamedge_peer_fetches_total{peer,result}   fills sent to a peer: ok (it answered), error (connection error or timeout: marked down)
//	streamedge_peer_fills_total{via}             fills by where they went: peer, or the origin as owner, hot, peer_request, fallback
//	streamedge_peer_members{state}               members up and down (self included, always up)
//	streamedge_peer_dns_lookups_total{result}    membership lookups: ok, error (the last set kept)
//
// The owner-local ratio is 1 - fills{via="peer"} / sum(fills).
type Metrics struct {
	fetches *prometheus.CounterVec
	fills   *prometheus.CounterVec
	state   *prometheus.GaugeVec
	lookups *prometheus.CounterVec
}

// Where a fill went (streamedge_peer_fills_total's via).
const (
	ViaPeer        = "peer"         // fetched from the key's owner
	ViaOwner       = "owner"        // this edge owns the key: its origin
	ViaHot         = "hot"          // a hot object, fetched from the origin by every member
	ViaPeerRequest = "peer_request" // a peer asked this edge: its origin, never forwarded
	ViaFallback    = "fallback"     // every member ranked above failed: the origin
)

// NewMetrics registers the series on reg (a new registry when nil).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_peer_fetches_total",
			Help: "Fills sent to a POP peer (the key's owner), by peer and result: ok, or error (connection error or timeout; the peer is marked down)."},
			[]string{"peer", "result"}),
		fills: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_peer_fills_total",
			Help: "Fills of a peering edge by where they went: peer (the owner), or the origin as owner, hot, peer_request or fallback."},
			[]string{"via"}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "streamedge_peer_members",
			Help: "Members of the POP as this edge sees them, by state (up, down); self is always up."}, []string{"state"}),
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_peer_dns_lookups_total",
			Help: "DNS lookups of the POP's members by result: ok, or error (the last member set is kept)."}, []string{"result"}),
	}
	for _, c := range []prometheus.Collector{m.fetches, m.fills, m.state, m.lookups} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) fetch(peer string, ok bool) {
	if m == nil {
		return
	}
	r := "ok"
	if !ok {
		r = "error"
	}
	m.fetches.WithLabelValues(peer, r).Inc()
}

// forget drops a member's series when it leaves the POP (DNS churn must
// not grow them without bound).
func (m *Metrics) forget(peer string) {
	if m != nil {
		m.fetches.DeleteLabelValues(peer, "ok")
		m.fetches.DeleteLabelValues(peer, "error")
	}
}

func (m *Metrics) fill(via string) {
	if m != nil {
		m.fills.WithLabelValues(via).Inc()
	}
}

func (m *Metrics) members(up, down int) {
	if m != nil {
		m.state.WithLabelValues("up").Set(float64(up))
		m.state.WithLabelValues("down").Set(float64(down))
	}
}

func (m *Metrics) dns(ok bool) {
	if m == nil {
		return
	}
	r := "ok"
	if !ok {
		r = "error"
	}
	m.lookups.WithLabelValues(r).Inc()
}
