package llhls

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/streamedge/streamedge/failure"
)

// Defaults of Config.
const (
	DefaultMaxHolders            = 20000
	DefaultMaxHoldersPerPlaylist = 5000
	DefaultMaxPlaylists          = 4096
	DefaultMaxPlaylistBytes      = 1 << 20
	DefaultMaxBytes              = 64 << 20
	DefaultHold                  = 18 * time.Second // 3 × the 6 s target duration App. B.1 recommends
)

// ErrReleased is the cause of a holder's context when a newer playlist
// released it (Holder.Snapshot is that playlist).
var ErrReleased = errors.New("llhls: released by a newer playlist")

// Config bounds a Registry.
type Config struct {
	MaxHolders            int   // held requests in all
	MaxHoldersPerPlaylist int   // held requests per playlist (rendition and skip mode)
	MaxPlaylists          int   // playlists tracked
	MaxPlaylistBytes      int   // larger playlists are not kept (their holders still get released)
	MaxBytes              int64 // bytes of all kept playlists
	// DefaultHold is how long a request may be held when the playlist's
	// target duration is not known yet.
	DefaultHold time.Duration
	Now         func() time.Time
}

// Snapshot is one playlist response as the registry keeps it: identity
// coded, shared read-only by every holder it answers.
type Snapshot struct {
	Status     int
	Header     http.Header
	Body       []byte
	State      State
	At         time.Time     // when the origin's response arrived
	InitialAge time.Duration // its age then (RFC 9111 corrected_initial_age)
}

// Age is how old the snapshot is at now.
func (s *Snapshot) Age(now time.Time) time.Duration { return now.Sub(s.At) }

// Registry holds the freshest playlist per rendition and skip mode and the
// requests waiting for a newer one. It is safe for concurrent use.
type Registry struct {
	cfg     Config
	mu      sync.Mutex
	lists   map[string]*playlist
	holders int
	bytes   int64
	hints   hintSet
}

type playlist struct {
	snap    *Snapshot
	holders map[*Holder]struct{}
	updated time.Time
}

// New returns an empty Registry.
func New(cfg Config) *Registry {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.MaxHolders, DefaultMaxHolders)
	def(&cfg.MaxHoldersPerPlaylist, DefaultMaxHoldersPerPlaylist)
	def(&cfg.MaxPlaylists, DefaultMaxPlaylists)
	def(&cfg.MaxPlaylistBytes, DefaultMaxPlaylistBytes)
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.DefaultHold <= 0 {
		cfg.DefaultHold = DefaultHold
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Registry{cfg: cfg, lists: map[string]*playlist{}, hints: newHintSet(4 * cfg.MaxPlaylists)}
}

func listKey(rendition, skip string) string { return rendition + "\x00" + skip }

// Lookup is the freshest playlist of a rendition in a skip mode, or nil.
func (r *Registry) Lookup(rendition, skip string) *Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.lists[listKey(rendition, skip)]; p != nil {
		return p.snap
	}
	return nil
}

// Held is the number of requests held now.
func (r *Registry) Held() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holders
}

// Tracked is the number of playlists tracked and their bytes.
func (r *Registry) Tracked() (playlists int, bytes int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lists), r.bytes
}

// Limit is how long a request for rendition may be held: three target
// durations of its freshest playlist, else Config.DefaultHold.
func (r *Registry) Limit(s *Snapshot) time.Duration {
	if s == nil {
		return r.cfg.DefaultHold
	}
	return s.State.HoldLimit(r.cfg.DefaultHold)
}

// Holder is one held request. Its context ends when a newer playlist
// satisfies it (cause ErrReleased), when the hold limit passes (cause
// failure.ErrHoldTimeout) or when the parent (the client's request) ends.
type Holder struct {
	reg    *Registry
	key    string
	d      Directives
	ctx    context.Context
	cancel context.CancelCauseFunc
	stop   context.CancelFunc
	snap   *Snapshot // set under reg.mu when released
	gone   bool      // left the registry (under reg.mu)
}

