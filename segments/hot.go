package segments

import (
	"sync"
	"sync/atomic"
)

// hotSet keeps the most used entries decoded on the Go heap, bounded in
// bytes, so that a hit on them copies nothing: no GetBig copy, no hash check
// of the whole value, no header decoding. Every viewer of a live channel asks
// for the same few playlists and segments; they are served from here, and the
// fastcache copy stays the store of record.
//
// Entries are immutable once admitted and shared by concurrent readers (their
// Header and Body must not be modified). Eviction is CLOCK: a hit sets the
// entry's reference bit with one atomic store (readers take only a read
// lock); the hand clears set bits and evicts the first entry whose bit is
// clear, so entries hit once since the last sweep survive it and one-hit
// wonders go first.
type hotSet struct {
	mu       sync.RWMutex
	m        map[string]*hotEntry
	ring     []*hotEntry // clock ring; nil slots are removed entries
	hand     int
	bytes    int64
	max      int64 // bound on the bytes of admitted entries
	maxEntry int64 // largest entry admitted

	hits, admits, evictions atomic.Int64
}

type hotEntry struct {
	key  string
	e    Entry
	enc  []byte        // the encoded value e was decoded from (e.Body aliases its tail)
	at   atomic.Uint64 // its written-at; a re-insert from the hot layer advances it
	size int64
	ref  atomic.Bool
	slot int
}

func newHotSet(maxBytes int64) *hotSet {
	if maxBytes <= 0 {
		return nil
	}
	return &hotSet{m: make(map[string]*hotEntry), max: maxBytes, maxEntry: max(maxBytes/8, 64<<10)}
}

// get returns the entry for key, marking it referenced.
func (h *hotSet) get(key string) *hotEntry {
	if h == nil {
		return nil
	}
	h.mu.RLock()
	he := h.m[key]
	h.mu.RUnlock()
	if he != nil {
		if !he.ref.Load() {
			he.ref.Store(true)
		}
		h.hits.Add(1)
	}
	return he
}

// admit adds an entry decoded from enc (which the set now owns) unless it is
// too big.
func (h *hotSet) admit(key string, e Entry, enc []byte, size int64) bool {
	if h == nil || size > h.maxEntry {
		return false
	}
	e.Memo = new(Memo) // every hit on this copy shares it
	he := &hotEntry{key: key, e: e, enc: enc, size: size}
	he.at.Store(writtenAt(enc))
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(key)
	for h.bytes+size > h.max && h.evictLocked() {
	}
	he.slot = len(h.ring)
	h.ring = append(h.ring, he)
	h.m[key] = he
	h.bytes += size
	h.admits.Add(1)
	if len(h.ring) > 2*len(h.m)+64 {
		h.compactLocked()
	}
	return true
}

// holds reports whether he is still key's entry. Under the key's shard lock
// that means no Put or Delete replaced the value he was decoded from.
func (h *hotSet) holds(key string, he *hotEntry) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.m[key] == he
}

// remove drops key (a Put or Delete replaced it).
func (h *hotSet) remove(key string) {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.removeLocked(key)
	h.mu.Unlock()
}

func (h *hotSet) removeLocked(key string) {
	he := h.m[key]
	if he == nil {
		return
	}
	delete(h.m, key)
	h.ring[he.slot] = nil
	h.bytes -= he.size
}

// evictLocked advances the hand to the first unreferenced entry and drops
// it; it reports false when the set is empty.
func (h *hotSet) evictLocked() bool {
	if len(h.m) == 0 {
		return false
	}
	for {
		if h.hand >= len(h.ring) {
			h.hand = 0
		}
		he := h.ring[h.hand]
		h.hand++
		switch {
		case he == nil:
		case he.ref.Load():
			he.ref.Store(false)
		default:
			h.removeLocked(he.key)
			h.evictions.Add(1)
			return true
		}
	}
}

func (h *hotSet) compactLocked() {
	ring := make([]*hotEntry, 0, len(h.m)+16)
	for _, he := range h.ring {
		if he != nil {
			he.slot = len(ring)
			ring = append(ring, he)
		}
	}
	h.ring, h.hand = ring, 0
}

func (h *hotSet) reset() {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.m, h.ring, h.hand, h.bytes = make(map[string]*hotEntry), nil, 0, 0
	h.mu.Unlock()
}

// stats returns entries and bytes held.
func (h *hotSet) stats() (entries int, bytes int64) {
	if h == nil {
		return 0, 0
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.m), h.bytes
}
