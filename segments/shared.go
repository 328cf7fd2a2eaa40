package segments

import (
	"sync"
	"sync/atomic"
)

// sharedSet makes every hit that is not served by the hot layer share one
// decoded copy of the stored value with the other concurrent readers of the
// same key: the first reader copies the value out of fastcache, later ones
// wait for that copy (a memory copy, never I/O) and reference it; the copy's
// buffer goes back to the pool when the last reader releases. A slow client
// reading a 2 MiB segment for minutes therefore pins one shared copy, not
// one per client, and 1,000 of them on a handful of segments pin a handful
// of copies.
//
// The bytes of all copies (the buffers' capacities, including copies whose
// key was replaced but still have readers) are bounded by max. A hit that
// would need a new copy beyond it is a miss (counted): memory outside the
// hot layer never exceeds the bound, whatever the number of readers.
//
// A Put or Delete removes the key's copy from the set (under the key's shard
// lock, after writing fastcache), so a copy in the set is always the stored
// value: a reader registers its copy before reading fastcache, and any
// write that lands after that read removes the copy.
type sharedSet struct {
	shards [lockShards]sharedShard
	bytes  atomic.Int64
	max    int64

	loads, joins, refused atomic.Uint64
}

type sharedShard struct {
	mu sync.Mutex
	m  map[string]*sharedEntry
}

type sharedEntry struct {
	key   string
	shard int
	ready chan struct{} // closed once the copy is loaded (or failed)

	// Written by the loader before ready is closed, read-only afterwards.
	e   Entry
	buf *buffer // nil when the hot layer took the buffer, or the load failed
	ok  bool
	at  atomic.Uint64 // written-at of buf's value; a re-insert advances it

	// Guarded by the shard's mutex.
	refs  int
	size  int64 // bytes counted against the bound
	inSet bool
}

func newSharedSet(max int64) *sharedSet { return &sharedSet{max: max} }

// join references key's copy, if one is loaded or loading.
func (ss *sharedSet) join(i int, key string) *sharedEntry {
	sh := &ss.shards[i]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	se := sh.m[key]
	if se != nil {
		se.refs++
		ss.joins.Add(1)
	}
	return se
}

// lead registers a new copy of size bytes for key, the caller to load it
// (leader true); or joins the copy another reader registered meanwhile. It
// returns nil when the copy would exceed the bound.
func (ss *sharedSet) lead(i int, key string, size int64) (se *sharedEntry, leader bool) {
	sh := &ss.shards[i]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if se := sh.m[key]; se != nil {
		se.refs++
		ss.joins.Add(1)
		return se, false
	}
	if ss.bytes.Add(size) > ss.max {
		ss.bytes.Add(-size)
		ss.refused.Add(1)
		return nil, false
	}
	if sh.m == nil {
		sh.m = make(map[string]*sharedEntry)
	}
	se = &sharedEntry{key: key, shard: i, ready: make(chan struct{}), refs: 1, size: size, inSet: true}
	sh.m[key] = se
	ss.loads.Add(1)
	return se, true
}

// publish hands the loaded copy to the waiting readers. A nil buf means the
// hot layer owns the value now: the copy leaves the set and the bound.
func (ss *sharedSet) publish(se *sharedEntry, e Entry, buf *buffer) {
	se.e, se.buf, se.ok = e, buf, true
	if buf != nil {
		se.at.Store(writtenAt(buf.b))
	} else {
		ss.detach(se, true)
	}
	close(se.ready)
}

// fail wakes the waiting readers with a miss.
func (ss *sharedSet) fail(se *sharedEntry) {
	ss.detach(se, false)
	close(se.ready)
}

// detach takes se out of the set (and, when uncount, out of the bound).
func (ss *sharedSet) detach(se *sharedEntry, uncount bool) {
	sh := &ss.shards[se.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if se.inSet {
		delete(sh.m, se.key)
		se.inSet = false
	}
	if uncount {
		ss.bytes.Add(-se.size)
		se.size = 0
	}
}

// remove takes key's copy out of the set (a Put or Delete replaced it); its
// readers keep it until they release.
func (ss *sharedSet) remove(i int, key string) {
	sh := &ss.shards[i]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if se := sh.m[key]; se != nil {
		delete(sh.m, key)
		se.inSet = false
	}
}

// holds reports whether se is still key's copy in the set.
func (ss *sharedSet) holds(se *sharedEntry) bool {
	sh := &ss.shards[se.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return se.inSet
}

// release drops one reference; the last one frees the copy (its buffer is
// returned to the pool by the caller when release reports it).
func (ss *sharedSet) release(se *sharedEntry) (free *buffer) {
	sh := &ss.shards[se.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	se.refs--
	if se.refs > 0 {
		return nil
	}
	if se.inSet {
		delete(sh.m, se.key)
		se.inSet = false
	}
	ss.bytes.Add(-se.size)
	se.size = 0
	return se.buf
}

// reset forgets every copy; readers still holding one release it as usual.
func (ss *sharedSet) reset() {
	for i := range ss.shards {
		sh := &ss.shards[i]
		sh.mu.Lock()
		for _, se := range sh.m {
			se.inSet = false
		}
		sh.m = nil
		sh.mu.Unlock()
	}
}

func (ss *sharedSet) entries() (n int) {
	for i := range ss.shards {
		sh := &ss.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}
