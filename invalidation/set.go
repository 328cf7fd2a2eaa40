package invalidation

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	radix "github.com/armon/go-radix"
)

// MaxPathBytes is CloudFront's limit on one invalidation path.
const MaxPathBytes = 4000

// ErrPath is wrapped by every refused invalidation path.
var ErrPath = errors.New("invalidation: invalid path")

// The defaults of Limits' zero fields.
const (
	DefaultMaxRecords      = 10000
	DefaultMaxBytes        = 4 << 20
	DefaultMaxHistory      = 1000
	DefaultMaxHistoryBytes = 8 << 20
)

// Limits bound a Set. Zero fields take the defaults.
type Limits struct {
	MaxRecords int           // records (an exact path or a prefix); default 10,000
	MaxBytes   int           // pattern bytes; default 4 MiB
	MaxAge     time.Duration // the cache's longest entry lifetime; 0: records are dropped only when over the bounds
	MaxHistory int           // invalidations kept for the API; default 1,000
	// MaxHistoryBytes bounds the kept invalidations' IDs, caller references
	// and paths; default 8 MiB (the oldest go first).
	MaxHistoryBytes int
}

// WithDefaults is l with its zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxRecords <= 0 {
		l.MaxRecords = DefaultMaxRecords
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxHistory <= 0 {
		l.MaxHistory = DefaultMaxHistory
	}
	if l.MaxHistoryBytes <= 0 {
		l.MaxHistoryBytes = DefaultMaxHistoryBytes
	}
	return l
}

// record is one radix-tree value: the newest invalidation time (Unix ns) of
// the pattern as an exact path and as a prefix ("pattern*"); 0 when none.
type record struct {
	exact, prefix int64
}

// Set is one distribution's invalidations. It is safe for concurrent use.
type Set struct {
	mu      sync.RWMutex
	limits  Limits
	tree    *radix.Tree // pattern without its '*' → *record
	records int         // non-zero times in the tree
	bytes   int         // key bytes in the tree
	floor   int64       // entries stored before this (Unix ns) are invalid
	history history
	metrics *Metrics
	// active turns true with the first record or floor and stays true: a
	// Set that never had one answers Matches without its lock (every hit
	// asks it).
	active atomic.Bool
}

// NewSet returns an empty Set; m may be nil.
func NewSet(l Limits, m *Metrics) *Set {
	l = l.WithDefaults()
	return &Set{limits: l, tree: radix.New(), history: newHistory(l.MaxHistory, l.MaxHistoryBytes), metrics: m}
}

// CheckPath validates an invalidation path as CloudFront does: it starts with
// '/', is at most MaxPathBytes long, and '*' is only its last character.
func CheckPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("%w: %q does not start with /", ErrPath, p)
	case len(p) > MaxPathBytes:
		return fmt.Errorf("%w: %d bytes, at most %d", ErrPath, len(p), MaxPathBytes)
	case strings.Contains(strings.TrimSuffix(p, "*"), "*"):
		return fmt.Errorf("%w: %q has a * before its end", ErrPath, p)
	}
	return nil
}

// Add records paths as invalidated at time at: exact paths, and prefixes for
// paths ending in '*'. Every path is checked first; on an error nothing changes.
func (s *Set) Add(paths []string, at time.Time) error {
	for _, p := range paths {
		if err := CheckPath(p); err != nil {
			return err
		}
	}
	ns := nanos(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range paths {
		s.add(p, ns)
	}
	s.enforce(ns)
	s.metrics.setRecords(s.records, s.floor)
	return nil
}

func (s *Set) add(p string, ns int64) {
	s.active.Store(true)
	key, isPrefix := strings.CutSuffix(p, "*")
	var r *record
	if v, ok := s.tree.Get(key); ok {
		r = v.(*record)
	} else {
		r = &record{}
		s.tree.Insert(key, r)
		s.bytes += len(key)
	}
	t := &r.exact
	if isPrefix {
		t = &r.prefix
	}
	if *t == 0 {
		s.records++
	}
	*t = max(*t, ns)
}

// Invalidated reports whether an entry stored under key at storedAt was
// removed by an invalidation made after it was stored. It does not scan the
// cache nor the records: one exact lookup and one walk down the key's bytes.
func (s *Set) Invalidated(key string, storedAt time.Time) bool {
	hit := s.Matches(key, storedAt)
	if hit {
		s.metrics.hit()
	}
	return hit
}

// Matches is Invalidated without counting a hit: for a second look at an
// entry whose lookup already counted (the edge's re-check before joining a
// fill).
func (s *Set) Matches(key string, storedAt time.Time) bool {
	if !s.active.Load() {
		return false
	}
	st := nanos(storedAt)
	s.mu.RLock()
	defer s.mu.RUnlock()
	hit := st < s.floor
	if !hit {
		if v, ok := s.tree.Get(key); ok && st < v.(*record).exact {
			hit = true
		}
	}
	if !hit {
		s.tree.WalkPath(key, func(_ string, v any) bool {
			hit = st < v.(*record).prefix
			return hit
		})
	}
	return hit
}

// Len returns the number of records (exact paths plus prefixes).
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.records
}

// enforce applies the bounds after an Add at now: records older than MaxAge
// go first; if still too many, the oldest go and the floor rises to the
// newest time dropped, so nothing they invalidated comes back.
func (s *Set) enforce(now int64) {
	if s.limits.MaxAge > 0 && s.overLimits() {
		s.dropBefore(now - int64(s.limits.MaxAge))
	}
	if !s.overLimits() {
		return
	}
	times := make([]int64, 0, s.records)
	s.tree.Walk(func(_ string, v any) bool {
		r := v.(*record)
		for _, t := range []int64{r.exact, r.prefix} {
			if t != 0 {
				times = append(times, t)
			}
		}
		return false
	})
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	// Keep the newest 90% of the record bound so a full Set does not sort on
	// every Add; halve that until the bytes fit too.
	keep := min(s.limits.MaxRecords*9/10, len(times)-1)
	for {
		s.floor = max(s.floor, times[len(times)-keep-1]+1)
		s.dropBefore(s.floor)
		if !s.overLimits() || keep == 0 {
			break
		}
		keep /= 2
	}
	s.metrics.overflow()
}

func (s *Set) overLimits() bool {
	return s.records > s.limits.MaxRecords || s.bytes > s.limits.MaxBytes
}

// dropBefore removes every record time older than t (they can match no entry
// the Set still has to judge: the floor or MaxAge covers them).
func (s *Set) dropBefore(t int64) {
	var empty []string
	s.tree.Walk(func(k string, v any) bool {
		r := v.(*record)
		if r.exact != 0 && r.exact < t {
			r.exact = 0
			s.records--
		}
		if r.prefix != 0 && r.prefix < t {
			r.prefix = 0
			s.records--
		}
		if r.exact == 0 && r.prefix == 0 {
			empty = append(empty, k)
		}
		return false
	})
	for _, k := range empty {
		s.tree.Delete(k)
		s.bytes -= len(k)
	}
}

// nanos is t in Unix nanoseconds; the zero time (an entry with no stored-at)
// is older than everything.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}
