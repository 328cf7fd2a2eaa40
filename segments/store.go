package segments

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"

	"github.com/VictoriaMetrics/fastcache"
)

var (
	ErrKeyTooLong     = errors.New("segments: key too long")
	ErrHeadersTooBig  = errors.New("segments: headers too big")
	ErrTooBig         = errors.New("segments: entry too big")
	ErrCorrupt        = errors.New("segments: corrupt data")
	ErrVersion        = errors.New("segments: unknown format version")
	ErrInvalidEntry   = errors.New("segments: invalid entry")
	ErrSnapshotConfig = errors.New("segments: snapshot does not match config")
)

// lockShards guards write-write races per key: Put, Delete and re-insert
// of keys in one shard are serialised, so a re-insert can check that the
// value it read is still the stored one before writing it back.
const lockShards = 256

// Store is a bounded, thread-safe object store. Create it with New or
// LoadFromDir.
type Store struct {
	c    *fastcache.Cache
	cfg  settings
	seed maphash.Seed
	mu   [lockShards]sync.Mutex

	bufs bufferPool
	hits sync.Pool // *Hit

	written atomic.Uint64 // chunk bytes written since the store was created (persisted)
	n       counters

	// hot is the zero-copy layer in front of fastcache (nil when disabled).
	// epochs count the writes (Put, Delete) per lock shard: an entry read from
	// fastcache is admitted only if its shard saw no write since the read, so
	// a replaced value never resurfaces from the hot layer.
	hot    *hotSet
	epochs [lockShards]atomic.Uint64

	// shared holds the one decoded copy per key that every hit outside the
	// hot layer reads (see sharedSet), bounded by Config.MaxSharedBytes.
	shared *sharedSet
}

// New returns an empty store bounded by cfg.
func New(cfg Config) *Store {
	s := newStore(cfg.resolve(), cfg.HotBytes)
	s.c = fastcache.New(int(s.cfg.capacity))
	return s
}

func newStore(set settings, hotBytes int64) *Store {
	return &Store{cfg: set, seed: maphash.MakeSeed(), hot: newHotSet(hotBytes), shared: newSharedSet(set.maxSharedBytes)}
}

func (s *Store) shardOf(key string) int {
	return int(maphash.String(s.seed, key) % lockShards)
}

func (s *Store) shard(key string) *sync.Mutex {
	return &s.mu[s.shardOf(key)]
}

// written marks a write to key under its shard lock: the hot layer and the
// shared copies drop it.
func (s *Store) wrote(i int, key string) {
	s.epochs[i].Add(1)
	s.hot.remove(key)
	s.shared.remove(i, key)
}

// Put stores e under key, replacing any previous entry. e is not retained.
func (s *Store) Put(key string, e *Entry) error {
	if len(key) > s.cfg.maxKeyLen {
		s.n.tooBigKey.Add(1)
		return fmt.Errorf("%w: %d bytes (max %d)", ErrKeyTooLong, len(key), s.cfg.maxKeyLen)
	}
	if e == nil || e.Status < 0 || e.Status > maxStatus || len(e.Facts) > MaxFactsBytes {
		return fmt.Errorf("%w: nil entry, status out of [0, %d] or facts over %d bytes", ErrInvalidEntry, maxStatus, MaxFactsBytes)
	}
	hdrSize, err := validateHeader(e.Header, s.cfg.maxHeaderBytes)
	if err != nil {
		s.n.headersTooBig.Add(1)
		return err
	}
	size := int64(fixedSize) + int64(len(e.Facts)) + int64(hdrSize) + int64(len(e.Body))
	if size > s.cfg.maxEntryBytes {
		s.n.tooBig.Add(1)
		return fmt.Errorf("%w: %d bytes (max %d)", ErrTooBig, size, s.cfg.maxEntryBytes)
	}
	buf := s.bufs.get(int(size))
	defer s.bufs.put(buf)
	buf.b = appendEntry(buf.b, e, hdrSize, 0)
	k := []byte(key)

	i := s.shardOf(key)
	s.mu[i].Lock()
	setWrittenAt(buf.b, s.written.Add(footprint(len(k), len(buf.b))))
	s.c.SetBig(k, buf.b)
	s.wrote(i, key)
	s.mu[i].Unlock()
	s.n.puts.Add(1)
	return nil
}

// Hit is a successful lookup. Entry.Body aliases a buffer shared with the
// key's other concurrent readers (read-only): it is valid until Release.
// Header and Meta may be kept after Release; Header must not be modified.
type Hit struct {
	Entry Entry

	key    []byte
	meta   []byte
	buf    *buffer      // a buffer being loaded (owned until published)
	shared *sharedEntry // the copy this hit references
	s      *Store
}

// Release returns the hit's buffers to the store. The hit and its Body must
// not be used afterwards; Release must be called exactly once.
func (h *Hit) Release() {
	s := h.s
	if h.buf != nil {
		s.bufs.put(h.buf)
		h.buf = nil
	}
	if h.shared != nil {
		if free := s.shared.release(h.shared); free != nil {
			s.bufs.put(free)
		}
		h.shared = nil
	}
	h.Entry = Entry{}
	s.hits.Put(h)
}

