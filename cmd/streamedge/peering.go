package main

import (
	"errors"
	"fmt"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/peering"
)

// Peering inside a POP in flag mode (-peers or -peer-dns, -peer-self,
// -peer-hot): the one -origin is wrapped by the pool (package peering).
// With -config the file's peering section does the same per route.

// peeringConfig is the pool's config from the flags (Self.ID empty
// without peering).
func (c *config) peeringConfig() (cfg peering.Config, err error) {
	if c.Peers == "" && c.PeerDNS == "" {
		if c.PeerSelf != "" {
			return cfg, errors.New("-peer-self needs -peers or -peer-dns")
		}
		return cfg, nil
	}
	if c.Peers != "" && c.PeerDNS != "" {
		return cfg, errors.New("-peers and -peer-dns: choose one source of members")
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
	cfg, err := a.cfg.peeringConfig()
	if err != nil || cfg.Self.ID == "" {
		return next, err
	}
	if cfg.Metrics, err = peering.NewMetrics(a.reg); err != nil {
		return nil, err
	}
	if a.pool, err = peering.NewPool(cfg); err != nil {
		return nil, fmt.Errorf("peering: %w", err)
	}
	return a.pool.Wrap(next), nil
}
