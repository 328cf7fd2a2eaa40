package main

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	edgeconf "github.com/streamedge/streamedge/config"
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
	sec  edgeconf.Fleet  // the -config file's fleet section (zero without one)
	node *fleet.Node
}

// newFleetWiring starts the embedded server if asked; the node opens in
// openFleet, once the Set and the handler exist. Without -fleet,
// -fleet-embedded or a fleet section nothing happens.
func (a *app) newFleetWiring() error {
	sec, err := a.fleetSection()
	if err != nil {
		return err
	}
	if a.cfg.Fleet == "" && a.cfg.FleetEmbedded == "" && sec == nil {
		return nil
	}
	w := &fleetWiring{}
	if sec != nil {
		w.sec = *sec
	}
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
	url, pop := cmp.Or(a.cfg.Fleet, w.sec.URL), cmp.Or(a.cfg.FleetPOP, w.sec.POP) // the flags win
	if url == "" {
		url = w.emb.URL()
	}
	m, err := fleet.NewMetrics(a.reg)
	if err != nil {
		return err
	}
	cfg := fleet.Config{URL: url, Invalidations: set, Metrics: m, Logger: a.log,
		Self: fleet.Member{ID: a.cdnID, Edge: a.fleetEdgeURL(), Admin: httpURL(a.adminAddr()), POP: pop,
			Version: version, Started: time.Now().UTC()},
		Heartbeat: w.sec.Heartbeat.D(), TTL: w.sec.TTL.D(), Timeout: w.sec.Timeout.D(), Retention: w.sec.Retention.D(),
		MaxMessages: int64(w.sec.MaxInvalidations), Replicas: int(w.sec.Replicas)}
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
	a.fleetPeers.open(w.node, pop, a.cdnID) // peering.go
	return nil
}

// fleetSection is the -config file's fleet section (nil in flag mode or
// without one); read at start only, like the invalidation section.
func (a *app) fleetSection() (*edgeconf.Fleet, error) {
	if a.cfg.ConfigFile == "" {
		return nil, nil
	}
	f, err := edgeconf.Load(a.cfg.ConfigFile)
	if err != nil {
		return nil, fmt.Errorf("-config: %w", err)
	}
	return f.Fleet, nil
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

// mount serves /fleet on the admin mux: GET the view (members, versions),
// PUT a configuration version for the whole fleet, from loopback peers only
// (like /invalidations: it needs no keys).
func (w *fleetWiring) mount(mux *http.ServeMux) {
	if w == nil {
		return
	}
	mux.HandleFunc("/fleet", func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && !loopbackPeer(r.RemoteAddr) {
			http.Error(rw, "only loopback clients may publish a fleet configuration", http.StatusForbidden)
			return
		}
		w.node.ServeHTTP(rw, r)
	})
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
