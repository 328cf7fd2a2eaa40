package routing

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// MaxCachedAnswers bounds the answer cache: (region, healthy POP set) →
// answer. It is emptied when full (a health change makes new keys).
const MaxCachedAnswers = 4096

// Reasons of a decision (the metric's reason label).
const (
	ReasonNearest      = "nearest"       // the region's nearest POP is healthy
	ReasonFailover     = "failover"      // a nearer POP is unhealthy
	ReasonAllUnhealthy = "all_unhealthy" // none healthy: fail open to the nearest
)

// Router picks a POP for a client address.
type Router struct {
	cfg    *Config
	t      *table
	health Health
	prober *Prober
	m      *metrics

	mu       sync.Mutex
	cache    map[answerKey]*Decision
	maxCache int    // MaxCachedAnswers
	rttGen   uint64 // the ranking the cached answers used
	viewers  viewerRTT
}

// Decision is where a client goes.
type Decision struct {
	POP    *POP
	Reason string
}

type answerKey struct {
	region  int
	healthy uint64 // bit i: pop i healthy
	need    need
	rttGen  uint64 // the Prober's RTT ranking the answer used
}

// need is what the answer must carry: a POP without it is skipped.
type need uint8

const (
	needURL need = iota
	needA
	needAAAA
)

func (n need) has(p *POP) bool {
	switch n {
	case needA:
		return len(p.A) > 0
	case needAAAA:
		return len(p.AAAA) > 0
	}
	return p.URL != ""
}

// New makes a router for c. Its Prober probes c's POPs' readyz URLs;
// extra health sources (the fleet state) are combined with it by AllOf.
// reg may be nil.
func New(c *Config, reg prometheus.Registerer, extra ...Health) (*Router, error) {
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	r := &Router{cfg: c, t: newTable(c), m: m, cache: map[answerKey]*Decision{}, maxCache: MaxCachedAnswers}
	r.prober = newProber(c, m)
	r.health = AllOf(append([]Health{r.prober}, extra...)...)
	return r, nil
}

// Prober is the router's /readyz prober.
func (r *Router) Prober() *Prober { return r.prober }

// Start probes once (so the first answers know the POPs' health), then
// keeps probing until ctx ends; the returned func waits for that.
func (r *Router) Start(ctx context.Context) (wait func()) {
	r.prober.Round(ctx)
	done := make(chan struct{})
	go func() { defer close(done); r.prober.Run(ctx) }()
	return func() { <-done }
}

// pick is the POP for client, among those with what n needs, or nil if
// none has it.
func (r *Router) pick(client netip.Addr, n need) *Decision {
	region := r.t.region(client)
	key := answerKey{region: region, need: n}
	for i := range r.t.pops {
		if r.health.Healthy(r.t.pops[i].Name) {
			key.healthy |= 1 << i
		}
	}
	gen, ranks := r.prober.ranking()
	vgen, reported := r.viewers.reported(region)
	gen += vgen // both only grow
	key.rttGen = gen
	r.mu.Lock()
	if gen > r.rttGen { // the answers of the older ranking are no use
		clear(r.cache)
		r.rttGen = gen
	}
	d, ok := r.cache[key]
	r.mu.Unlock()
	if !ok {
		d = r.decide(key, ranks, reported)
		r.mu.Lock()
		if len(r.cache) >= r.maxCache {
			clear(r.cache)
		}
		r.cache[key] = d
		r.mu.Unlock()
	}
	return d
}

func (r *Router) decide(k answerKey, ranks []int, reported []time.Duration) *Decision {
	var first *POP
	for _, i := range r.orderOf(k.region, ranks, reported) {
		p := &r.t.pops[i]
		if !k.need.has(p) {
			continue
		}
		if k.healthy&(1<<i) != 0 {
			reason := ReasonNearest
			if first != nil { // a nearer POP is unhealthy
				reason = ReasonFailover
			}
			return &Decision{POP: p, Reason: reason}
		}
		if first == nil {
			first = p
		}
	}
	if first == nil {
		return nil
	}
	return &Decision{POP: first, Reason: ReasonAllUnhealthy}
}

func (r *Router) decided(d *Decision, via string) {
	r.m.decisions.WithLabelValues(d.POP.Name, via, d.Reason).Inc()
}
