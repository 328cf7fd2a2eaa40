package distribution

import (
	"errors"
	"fmt"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/peering"
)

// buildPeering starts the peering section's pool (package peering): every
// route's origin is then wrapped, so a fill goes to the key's owner in the
// POP or, on the owner, to the route's origin. The pool's probes run until
// the distribution is closed (a reload starts the new one's).
func (d *Distribution) buildPeering(f *config.File, opt Options) error {
	if f.Peering == nil {
		return nil
	}
	cfg, err := f.Peering.PoolConfig()
	if err != nil {
		return fmt.Errorf("peering: %w", err)
	}
	cfg.Metrics, cfg.Resolver = opt.PeerMetrics, opt.PeerResolver
	if f.Peering.Fleet {
		if err := fleetPeering(&cfg, opt); err != nil {
			return fmt.Errorf("peering: %w", err)
		}
	}
	if d.pool, err = peering.NewPool(cfg); err != nil {
		return fmt.Errorf("peering: %w", err)
	}
	return nil
}

// peered is a route's origin: the real one, or it wrapped by the pool. A
// signed behavior is not peered: the owner would refuse a fill without the
// viewer's signature, which never leaves the edge that checked it. Nor is
// an HTTPS-only one (https-only, redirect-to-https) while the members talk
// plain HTTP: the owner would answer 403 or 301.
func (d *Distribution) peered(o edge.Origin, signed *edge.Signing, viewerProtocol string) edge.Origin {
	httpsOnly := viewerProtocol == edge.ViewerHTTPSOnly || viewerProtocol == edge.ViewerRedirectToHTTPS
	if d.pool == nil || signed != nil || httpsOnly && d.pool.Self().URL.Scheme != "https" {
		return o
	}
	return d.pool.Wrap(o)
}

// fleetPeering makes a fleet: true section's pool follow the fleet: its
// self is the URL the fleet advertises for this edge (a section's self
// must be it: the members rank the advertised URLs).
func fleetPeering(cfg *peering.Config, opt Options) error {
	if opt.PeerFleet == nil {
		return errors.New("fleet: true needs the fleet state (-fleet, -fleet-embedded or a fleet section)")
	}
	self, err := peering.ParseMember(opt.PeerSelf)
	if err != nil {
		return fmt.Errorf("fleet: this edge's advertised URL: %w", err)
	}
	if cfg.Self.ID != "" && cfg.Self.ID != self.ID {
		return fmt.Errorf("self %s: the fleet advertises this edge as %s (read at start: restart to change it)", cfg.Self.ID, self.ID)
	}
	cfg.Self, cfg.Source = self, opt.PeerFleet
	return nil
}
