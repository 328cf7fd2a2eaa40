package coalesce

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// ErrPanic is the error a fill finishes with when its filler panicked.
var ErrPanic = errors.New("coalesce: filler panicked")

// Group holds the fills in flight, one per key. V is the type of Head.Value.
type Group[V any] struct {
	sf        singleflight.Group
	mu        sync.Mutex
	fills     map[string]*Fill[V]
	followers atomic.Int64
	started   atomic.Int64
	panics    atomic.Int64
	onPanic   func(key string, err error, stack []byte)
}

// NewGroup returns an empty Group. onPanic (may be nil) is told of each
// filler that panicked, after its fill was finished with ErrPanic.
func NewGroup[V any](onPanic func(key string, err error, stack []byte)) *Group[V] {
	return &Group[V]{fills: make(map[string]*Fill[V]), onPanic: onPanic}
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
func (g *Group[V]) Join(key string, run func(*Fill[V]), satisfied func() bool) (f *Fill[V], leader bool) {
	if f := g.lookup(key); f != nil {
		g.followers.Add(1)
		return f, false
	}
	v, _, _ := g.sf.Do(key, func() (any, error) {
		if f := g.lookup(key); f != nil {
			return f, nil
		}
		if satisfied != nil && satisfied() {
			return (*Fill[V])(nil), nil
		}
		nf := newFill[V](key)
		g.mu.Lock()
		g.fills[key] = nf
		g.mu.Unlock()
		g.started.Add(1)
		leader = true
		go g.run(nf, run)
		return nf, nil
	})
	f = v.(*Fill[V])
	if f != nil && !leader {
		g.followers.Add(1)
	}
	return f, leader
}

// run calls the filler. Like net/http with a handler, it recovers a panic:
// the fill finishes with ErrPanic (its readers fail instead of waiting for
// good), the panic is counted and reported, and the process lives on.
func (g *Group[V]) run(f *Fill[V], run func(*Fill[V])) {
	defer func() {
		if p := recover(); p != nil {
			err := fmt.Errorf("%w: %v", ErrPanic, p)
			f.Finish(err)
			g.panics.Add(1)
			if g.onPanic != nil {
				g.onPanic(f.key, err, debug.Stack())
			}
		}
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
func (g *Group[V]) lookup(key string) *Fill[V] {
	g.mu.Lock()
	f := g.fills[key]
	g.mu.Unlock()
	if f == nil || !f.joinable() {
		return nil
	}
	return f
}

// InFlight is the number of fills running now.
func (g *Group[V]) InFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.fills)
}

// Followers is the number of joins that shared another caller's fill.
func (g *Group[V]) Followers() int64 { return g.followers.Load() }

// Panics is the number of fillers that panicked.
func (g *Group[V]) Panics() int64 { return g.panics.Load() }

// Started is the number of fills started.
func (g *Group[V]) Started() int64 { return g.started.Load() }
