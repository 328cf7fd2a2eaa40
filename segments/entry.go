package segments

import (
	"net/http"
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
)

// Meta is the fixed-size part of an entry.
type Meta struct {
	Status         int
	StoredAt       time.Time // response time; unix-nanosecond precision is kept
	InitialAge     time.Duration
	FreshUntil     time.Time
	SWRUntil       time.Time // stale-while-revalidate allowed until
	SIEUntil       time.Time // stale-if-error allowed until
	Flags          Flags
	MediaSequence  uint64 // live HLS playlist facts, for the "never replace with older" rule
	Segments       int32
	TargetDuration time.Duration
}

// Entry is one stored response.
type Entry struct {
	Meta
	Header http.Header // the selected response headers the edge chose to keep
	Body   []byte
}
