package segments

import "math"

const (
	defaultMaxKeyLen        = 4096
	defaultMaxHeaderBytes   = 16 << 10
	defaultReinsertFraction = 0.5

	// fastcache geometry (see fastcache.go): 512 buckets, each a ring of
	// 64 KiB chunks; New rounds the capacity up to whole chunks per bucket.
	fcBuckets   = 512
	fcChunk     = 64 << 10
	fcSubvalue  = fcChunk - 16 - 4 - 1 // fastcache maxSubvalueLen
	minCapacity = fcBuckets * fcChunk  // 32 MiB: one chunk per bucket
	maxCapacity = 1 << 46
)

// Config bounds a Store. Zero fields take their defaults.
type Config struct {
	MaxBytes         int64   // bound of the cache; rounded up to a multiple of 32 MiB (fastcache floor is 32 MiB)
	MaxKeyLen        int     // default 4096; longer keys → ErrKeyTooLong
	MaxHeaderBytes   int     // default 16 KiB of encoded headers; more → ErrHeadersTooBig
	ReinsertFraction float64 // default 0.5; see Store.Get (clamped for shallow rings)
	MaxEntryBytes    int64   // default capacity/16; larger encoded entries → ErrTooBig
	// HotBytes bounds the hot layer: the most used entries kept decoded on the
	// Go heap and served without a copy (see hotSet). 0 disables it. It is
	// memory on top of MaxBytes: a caller with one budget splits it.
	HotBytes int64
	// MaxSharedBytes bounds the decoded copies that hits outside the hot
	// layer read (one per key being read, shared by its readers; see
	// sharedSet): it is the most memory slow readers can pin. A hit needing a
	// copy beyond it is a miss. Default max(capacity/8, 2 × MaxEntryBytes);
	// never less than one MaxEntryBytes (rounded up to its buffer class).
	MaxSharedBytes int64
}

// settings are the resolved, immutable parameters of a Store.
type settings struct {
	capacity       int64  // fastcache's real capacity
	maxKeyLen      int    //
	maxHeaderBytes int    //
	maxEntryBytes  int64  //
	reinsertAfter  uint64 // bytes written since an entry's write that trigger a re-insert on hit
	maxSharedBytes int64  //
}

func (c Config) resolve() settings {
	s := settings{
		capacity:       capacity(c.MaxBytes),
		maxKeyLen:      c.MaxKeyLen,
		maxHeaderBytes: c.MaxHeaderBytes,
		maxEntryBytes:  c.MaxEntryBytes,
	}
	if s.maxKeyLen <= 0 {
		s.maxKeyLen = defaultMaxKeyLen
	}
	s.maxKeyLen = min(s.maxKeyLen, fcSubvalue) // fastcache refuses longer keys
	if s.maxHeaderBytes <= 0 {
		s.maxHeaderBytes = defaultMaxHeaderBytes
	}
	if s.maxEntryBytes <= 0 {
		s.maxEntryBytes = s.capacity / 16
	}
	s.maxEntryBytes = min(s.maxEntryBytes, s.capacity/2, math.MaxInt32)
	s.maxSharedBytes = c.MaxSharedBytes
	if s.maxSharedBytes <= 0 {
		s.maxSharedBytes = max(s.capacity/8, 2*bufferSize(int(s.maxEntryBytes)))
	}
	s.maxSharedBytes = max(s.maxSharedBytes, bufferSize(int(s.maxEntryBytes))) // the largest entry can always be read
	frac := c.ReinsertFraction
	if frac <= 0 || math.IsNaN(frac) {
		frac = defaultReinsertFraction
	}
	s.reinsertAfter = reinsertAfter(s.capacity, min(frac, 1))
	return s
}

// capacity returns the capacity fastcache.New(maxBytes) really allocates.
func capacity(maxBytes int64) int64 {
	maxBytes = min(max(maxBytes, 1), maxCapacity)
	perBucket := (maxBytes + fcBuckets - 1) / fcBuckets
	chunks := (perBucket + fcChunk - 1) / fcChunk
	return chunks * fcChunk * fcBuckets
}

// reinsertAfter turns the configured fraction into a byte age.
//
// An entry's pieces live in a few of the 512 buckets; each bucket is a ring
// of C = capacity/32 MiB chunks and a piece is lost when its bucket has taken
// C more chunks. The global bytes-written counter only tells the mean load per
// bucket: with full-chunk pieces (large bodies), the number landing in one
// bucket over a window is about Poisson(λ), λ = window/32 MiB. The window is
// therefore clamped so that λ + 5√λ ≤ C−1, i.e. a bucket overflowing inside
// the window is a > 5σ event. For C = 16 (512 MiB) that is 28% of the
// capacity, for C = 128 (4 GiB) 64%. With C ≤ 2 no window is safe (a bucket
// holds one or two pieces); the floor of capacity/64 bounds the copying.
func reinsertAfter(capacity int64, fraction float64) uint64 {
	c := float64(capacity / minCapacity)
	r := (-5 + math.Sqrt(25+4*(c-1))) / 2
	frac := min(fraction, r*r/c)
	window := max(frac*float64(capacity), float64(capacity)/64)
	return uint64(window)
}

// footprint is the chunk space SetBig(key, value) consumes, in bytes, the
// unit of the written counter. Each fastcache item takes 4 bytes of lengths
// plus key plus value; an item that does not fit the rest of a chunk starts a
// new one, so an item of size f really costs 64Ki/⌊64Ki/f⌋ (a full subvalue
// costs a whole chunk).
func footprint(keyLen, valueLen int) uint64 {
	var n uint64
	for v := valueLen; v > 0; v -= fcSubvalue {
		n += itemCost(4 + 16 + min(v, fcSubvalue))
	}
	return n + itemCost(4+keyLen+16)
}

func itemCost(f int) uint64 {
	return uint64(fcChunk / (fcChunk / f))
}
