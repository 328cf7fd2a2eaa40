package segments

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// due reports whether a value written at at is old enough, in bytes written
// since, to be re-inserted on a hit.
func (s *Store) due(at uint64) bool {
	now := s.written.Load()
	return now > at && now-at > s.cfg.reinsertAfter
}

// reinsertHot is reinsert for a hit served by the hot layer: the hot entry
// keeps the encoded value, so it is written back even when fastcache has
// already lost its copy (the hot layer outlives the rings' turnover, and
// snapshots hold only what fastcache holds). The entry is still the key's
// value when the hot layer holds it under the shard lock (every Put and
// Delete removes it there).
func (s *Store) reinsertHot(key string, he *hotEntry) {
	if s.rewrite(key, he.enc, &he.at, func() bool { return s.hot.holds(key, he) }) {
		s.n.hotReinserts.Add(1)
	}
}

// reinsertShared is reinsertHot for a shared copy: it is still the key's
// value while the set holds it under the shard lock.
func (s *Store) reinsertShared(key string, se *sharedEntry) {
	s.rewrite(key, se.buf.b, &se.at, func() bool { return s.shared.holds(se) })
}

// rewrite writes the encoded value enc back under key with a new written-at,
// unless another goroutine holds the key's shard or current says a write
// replaced the value. Concurrent readers of enc only read its body and
// headers, never the written-at bytes patched here under the shard lock.
func (s *Store) rewrite(key string, enc []byte, at *atomic.Uint64, current func() bool) bool {
	mu := s.shard(key)
	if !mu.TryLock() {
		s.n.reinsertSkips.Add(1)
		return false
	}
	defer mu.Unlock()
	if !current() || !s.due(at.Load()) {
		s.n.reinsertSkips.Add(1)
		return false
	}
	w := s.written.Add(footprint(len(key), len(enc)))
	setWrittenAt(enc, w)
	s.c.SetBig([]byte(key), enc)
	at.Store(w)
	s.n.reinserts.Add(1)
	return true
}

// reinsert writes h's value back with a new written-at, unless another
// goroutine holds the key's shard (it is re-inserting or replacing) or the
// stored value is no longer the one h read.
func (s *Store) reinsert(key string, h *Hit) {
	mu := s.shard(key)
	if !mu.TryLock() {
		s.n.reinsertSkips.Add(1)
		return
	}
	defer mu.Unlock()
	h.meta = s.c.Get(h.meta[:0], h.key)
	if len(h.meta) != 16 || binary.BigEndian.Uint64(h.meta) != xxhash.Sum64(h.buf.b) {
		s.n.reinsertSkips.Add(1)
		return
	}
	setWrittenAt(h.buf.b, s.written.Add(footprint(len(h.key), len(h.buf.b))))
	s.c.SetBig(h.key, h.buf.b)
	s.n.reinserts.Add(1)
}
