package main

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
)

// players is the simulated audience: Players split evenly over the edges,
// each group preferring its edge and failing over to the other edges of
// its POP (sim.Failover) on a refused connection or a cut body, as a player
// behind DNS round-robin or a Kubernetes Service does.
type players struct {
	m         *sim.Metrics
	failovers []*sim.Failover
	start     time.Time
}

func (ps *players) retries() int64 {
	var n int64
	for _, f := range ps.failovers {
		n += f.Retries()
	}
	return n
}

// run plays (into ps.m, set by the caller) until o.Duration has passed (or ctx ends) and returns the
// errors the groups' sim.Run returned (a bad URL, an unreachable first
// playlist).
func (ps *players) run(ctx context.Context, f *fleet) error {
	n := len(f.edges)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for i, e := range f.edges {
		count := f.o.Players / n
		if i < f.o.Players%n {
			count++
		}
		hosts := []string{edgeHost(e)}
		for _, o := range f.edges {
			if o.POP == e.POP && o.Name != e.Name {
				hosts = append(hosts, edgeHost(o))
			}
		}
		base := sim.NewHTTPClient(count, false)
		fo := &sim.Failover{Base: base.Transport, Hosts: hosts, Hold: 3 * time.Second, MaxBody: 16 << 20}
		ps.failovers = append(ps.failovers, fo)
		cfg := sim.Config{URL: "http://" + edgeHost(e) + f.o.Stream, Players: count, Duration: f.o.Duration,
			Ramp: min(10*time.Second, f.o.Duration/6), Metrics: ps.m,
			Client: &http.Client{Transport: fo, Timeout: 20 * time.Second},
			Player: sim.PlayerConfig{Validate: true}}
		wg.Go(func() {
			if _, err := sim.Run(ctx, cfg); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
