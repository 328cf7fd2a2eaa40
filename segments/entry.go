package segments

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Flags are per-entry booleans decided by the caller's policy.
type Flags uint32

const (
	FlagMustRevalidate Flags = 1 << iota
	FlagNoCache
	FlagVaryAcceptEncoding
	FlagManifest
	FlagLive
	FlagPrefetched // stored by a prefetch, before any viewer asked
	FlagCompressed // the body is the edge's own compression of the origin's identity body
	FlagRewritten  // a manifest that went through its route's URI rewriter (changed or not)
)

// Meta is the metadata part of an entry.
type Meta struct {
	Status     int
	StoredAt   time.Time // response time; unix-nanosecond precision is kept
	InitialAge time.Duration
	FreshUntil time.Time
	SWRUntil   time.Time // stale-while-revalidate allowed until
	SIEUntil   time.Time // stale-if-error allowed until
	Flags      Flags
	// Facts is an opaque blob (at most MaxFactsBytes) the caller keeps with
	// the entry: the edge stores a manifest's facts (manifest.Info's own
	// versioned encoding). The store never interprets it; a decoded Facts
	// is a copy, so it may be kept after Hit.Release.
	Facts []byte
}

// Entry is one stored response.
type Entry struct {
	Meta
	Header http.Header // the selected response headers the edge chose to keep
	Body   []byte
	// Memo is the decoded copy's memo (nil when the copy is a reader's own);
	// it is never stored.
	Memo *Memo
}

// Memo holds what a reader derived from an entry once, for every later hit
// on the same decoded copy: the edge keeps a plain hit's response head, as
// its front end serialised it, there. The hot layer gives each entry it
// admits one; it goes with the entry. The value is the reader's, immutable
// once stored; the last Store wins.
type Memo struct{ v atomic.Value }

// Load returns the value stored, nil when none is (or m is nil).
func (m *Memo) Load() any {
	if m == nil {
		return nil
	}
	return m.v.Load()
}

// Store keeps v, which must be of the same type as any value before it.
func (m *Memo) Store(v any) {
	if m != nil {
		m.v.Store(v)
	}
}
