// Package coalesce makes every concurrent request for one cache key share one
// origin fetch.
//
// In the request path it sits between the store lookup and the origin
// (listener → cache key → store lookup → *coalesced origin fetch* → manifest
// policy → store → response). A miss joins the Fill in flight for its key; when
// there is none, golang.org/x/sync/singleflight elects one caller to create and
// register it, so two racing misses never start two fetches. The fill runs on a
// context detached from every viewer (its starter bounds it: fill slots,
// buffer bytes, origin progress), so the first client hanging up fails nobody.
// A filler that panics is recovered, as net/http recovers a handler: its fill
// fails with ErrPanic and the Group reports it.
//
// Head[V] carries the filler's own value V to readers (the edge's entry
// metadata), typed: no assertions.
//
// A Fill is an append-only body buffer plus state: waiting for headers →
// streaming → complete or failed. The filler appends bytes as they arrive and
// wakes readers (a channel closed and replaced on each change); each reader keeps
// its own offset and writes to its client at its own pace, so a slow reader
// slows neither the fill nor the others, and the body is held once however many
// follow it. Readers that already sent headers when a fill fails must cut their
// connection so clients never take a short body for a complete one. A reader
// whose offset lies past where a failed fill stopped gets the fill's error.
package coalesce
