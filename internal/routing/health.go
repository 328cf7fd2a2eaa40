package routing

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Health tells whether a POP should receive viewers. The Prober implements
// it from /readyz probes; the fleet state (membership on NATS) can too: a
// POP with no live edge is not healthy.
type Health interface {
	Healthy(pop string) bool
}

// AllOf is healthy where every source is: a POP answering /readyz but with
// no live member in the fleet state gets no viewers, nor does the reverse.
func AllOf(hs ...Health) Health { return allOf(hs) }

type allOf []Health

func (a allOf) Healthy(pop string) bool {
	for _, h := range a {
		if !h.Healthy(pop) {
			return false
		}
	}
	return true
}

// Prober probes each POP's readyz URL every interval, at most concurrency
// at a time, each probe bounded by timeout. A POP goes down after fall
// failures in a row and back up after rise successes; the first probe
// decides directly.
type Prober struct {
	cfg    Probe
	pops   []POP
	client *http.Client
	m      *metrics

	mu    sync.Mutex
	state map[string]*popState
	ranks []int  // POP index → place by measured RTT (unmeasured last, by name)
	gen   uint64 // incremented when ranks change
}

type popState struct {
	known, up  bool
	oks, fails int
	rtt        time.Duration // EWMA of the successful probes' times; 0: none yet
}

// rttWeight is the EWMA weight of the newest probe: about the last 4
// probes count.
const rttWeight = 0.25

// RTT is the POP's measured round-trip time (an EWMA of its successful
// /readyz probes), false before the first success.
func (p *Prober) RTT(pop string) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.state[pop]
	if !ok || s.rtt == 0 {
		return 0, false
	}
	return s.rtt, true
}

// newProber probes c's POPs; m may be nil (no metrics).
func newProber(c *Config, m *metrics) *Prober {
	p := &Prober{cfg: c.Probe, m: m, state: map[string]*popState{},
		client: &http.Client{
			Transport:     &http.Transport{MaxIdleConnsPerHost: 1, IdleConnTimeout: 3 * c.Probe.Interval, DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	for _, name := range c.popNames() {
		p.pops = append(p.pops, c.POPs[name])
		p.state[name] = &popState{}
	}
	return p
}

// Healthy reports the POP's probed state (false before the first probe).
func (p *Prober) Healthy(pop string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.state[pop]
	return ok && s.up
}

// Run probes every interval until ctx ends; it returns after the last
// round's probes have.
func (p *Prober) Run(ctx context.Context) {
	t := time.NewTicker(p.cfg.Interval)
	defer t.Stop()
	defer p.client.CloseIdleConnections()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.Round(ctx)
		}
	}
}

// Round probes every POP once and returns when all probes have ended.
func (p *Prober) Round(ctx context.Context) {
	var g errgroup.Group
	g.SetLimit(p.cfg.Concurrency)
	for _, pop := range p.pops {
		g.Go(func() error {
			start := time.Now()
			err := p.probe(ctx, pop.Readyz)
			p.record(pop.Name, err, time.Since(start))
			return nil
		})
	}
	_ = g.Wait()
	p.rerank()
}

var errNotReady = errors.New("not ready")

func (p *Prober) probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errNotReady
	}
	return nil
}

func (p *Prober) record(pop string, err error, took time.Duration) {
	p.mu.Lock()
	s := p.state[pop]
	if err == nil {
		took = max(took, time.Nanosecond)
		if s.rtt == 0 {
			s.rtt = took
		} else {
			s.rtt += time.Duration(rttWeight * float64(took-s.rtt))
		}
		s.oks, s.fails = s.oks+1, 0
		if !s.known || s.oks >= p.cfg.Rise {
			s.up = true
		}
	} else {
		s.oks, s.fails = 0, s.fails+1
		if !s.known || s.fails >= p.cfg.Fall {
			s.up = false
		}
	}
	s.known = true
	up, rtt := s.up, s.rtt
	p.mu.Unlock()
	p.m.probed(pop, err, took, up, rtt)
}
