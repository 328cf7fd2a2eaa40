package coalesce

import (
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// Group holds the fills in flight, one per key.
type Group struct {
	sf        singleflight.Group
	mu        sync.Mutex
	fills     map[string]*Fill
	followers atomic.Int64
	started   atomic.Int64
}

// NewGroup returns an empty Group.
func NewGroup() *Group {
	return &Group{fills: make(map[string]*Fill)}
}

// Join returns the fill in flight for key, or elects the caller to start one:
// then run is called on its own goroutine with the new fill, and the fill is
// unregistered when run returns (run must Finish it). leader reports whether
// this call started the fill.
//
// satisfied (may be nil) is asked, inside the election, whether a fill is
// still needed: a caller that missed the store while a fill was running may
// reach Join after that fill stored its object and left. When satisfied
// reports true, Join starts nothing and returns nil: look the key up again.
func (g *Group) Join(key string, run func(*Fill), satisfied func() bool) (f *Fill, leader bool) {
	if f := g.lookup(key); f != nil {
		g.followers.Add(1)
		return f, false
	}
	v, _, _ := g.sf.Do(key, func() (any, error) {
		if f := g.lookup(key); f != nil {
			return f, nil
		}
		if satisfied != nil && satisfied() {
			return (*Fill)(nil), nil
		}
		nf := newFill(key)
		g.mu.Lock()
		g.fills[key] = nf
		g.mu.Unlock()
		g.started.Add(1)
		leader = true
		go g.run(nf, run)
		return nf, nil
	})
	f = v.(*Fill)
	if f != nil && !leader {
		g.followers.Add(1)
	}
	return f, leader
}

func (g *Group) run(f *Fill, run func(*Fill)) {
	defer func() {
		g.mu.Lock()
		if g.fills[f.key] == f {
			delete(g.fills, f.key)
		}
		g.mu.Unlock()
		f.Finish(ErrNoHead) // no-op when run finished it
	}()
	run(f)
}

// lookup returns the running fill for key. A fill that has finished but is
// not yet unregistered is not joined (whatever it stored is in the store by
// now), nor is one whose unreusable response (a 5xx, anything not stored) is
// already complete: that response belongs to the requests that were waiting.
func (g *Group) lookup(key string) *Fill {
	g.mu.Lock()
	f := g.fills[key]
	g.mu.Unlock()
	if f == nil || !f.joinable() {
		return nil
	}
	return f
}

// InFlight is the number of fills running now.
func (g *Group) InFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.fills)
}

// Followers is the number of joins that shared another caller's fill.
func (g *Group) Followers() int64 { return g.followers.Load() }

// Started is the number of fills started.
func (g *Group) Started() int64 { return g.started.Load() }
