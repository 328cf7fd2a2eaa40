package prefetch

import (
	"sync"
	"time"
)

// Tracker remembers the objects prefetched lately, bounded in entries, so
// the edge can tell a viewer's hit on one (a prefetch hit) from a prefetch
// nobody used before it was forgotten (wasted bytes).
type Tracker struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	entries map[string]tracked
	order   []string // insertion order, for expiry; compacted as it drains
	wasted  func(bytes int64)
}

type tracked struct {
	at    time.Time
	bytes int64
}

// NewTracker keeps at most max entries, each for ttl; wasted is told the
// bytes of every entry dropped unused.
func NewTracker(max int, ttl time.Duration, wasted func(bytes int64)) *Tracker {
	return &Tracker{max: max, ttl: ttl, entries: make(map[string]tracked), wasted: wasted}
}

// Add records a prefetched object of the given size.
func (t *Tracker) Add(key string, bytes int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.expire(now)
	if _, ok := t.entries[key]; ok {
		return
	}
	for len(t.entries) >= t.max && len(t.order) > 0 {
		t.drop(t.order[0])
		t.order = t.order[1:]
	}
	t.entries[key] = tracked{at: now, bytes: bytes}
	t.order = append(t.order, key)
	if len(t.order) > 4*t.max { // used keys leave their place behind: compact
		kept := t.order[:0]
		for _, k := range t.order {
			if _, ok := t.entries[k]; ok {
				kept = append(kept, k)
			}
		}
		t.order = kept
	}
}

// Used reports whether key was prefetched and not used yet, and forgets it.
func (t *Tracker) Used(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.entries[key]; !ok {
		return false
	}
	delete(t.entries, key)
	return true
}

// Len is the number of prefetched objects not used yet.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

func (t *Tracker) expire(now time.Time) {
	for len(t.order) > 0 {
		k := t.order[0]
		e, ok := t.entries[k]
		if ok && now.Sub(e.at) < t.ttl {
			break
		}
		t.drop(k)
		t.order = t.order[1:]
	}
}

// drop forgets key; an entry still there was never used.
func (t *Tracker) drop(key string) {
	if e, ok := t.entries[key]; ok {
		delete(t.entries, key)
		if t.wasted != nil {
			t.wasted(e.bytes)
		}
	}
}