// Hold registers a request for d on rendition, held at most limit. Beyond
// the holder bounds it fails with failure.ErrHoldersFull. A playlist that
// satisfies d already releases it at once (its context is done). The caller
// must call Leave when done.
func (r *Registry) Hold(parent context.Context, rendition string, d Directives, limit time.Duration) (*Holder, error) {
	k := listKey(rendition, d.Skip)
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.lists[k]
	switch {
	case r.holders >= r.cfg.MaxHolders:
		return nil, fmt.Errorf("%w: %d held in all", failure.ErrHoldersFull, r.holders)
	case p != nil && len(p.holders) >= r.cfg.MaxHoldersPerPlaylist:
		return nil, fmt.Errorf("%w: %d held on %s", failure.ErrHoldersFull, len(p.holders), rendition)
	case p == nil:
		if p = r.add(k); p == nil {
			return nil, fmt.Errorf("%w: %d playlists tracked", failure.ErrHoldersFull, len(r.lists))
		}
	}
	ctx, cancel := context.WithCancelCause(parent)
	tctx, stop := context.WithTimeoutCause(ctx, limit, failure.ErrHoldTimeout)
	h := &Holder{reg: r, key: k, d: d, ctx: tctx, cancel: cancel, stop: stop}
	if p.holders == nil {
		p.holders = map[*Holder]struct{}{}
	}
	p.holders[h] = struct{}{}
	r.holders++
	if s := p.snap; s != nil && (s.State.Ended || s.State.Has(d)) {
		r.release(h, s) // a newer playlist came since the caller looked
	}
	return h, nil
}

// release answers h with s, under r.mu.
func (r *Registry) release(h *Holder, s *Snapshot) {
	h.snap = s
	r.remove(h)
	h.cancel(ErrReleased)
}

// add tracks a new playlist, dropping the least recently updated one
// without holders when the table is full; nil when none can go.
func (r *Registry) add(k string) *playlist {
	if len(r.lists) >= r.cfg.MaxPlaylists && !r.evict(nil) {
		return nil
	}
	p := &playlist{updated: r.cfg.Now()}
	r.lists[k] = p
	return p
}

// evict drops the least recently updated playlist without holders (not
// keep); it reports whether one went.
func (r *Registry) evict(keep *playlist) bool {
	var oldK string
	var old *playlist
	for k, p := range r.lists {
		if p != keep && len(p.holders) == 0 && (old == nil || p.updated.Before(old.updated)) {
			oldK, old = k, p
		}
	}
	if old == nil {
		return false
	}
	if old.snap != nil {
		r.bytes -= int64(len(old.snap.Body))
	}
	delete(r.lists, oldK)
	return true
}

// Context is the holder's wait context.
func (h *Holder) Context() context.Context { return h.ctx }

// Directives are what the holder waits for.
func (h *Holder) Directives() Directives { return h.d }

// Snapshot is the playlist that released the holder, or nil.
func (h *Holder) Snapshot() *Snapshot {
	h.reg.mu.Lock()
	defer h.reg.mu.Unlock()
	return h.snap
}

// Leave removes the holder (idempotent) and ends its context.
func (h *Holder) Leave() {
	r := h.reg
	r.mu.Lock()
	r.remove(h)
	r.mu.Unlock()
	h.stop()
	h.cancel(nil)
}

// remove takes h out of its playlist, under r.mu.
func (r *Registry) remove(h *Holder) {
	if h.gone {
		return
	}
	h.gone = true
	r.holders--
	if p := r.lists[h.key]; p != nil {
		delete(p.holders, h)
	}
}

// Offer hands the registry a playlist response of a rendition (any fill of
// it, blocking or not) in a skip mode. A newer playlist replaces the kept
// one and releases every holder it satisfies; it reports how many.
func (r *Registry) Offer(rendition, skip string, s *Snapshot) (released int) {
	k := listKey(rendition, skip)
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.lists[k]
	if p != nil && p.snap != nil && !s.State.Newer(p.snap.State) {
		return 0
	}
	if p == nil {
		if p = r.add(k); p == nil {
			return 0
		}
	}
	r.keep(p, s)
	r.hints.add(rendition, s, r.Limit(s))
	for h := range p.holders {
		if s.State.Ended || s.State.Has(h.d) {
			r.release(h, s)
			released++
		}
	}
	return released
}

// Drop forgets s as the rendition's playlist (an invalidation covers it),
// unless a newer one replaced it already.
func (r *Registry) Drop(rendition, skip string, s *Snapshot) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.lists[listKey(rendition, skip)]; p != nil && p.snap == s {
		r.bytes -= int64(len(s.Body))
		p.snap = nil
	}
}

// keep makes s p's playlist when it fits the byte bounds.
func (r *Registry) keep(p *playlist, s *Snapshot) {
	if p.snap != nil {
		r.bytes -= int64(len(p.snap.Body))
		p.snap = nil
	}
	p.updated = s.At
	n := int64(len(s.Body))
	if len(s.Body) > r.cfg.MaxPlaylistBytes {
		return
	}
	for r.bytes+n > r.cfg.MaxBytes {
		if !r.evict(p) {
			return
		}
	}
	p.snap = s
	r.bytes += n
}

// HintHold is how long the origin may legitimately hold a request for path
// (a preload hint of a tracked playlist): three target durations, or 0 when
// path is no current hint.
func (r *Registry) HintHold(path string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hints.hold(path, r.cfg.Now())
}
