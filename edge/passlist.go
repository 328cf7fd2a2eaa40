package edge

import (
	"sync"
	"sync/atomic"
	"time"
)

// passList remembers, for a short while, keys whose responses must not be
// shared, so that later requests neither queue behind a fill nor share one.
// It is bounded: at capacity an arbitrary entry (expired ones first) is dropped.
type passList struct {
	mu   sync.Mutex
	keys map[string]time.Time
	n    atomic.Int64 // len(keys): has answers an empty list without the lock every request would take
	max  int
	ttl  time.Duration
	now  func() time.Time
}

func newPassList(max int, ttl time.Duration, now func() time.Time) *passList {
	return &passList{keys: make(map[string]time.Time), max: max, ttl: ttl, now: now}
}

func (p *passList) add(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.keys) >= p.max {
		p.evict()
	}
	p.keys[key] = p.now().Add(p.ttl)
	p.n.Store(int64(len(p.keys)))
}

// evict drops expired keys, or one arbitrary key when none expired.
func (p *passList) evict() {
	now := p.now()
	for k, until := range p.keys {
		if now.After(until) {
			delete(p.keys, k)
		}
	}
	if len(p.keys) < p.max {
		return
	}
	for k := range p.keys {
		delete(p.keys, k)
		return
	}
}

func (p *passList) has(key string) bool {
	if p.n.Load() == 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	until, ok := p.keys[key]
	if ok && p.now().After(until) {
		delete(p.keys, key)
		p.n.Store(int64(len(p.keys)))
		return false
	}
	return ok
}

func (p *passList) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.keys)
}
