package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
)

// result is the run's figures (the JSON written by -json).
type result struct {
	Players      int           `json:"players"`
	DurationS    float64       `json:"duration_s"`
	Latency      string        `json:"latency"`
	OriginLatMS  float64       `json:"origin_latency_ms"`
	Invalidated  string        `json:"invalidated"`
	LoadAvg      [2]string     `json:"loadavg_start_end"` // /proc/loadavg: the machine is shared
	Shield       string        `json:"shield"`
	PeerHot      string        `json:"peering_hot"` // off: the edges do not peer
	SegmentS     float64       `json:"segment_duration_s"`
	KilledEdge   string        `json:"killed_edge"`
	Phases       []phase       `json:"phases"`
	Invalidation []invalResult `json:"invalidation"`
	Fleet        *fleetInval   `json:"fleet_invalidation,omitempty"` // -invalidate fleet
	Report       any           `json:"players_report"`
	// EdgeFailovers is each live edge's streamedge_origin_failovers_total
	// off the shield at the end.
	EdgeFailovers map[string]float64 `json:"edge_failovers_off_shield"`
	Failures      []string           `json:"failures"`
}

func innerMain(o options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logDir, keep := o.LogDir, o.LogDir != ""
	if !keep {
		d, err := os.MkdirTemp("", "streamedge-fleet-")
		if err != nil {
			fmt.Fprintf(stderr, "test-fleet: %v\n", err)
			return 1
		}
		logDir = d
	} else if err := os.MkdirAll(logDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	f, err := newFleet(o, logDir)
	if err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	defer f.stopAll()
	res, err := f.run(ctx)
	if err == nil && len(res.Failures) == 0 {
		if !keep {
			os.RemoveAll(logDir)
		}
	} else {
		fmt.Fprintf(stderr, "test-fleet: logs kept in %s\n", logDir)
	}
	if err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	printResult(os.Stdout, res)
	if o.JSON != "" {
		if err := writeJSON(o.JSON, res); err != nil {
			fmt.Fprintf(stderr, "test-fleet: %v\n", err)
			return 1
		}
	}
	if len(res.Failures) > 0 {
		return 1
	}
	return 0
}

// run starts the fleet, plays, fires the events at 25%, 50% and 70% of the
// run and computes the figures.
func (f *fleet) run(ctx context.Context) (*result, error) {
	if err := f.start(ctx); err != nil {
		return nil, err
	}
	res := &result{Players: f.o.Players, DurationS: f.o.Duration.Seconds(), Latency: f.o.latencyIs, Shield: f.o.Shield, PeerHot: f.o.PeerHot,
		OriginLatMS: ms(f.o.OriginLat)}
	if f.tiers.note != "" {
		res.Latency += "; tier links: " + f.tiers.note
	}
	segDur, err := f.segmentDuration(ctx)
	if err != nil {
		return nil, err
	}
	res.SegmentS = segDur.Seconds()
	res.LoadAvg[0] = loadavg()
	if err := f.resetOrigin(ctx); err != nil {
		return nil, err
	}
	ps := &players{m: sim.NewMetrics(), start: time.Now()}
	playErr := make(chan error, 1)
	marks := make(chan mark, 8)
	go func() { playErr <- ps.run(ctx, f) }()
	evErr := make(chan error, 1)
	go func() { evErr <- f.events(ctx, ps, res, marks) }()
	err = <-playErr
	if e := <-evErr; err == nil {
		err = e
	}
	if err != nil {
		return nil, err
	}
	end, err := f.mark(ctx, ps)
	if err != nil {
		return nil, err
	}
	res.EdgeFailovers = map[string]float64{}
	for _, e := range f.edges {
		if f.alive(e) {
			if res.EdgeFailovers[e.Name], err = f.groupFailovers(ctx, e); err != nil {
				return nil, err
			}
		}
	}
	close(marks)
	var ms []mark
	for m := range marks {
		ms = append(ms, m)
	}
	ms = append(ms, end)
	names := []string{fmt.Sprintf("steady (%d edges, %s shield up)", len(f.edges), f.o.Shield), "edge " + res.KilledEdge + " killed", "invalidating /live/* (probes, refetches)", "after the invalidation", "shield killed (edges → origin)"}
	for i := 0; i+1 < len(ms) && i < len(names); i++ {
		res.Phases = append(res.Phases, between(names[i], ms[i], ms[i+1], segDur))
	}
	res.LoadAvg[1] = loadavg()
	res.Report = ps.m.Report(time.Since(ps.start), f.o.Players)
	res.Failures = check(res, ps, f)
	return res, nil
}

// events kills an edge at 25%, invalidates at 50% and kills the shield at
// 70% of the run, sending a mark at the start and before each event.
func (f *fleet) events(ctx context.Context, ps *players, res *result, marks chan<- mark) error {
	at := func(frac float64) error {
		t := time.Until(ps.start.Add(time.Duration(frac * float64(f.o.Duration))))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(t):
		}
		m, err := f.mark(ctx, ps)
		if err != nil {
			return err
		}
		marks <- m
		return nil
	}
	if err := at(0); err != nil {
		return err
	}
	victim := f.edges[0]
	if err := at(0.25); err != nil {
		return err
	}
	res.KilledEdge = victim.Name
	f.kill(victim)
	fmt.Fprintf(stderr, "test-fleet: t=%.0fs killed edge %s\n", time.Since(ps.start).Seconds(), victim.Name)
	if err := at(0.5); err != nil {
		return err
	}
	var live []node
	for _, e := range f.edges {
		if f.alive(e) {
			live = append(live, e)
		}
	}
	inv, err := f.invalidateAll(ctx, live)
	res.Invalidation, res.Invalidated, res.Fleet = inv, f.invalidated(len(live)), f.fleetInv
	if err != nil {
		return fmt.Errorf("invalidation: %w", err)
	}
	fmt.Fprintf(stderr, "test-fleet: t=%.0fs invalidated /live/* on %s\n", time.Since(ps.start).Seconds(), f.invalidated(len(live)))
	select { // the invalidation's refetches (one segment's worth) stay in their own phase
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(2 * time.Second):
	}
	m, err := f.mark(ctx, ps)
	if err != nil {
		return err
	}
	marks <- m
	if err := at(0.7); err != nil {
		return err
	}
	f.killShield()
	fmt.Fprintf(stderr, "test-fleet: t=%.0fs killed the shield\n", time.Since(ps.start).Seconds())
	return nil
}

