package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/streamedge/streamedge/fleet"
	"github.com/streamedge/streamedge/invalidation"
)

// Fleet state on NATS (-fleet nats://..., -fleet-embedded ADDR): this edge
// joins the fleet's membership, hands each invalidation it creates to the
// fleet and applies everyone else's, and, with -config, follows the fleet's
// configuration versions through the reload path. Off by default: without
// the flags nothing here runs.

// fleetWiring is the app's link to the fleet; it is the invalidation API's
// Progress (set before the node opens: no request is served before).
type fleetWiring struct {
	emb  *fleet.Embedded // -fleet-embedded; nil otherwise
	dir  string          // the embedded server's temporary JetStream store
	node *fleet.Node
}

func (c *config) fleetOn() bool { return c.Fleet != "" || c.FleetEmbedded != "" }

// newFleetWiring starts the embedded server if asked; the node opens in
// openFleet, once the Set and the handler exist.
func (a *app) newFleetWiring() error {
	if !a.cfg.fleetOn() {
		return nil
	}
	w := &fleetWiring{}
	if a.cfg.FleetEmbedded != "" {
		dir, err := os.MkdirTemp("", "streamedge-fleet-")
		if err != nil {
			return fmt.Errorf("-fleet-embedded: %w", err)
		}
		w.dir = dir
		if w.emb, err = fleet.StartEmbedded(a.cfg.FleetEmbedded, dir); err != nil {
			_ = os.RemoveAll(dir)
			return fmt.Errorf("-fleet-embedded: %w", err)
		}
		a.log.Info("embedded NATS server for the fleet", "url", w.emb.URL())
	}
	a.fleet = w
	return nil
}

// openFleet joins the fleet: membership, invalidations into set, and the
// configuration versions when serving -config.
func (a *app) openFleet(set *invalidation.Set) error {
	w := a.fleet
	if w == nil {
		return nil
	}
	url := a.cfg.Fleet
	if url == "" {
		url = w.emb.URL()
	}
	m, err := fleet.NewMetrics(a.reg)
	if err != nil {
		return err
	}
	cfg := fleet.Config{URL: url, Invalidations: set, Metrics: m, Logger: a.log,
		Self: fleet.Member{ID: a.cdnID, Edge: httpURL(a.edgeAddr()), Admin: httpURL(a.adminAddr()), POP: a.cfg.FleetPOP,
			Version: version, Started: time.Now().UTC()}}
	if a.dist != nil {
		cfg.Reload = func(v uint64, yaml []byte) error {
			return a.dist.reloadFrom(fmt.Sprintf("fleet configuration version %d", v), yaml)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if w.node, err = fleet.Open(ctx, cfg); err != nil {
		return fmt.Errorf("-fleet %s: %w", url, err)
	}
	return nil
}

func httpURL(addr string) string {
	if addr == "" {
		return ""
	}
	return "http://" + addr
}

// Created and Status make the wiring the API's invalidation.Progress.
func (w *fleetWiring) Created(inv invalidation.Invalidation) {
	if w.node != nil {
		w.node.Created(inv)
	}
}

func (w *fleetWiring) Status(ctx context.Context, inv invalidation.Invalidation) string {
	if w.node == nil {
		return invalidation.StatusCompleted
	}
	return w.node.Status(ctx, inv)
}

// ready is /readyz's fleet check: the retained invalidations are applied.
func (w *fleetWiring) ready() bool { return w == nil || w.node == nil || w.node.Ready() }

// progress is the Progress for the invalidation API: nil with no fleet.
func (a *app) progress() invalidation.Progress {
	if a.fleet == nil {
		return nil
	}
	return a.fleet
}

func (w *fleetWiring) close() {
	if w == nil {
		return
	}
	if w.node != nil {
		w.node.Close()
	}
	if w.emb != nil {
		w.emb.Close()
		_ = os.RemoveAll(w.dir)
	}
}