// Get looks key up. A missing, partially evicted, corrupt or foreign-version
// entry is a miss. On a hit the caller must Release the Hit.
//
// fastcache evicts FIFO per bucket, however often an entry is read. So a hit
// on an entry older (in bytes written since) than ReinsertFraction of the
// capacity, clamped as explained in reinsertAfter, writes the same bytes back
// with a new written-at: hot entries keep moving to the front of the rings.
// Only one of the concurrent hits on a key re-inserts, and only if no Put or
// Delete replaced the entry meanwhile; other hits copy nothing. Hits served
// by the hot layer or a shared copy re-insert from their copy, so a hot
// object stays in fastcache (and in snapshots) even when no hit reads it
// there.
//
// A hit is served from the hot layer, else from the key's shared copy (one
// per stored value, loaded by the first concurrent reader, see sharedSet). A
// hit that needs a new copy while copies hold Config.MaxSharedBytes is a
// miss.
func (s *Store) Get(key string) (*Hit, bool) {
	s.n.gets.Add(1)
	if len(key) > s.cfg.maxKeyLen {
		s.n.misses.Add(1)
		return nil, false
	}
	h, _ := s.hits.Get().(*Hit)
	if h == nil {
		h = &Hit{s: s, meta: make([]byte, 0, 16)}
	}
	if he := s.hot.get(key); he != nil {
		h.Entry = he.e // shared, immutable; nothing to copy or decode
		if s.due(he.at.Load()) {
			s.reinsertHot(key, he)
		}
		s.n.hits.Add(1)
		return h, true
	}
	i := s.shardOf(key)
	if se := s.shared.join(i, key); se != nil {
		return s.joined(h, key, se)
	}
	epoch := s.epochs[i].Load()
	h.key = append(h.key[:0], key...)
	// The 16-byte SetBig meta value (hash, length) sizes the buffer.
	h.meta = s.c.Get(h.meta[:0], h.key)
	if len(h.meta) != 16 {
		return s.miss(h, false)
	}
	n := binary.BigEndian.Uint64(h.meta[8:])
	if n < fixedSize || n > uint64(s.cfg.maxEntryBytes) {
		return s.miss(h, true)
	}
	se, leader := s.shared.lead(i, key, bufferSize(int(n)))
	switch {
	case se == nil:
		return s.miss(h, false) // hit copies at their bound
	case !leader:
		return s.joined(h, key, se)
	}
	return s.load(h, i, epoch, key, int(n), se)
}

// load copies key's value (n bytes) out of fastcache for the shared copy se
// this hit leads, and publishes it to the readers waiting on se.
func (s *Store) load(h *Hit, i int, epoch uint64, key string, n int, se *sharedEntry) (*Hit, bool) {
	h.buf = s.bufs.get(n)
	h.buf.b = s.c.GetBig(h.buf.b[:0], h.key)
	if len(h.buf.b) == 0 {
		return s.failLoad(h, se, false) // evicted meanwhile, or a piece is gone
	}
	at, err := decodeEntry(h.buf.b, &h.Entry)
	if err != nil {
		return s.failLoad(h, se, true)
	}
	if s.due(at) {
		s.reinsert(key, h)
	}
	s.admitHot(i, epoch, key, h) // takes h.buf when admitted
	s.shared.publish(se, h.Entry, h.buf)
	h.buf, h.shared = nil, se
	s.n.hits.Add(1)
	return h, true
}

func (s *Store) failLoad(h *Hit, se *sharedEntry, corrupt bool) (*Hit, bool) {
	s.shared.fail(se)
	h.shared = se // released with h
	return s.miss(h, corrupt)
}

// joined serves h from the copy se another reader loads or loaded.
func (s *Store) joined(h *Hit, key string, se *sharedEntry) (*Hit, bool) {
	h.shared = se
	<-se.ready // a memory copy in progress, not I/O
	if !se.ok {
		return s.miss(h, false)
	}
	h.Entry = se.e
	if se.buf != nil && s.due(se.at.Load()) {
		s.reinsertShared(key, se)
	}
	s.n.hits.Add(1)
	return h, true
}

// admitHot hands h's buffer to the hot layer when no write touched the key's
// shard since h was read (then h no longer owns the buffer: Release keeps it).
func (s *Store) admitHot(i int, epoch uint64, key string, h *Hit) {
	if s.hot == nil || !s.mu[i].TryLock() {
		return
	}
	defer s.mu[i].Unlock()
	if s.epochs[i].Load() != epoch {
		return
	}
	if s.hot.admit(key, h.Entry, h.buf.b, int64(cap(h.buf.b))) {
		h.buf = nil
	}
}

func (s *Store) miss(h *Hit, corrupt bool) (*Hit, bool) {
	if corrupt {
		s.n.corrupt.Add(1)
	}
	s.n.misses.Add(1)
	h.Release()
	return nil, false
}

// Delete removes key. Its chunks are reclaimed as the rings wrap.
func (s *Store) Delete(key string) {
	if len(key) > s.cfg.maxKeyLen {
		return
	}
	i := s.shardOf(key)
	s.mu[i].Lock()
	s.c.Del([]byte(key))
	s.wrote(i, key)
	s.mu[i].Unlock()
	s.n.deletes.Add(1)
}

// Reset removes every entry and frees the cache's chunks. Counters keep
// counting (the dropped bytes show up in EvictedBytes).
func (s *Store) Reset() {
	for i := range s.mu {
		s.mu[i].Lock()
	}
	s.c.Reset()
	s.hot.reset()
	s.shared.reset()
	for i := range s.mu {
		s.epochs[i].Add(1)
		s.mu[i].Unlock()
	}
}
