package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	edgeconf "github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/fleet"
	"github.com/streamedge/streamedge/peering"
)

// Peering inside a POP in flag mode (-peers or -peer-dns, -peer-self,
// -peer-hot): the one -origin is wrapped by the pool (package peering).
// With -config the file's peering section does the same per route.

// peeringConfig is the pool's config from the flags (Self.ID empty
// without peering).
func (c *config) peeringConfig(edgeURL string) (cfg peering.Config, err error) {
	sources := 0
	for _, on := range []bool{c.Peers != "", c.PeerDNS != "", c.PeerFleet} {
		if on {
			sources++
		}
	}
	switch {
	case sources == 0 && c.PeerSelf != "":
		return cfg, errors.New("-peer-self needs -peers or -peer-dns (or -peer-fleet)")
	case sources == 0:
		return cfg, nil
	case sources > 1:
		return cfg, errors.New("-peers, -peer-dns, -peer-fleet: choose one source of members")
	}
	if c.PeerFleet {
		return c.peerFleetConfig(edgeURL)
	}
	if cfg.Self, err = peering.ParseMember(c.PeerSelf); err != nil {
		return cfg, fmt.Errorf("-peer-self (required with -peers or -peer-dns): %w", err)
	}
	if cfg.Hot, err = peering.ParseHot(c.PeerHot); err != nil {
		return cfg, fmt.Errorf("-peer-hot: %w", err)
	}
	if c.PeerDNS != "" {
		cfg.Resolver = c.peerResolver
		if cfg.DNS, cfg.DNSPort, err = peering.ParseDNS(c.PeerDNS); err != nil {
			return cfg, fmt.Errorf("-peer-dns: %w", err)
		}
		return cfg, nil
	}
	if cfg.Members, err = peering.ParseMembers(c.Peers); err != nil {
		return cfg, fmt.Errorf("-peers: %w", err)
	}
	for _, m := range cfg.Members {
		if m.ID == cfg.Self.ID {
			return cfg, nil
		}
	}
	return cfg, fmt.Errorf("-peer-self %s is not in -peers: every member must rank the same list", cfg.Self.ID)
}

// wirePeering wraps the flag-mode origin when peering is on.
func (a *app) wirePeering(next edge.Origin) (edge.Origin, error) {
	cfg, err := a.cfg.peeringConfig(httpURL(a.edgeAddr()))
	if err != nil || cfg.Self.ID == "" {
		return next, err
	}
	if a.cfg.PeerFleet {
		a.fleetPeers, a.peerSelf = &fleetPeers{}, a.cfg.PeerSelf
		cfg.Source = a.fleetPeers
	}
	if t := a.cfg.peerTimeout; t > 0 {
		cfg.ProbeTimeout, cfg.Peer.DialTimeout = t, t
	}
	if cfg.Metrics, err = peering.NewMetrics(a.reg); err != nil {
		return nil, err
	}
	if a.pool, err = peering.NewPool(cfg); err != nil {
		return nil, fmt.Errorf("peering: %w", err)
	}
	return a.pool.Wrap(next), nil
}

// peerFleetConfig is -peer-fleet's pool: self is -peer-self or the edge
// URL (what this edge advertises in the fleet, fleetEdgeURL); the members
// come from the fleet once it is joined (fleetPeers). edgeURL is "" when
// only the flags are checked.
func (c *config) peerFleetConfig(edgeURL string) (cfg peering.Config, err error) {
	if c.Fleet == "" && c.FleetEmbedded == "" {
		return cfg, errors.New("-peer-fleet needs -fleet or -fleet-embedded")
	}
	if cfg.Hot, err = peering.ParseHot(c.PeerHot); err != nil {
		return cfg, fmt.Errorf("-peer-hot: %w", err)
	}
	self := cmp.Or(c.PeerSelf, edgeURL)
	if self == "" {
		return cfg, nil
	}
	if cfg.Self, err = peering.ParseMember(self); err != nil {
		return cfg, fmt.Errorf("-peer-self: %w", err)
	}
	return cfg, nil
}

// fleetPeers is -peer-fleet's member source: the fleet's live members of
// this edge's POP but itself (fleet.EdgesOf). Pools that follow it before
// the fleet is joined wait (at most the few built at start) and are fed
// once openFleet has the node.
type fleetPeers struct {
	mu       sync.Mutex
	m        fleet.Membership // nil until the fleet is joined
	pop, ids string
	waiting  []fleetFollower
}

type fleetFollower struct {
	ctx context.Context
	set func([]peering.Member)
}

// Follow feeds set from the fleet, now or once it is joined.
func (f *fleetPeers) Follow(ctx context.Context, set func([]peering.Member)) {
	f.mu.Lock()
	joined := f.m != nil
	if !joined {
		f.waiting = append(f.waiting, fleetFollower{ctx, set})
	}
	f.mu.Unlock()
	if joined {
		f.follow(ctx, set)
	}
}

func (f *fleetPeers) follow(ctx context.Context, set func([]peering.Member)) {
	update := func(ms []fleet.Member) {
		if c, ok := f.m.(interface{ Connected() bool }); ok && !c.Connected() {
			return // a NATS outage is not everyone gone: the pool keeps its members
		}
		set(peering.MembersOf(fleet.EdgesOf(ms, f.pop, f.ids)))
	}
	f.m.Watch(ctx, update)
	update(f.m.Members())
}

// open starts feeding the pools from the joined fleet; self is this
// edge's fleet ID.
func (f *fleetPeers) open(m fleet.Membership, pop, self string) {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.m, f.pop, f.ids = m, pop, self
	waiting := f.waiting
	f.waiting = nil
	f.mu.Unlock()
	for _, w := range waiting {
		if w.ctx.Err() == nil {
			f.follow(w.ctx, w.set)
		}
	}
}

// fleetEdgeURL is the edge URL this edge advertises in the fleet: its
// peering self under -peer-fleet or a fleet: true peering section (read at
// start), so every member ranks the same IDs.
func (a *app) fleetEdgeURL() string {
	return cmp.Or(a.peerSelf, httpURL(a.edgeAddr()))
}

// fileFleetPeers is, with -config, the fleet member source for a peering
// section with fleet: true and the URL this edge advertises (the section's
// self at start, else the listen address); nil without the fleet state
// (the distribution then refuses such a section).
func (a *app) fileFleetPeers() (peering.Source, string, error) {
	f, err := edgeconf.Load(a.cfg.ConfigFile)
	if err != nil {
		return nil, "", fmt.Errorf("-config: %w", err)
	}
	if f.Peering != nil && f.Peering.Fleet {
		a.peerSelf = f.Peering.Self
	}
	if a.cfg.Fleet == "" && a.cfg.FleetEmbedded == "" && (f.Fleet == nil || f.Fleet.URL == "") {
		return nil, a.fleetEdgeURL(), nil
	}
	a.fleetPeers = &fleetPeers{}
	return a.fleetPeers, a.fleetEdgeURL(), nil
}
