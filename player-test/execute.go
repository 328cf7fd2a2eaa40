package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/streamedge/streamedge/player-test/sim"
)

// result is everything a run reports (the -json file).
type result struct {
	URL string `json:"url"`
	sim.Report
	OriginRequests *int64   `json:"origin_requests,omitempty"`
	OriginOffload  *float64 `json:"origin_offload,omitempty"` // share of player requests the origin was spared: 1 − origin ÷ player
}

// execute runs the players with a progress line and gathers origin stats.
func execute(ctx context.Context, o runOpts, stderr io.Writer) (result, error) {
	client := sim.NewHTTPClient(o.players, o.http2) // also the origin probe's (plain HTTP)
	players := client
	if o.http3 {
		players = sim.NewHTTP3Client(nil)
	}
	var probe *originProbe
	var before int64
	if o.originStats != "" {
		probe = &originProbe{client: client, statsURL: o.originStats}
		var err error
		if before, err = probe.start(ctx, o.resetOrigin); err != nil {
			return result{}, err
		}
	}
	m := sim.NewMetrics()
	stop := startProgress(ctx, m, o, stderr)
	rep, err := sim.Run(ctx, sim.Config{URL: o.url, Players: o.players, Duration: o.duration,
		Ramp: o.ramp, Client: players, Player: o.player, Metrics: m})
	stop()
	if err != nil {
		return result{}, fmt.Errorf("run: %w", err)
	}
	res := result{URL: o.url, Report: rep}
	if probe != nil {
		if err := res.addOrigin(context.WithoutCancel(ctx), probe, before); err != nil {
			return result{}, err
		}
	}
	return res, nil
}

func (r *result) addOrigin(ctx context.Context, p *originProbe, before int64) error {
	after, err := p.requests(ctx)
	if err != nil {
		return err
	}
	n := after - before
	r.OriginRequests = &n
	if r.Requests > 0 {
		offload := max(0, 1-float64(n)/float64(r.Requests))
		r.OriginOffload = &offload
	}
	return nil
}

// startProgress prints a progress line each second until the returned
// function is called.
func startProgress(ctx context.Context, m *sim.Metrics, o runOpts, w io.Writer) func() {
	if o.quiet {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { progressLoop(ctx, m, o.players, w) })
	return func() {
		cancel()
		wg.Wait()
	}
}