func (f *fleet) mark(ctx context.Context, ps *players) (mark, error) {
	st, err := f.originStats(ctx)
	if err != nil {
		return mark{}, err
	}
	return mark{at: time.Now(), origin: st, players: ps.m.Snapshot(), retries: ps.retries()}, nil
}

func (f *fleet) resetOrigin(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.originURL()+"/_reset", nil)
	if err != nil {
		return err
	}
	resp, err := f.probe.Do(req)
	if err != nil {
		return fmt.Errorf("origin reset: %w", err)
	}
	resp.Body.Close()
	return nil
}

var extinf = regexp.MustCompile(`#EXTINF:([0-9.]+)`)

// segmentDuration reads the stream's segment duration from the origin's
// first media playlist (before the origin's counters are reset).
func (f *fleet) segmentDuration(ctx context.Context) (time.Duration, error) {
	master := f.originURL() + f.o.Stream
	_, body, err := f.get(ctx, master)
	if err != nil {
		return 0, err
	}
	media, err := firstURI(master, body)
	if err != nil {
		return 0, err
	}
	_, body, err = f.get(ctx, f.originURL()+media)
	if err != nil {
		return 0, err
	}
	m := extinf.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("%s: no #EXTINF", media)
	}
	s, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, err
	}
	return time.Duration(s * float64(time.Second)), nil
}

// loadavg is /proc/loadavg's first three fields ("" when unreadable).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// invalidated says which nodes an invalidation covers.
func (f *fleet) invalidated(edges int) string {
	if f.onNATS() {
		return fmt.Sprintf("%d edges, once through one edge's CloudFront API, carried by the fleet on NATS (%d members)", edges, f.fleetSize(edges))
	}
	if f.o.Shield == "streamedge" {
		return fmt.Sprintf("the shield and %d edges, all at once", edges)
	}
	return fmt.Sprintf("%d edges, all at once (the %s shield keeps its copies)", edges, f.o.Shield)
}
