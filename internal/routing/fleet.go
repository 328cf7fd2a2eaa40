package routing

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	fleetstate "github.com/streamedge/streamedge/fleet"
)

// FleetHealth is Health from the fleet state: a POP is healthy while it
// has at least one live member (fleet.Membership). It keeps the count of
// live members per POP, read again on each membership change, so Healthy
// (asked per answer) costs a map lookup.
type FleetHealth struct {
	m    fleetstate.Membership
	mu   sync.Mutex                     // one refresh at a time: the last read wins
	pops atomic.Pointer[map[string]int] // POP → live members
}

var _ Health = (*FleetHealth)(nil)

// NewFleetHealth follows m until ctx ends.
func NewFleetHealth(ctx context.Context, m fleetstate.Membership) *FleetHealth {
	h := &FleetHealth{m: m}
	h.pops.Store(&map[string]int{})
	m.Watch(ctx, func([]fleetstate.Member) { h.refresh() })
	h.refresh()
	return h
}

// refresh reads the live members again, unless the fleet is disconnected
// (a NATS outage is no POP's failure: the last counts stay).
func (h *FleetHealth) refresh() {
	if c, ok := h.m.(interface{ Connected() bool }); ok && !c.Connected() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	pops := map[string]int{}
	for _, m := range h.m.Members() {
		pops[m.POP]++
	}
	h.pops.Store(&pops)
}

// Healthy reports whether pop has a live member.
func (h *FleetHealth) Healthy(pop string) bool { return h.Members(pop) > 0 }

// Members is the POP's live members.
func (h *FleetHealth) Members(pop string) int { return (*h.pops.Load())[pop] }

var fleetMembersDesc = prometheus.NewDesc("streamedge_routing_fleet_members",
	"Live edges of the POP in the fleet state (a POP with none gets no viewers).", []string{"pop"}, nil)

// Describe and Collect make it a Prometheus collector of
// streamedge_routing_fleet_members{pop} (POPs with a live edge).
func (h *FleetHealth) Describe(ch chan<- *prometheus.Desc) { ch <- fleetMembersDesc }

func (h *FleetHealth) Collect(ch chan<- prometheus.Metric) {
	for pop, n := range *h.pops.Load() {
		ch <- prometheus.MustNewConstMetric(fleetMembersDesc, prometheus.GaugeValue, float64(n), pop)
	}
}
