package segments

import (
	"sync/atomic"

	"github.com/VictoriaMetrics/fastcache"
)

type counters struct {
	gets, hits, misses, puts, deletes atomic.Uint64
	reinserts, reinsertSkips          atomic.Uint64
	hotReinserts                      atomic.Uint64
	corrupt, tooBigKey                atomic.Uint64
	headersTooBig, tooBig             atomic.Uint64
}

// Stats is a snapshot of the store's state and counters.
type Stats struct {
	// From fastcache.
	Entries       uint64 // fastcache items: one per entry plus one per ~64 KiB piece of its value
	Bytes         uint64 // chunk memory allocated (≤ MaxBytes; reaches it once every ring was filled)
	MaxBytes      uint64 // real capacity (Config.MaxBytes rounded up to 32 MiB multiples)
	Collisions    uint64 // fastcache hash collisions (each makes an entry a miss)
	InvalidChunks uint64 // GetBig values that failed fastcache's length/hash check

	// The store's own.
	Gets, Hits, Misses, Puts, Deletes uint64
	Reinserts                         uint64 // hot entries written back to the front of the rings
	HotReinserts                      uint64 // of which from the hot layer's copy (hits that never reach fastcache)
	ReinsertSkips                     uint64 // re-inserts left to a concurrent hit, or to a newer Put/Delete
	Corrupt                           uint64 // values that failed decoding (corrupt or foreign version)
	TooBigKey                         uint64 // keys over MaxKeyLen (Put), plus fastcache refusals
	HeadersTooBig                     uint64 // Puts refused with ErrHeadersTooBig
	TooBig                            uint64 // Puts refused with ErrTooBig

	// BytesWritten is the chunk space consumed by every Put and re-insert
	// since the store was created (persisted across SaveToDir/LoadFromDir),
	// in fastcache's unit: each item costs its 4-byte length, key and value,
	// rounded for the chunk tail it cannot share.
	BytesWritten uint64
	// EvictedBytes estimates the bytes overwritten by the FIFO rings:
	// BytesWritten − Bytes (what was written minus what is resident). It counts
	// every byte no longer addressable: evicted entries, but also superseded
	// versions, deleted entries and the stale copies left by re-inserts, and
	// everything dropped by Reset. Bucket rings fill unevenly, so before the
	// cache is full it can under-count; it is a turnover gauge, not a ledger.
	EvictedBytes uint64

	// The hot layer (Config.HotBytes): entries and bytes held, hits served
	// from it without a copy, entries admitted and evicted.
	HotEntries                       uint64
	HotBytes                         uint64
	HotHits, HotAdmits, HotEvictions uint64

	// Hit copies outside the hot layer (Config.MaxSharedBytes): bytes and
	// copies held (one per key being read, shared by its readers), copies
	// loaded, hits that joined an existing copy, hits refused (misses)
	// because a new copy would exceed the bound.
	SharedBytes, SharedEntries              uint64
	SharedLoads, SharedJoins, SharedRefused uint64
}

// Stats returns the current counters; fastcache's are summed over buckets.
func (s *Store) Stats() Stats {
	var fs fastcache.Stats
	s.c.UpdateStats(&fs)
	st := Stats{
		Entries:       fs.EntriesCount,
		Bytes:         fs.BytesSize,
		MaxBytes:      fs.MaxBytesSize,
		Collisions:    fs.Collisions,
		InvalidChunks: fs.InvalidMetavalueErrors + fs.InvalidValueLenErrors + fs.InvalidValueHashErrors,
		Gets:          s.n.gets.Load(),
		Hits:          s.n.hits.Load(),
		Misses:        s.n.misses.Load(),
		Puts:          s.n.puts.Load(),
		Deletes:       s.n.deletes.Load(),
		Reinserts:     s.n.reinserts.Load(),
		ReinsertSkips: s.n.reinsertSkips.Load(),
		HotReinserts:  s.n.hotReinserts.Load(),
		Corrupt:       s.n.corrupt.Load(),
		TooBigKey:     s.n.tooBigKey.Load() + fs.TooBigKeyErrors,
		HeadersTooBig: s.n.headersTooBig.Load(),
		TooBig:        s.n.tooBig.Load(),
		BytesWritten:  s.written.Load(),
	}
	if st.BytesWritten > st.Bytes {
		st.EvictedBytes = st.BytesWritten - st.Bytes
	}
	st.SharedBytes, st.SharedEntries = uint64(max(s.shared.bytes.Load(), 0)), uint64(s.shared.entries())
	st.SharedLoads, st.SharedJoins, st.SharedRefused = s.shared.loads.Load(), s.shared.joins.Load(), s.shared.refused.Load()
	if s.hot != nil {
		n, b := s.hot.stats()
		st.HotEntries, st.HotBytes = uint64(n), uint64(b)
		st.HotHits, st.HotAdmits = uint64(s.hot.hits.Load()), uint64(s.hot.admits.Load())
		st.HotEvictions = uint64(s.hot.evictions.Load())
	}
	return st
}
