// Package segments is the edge's object store: encoded HTTP responses (HLS/DASH
// segments, manifests) kept in a fastcache ring off the Go heap.
//
// Where it sits in the request path:
//
//	listener → cache key → [store lookup: Store.Get] → coalesced origin fetch
//	         → manifest policy → [store: Store.Put] → response
//
// The package knows nothing of HTTP handlers, origins or freshness policy: it
// keeps whatever Entry it is given (http.Header is used only as a data type)
// and hands it back, or reports a miss. Freshness decisions are made by the
// caller from Entry.Meta. Meta.Facts is the caller's own bounded, opaque
// blob (the edge keeps a manifest's facts there, encoded by manifest); the
// store copies it in and out without reading it.
//
// Each entry is one versioned binary value written with SetBig: a fixed
// header, the facts, a bounded header block and the body. Decoding validates every
// length; a missing, partially evicted, corrupt or foreign-version value is a
// miss. Because fastcache evicts FIFO per bucket, a hit on an entry written
// long ago (in bytes written since) re-inserts it, so hot objects survive a
// flood of cold ones; hits served from the hot layer or a shared copy
// re-insert from that copy.
//
// Hits never copy per reader: the hot layer (hot.go) serves the most used
// entries decoded and shared, and every other hit reads the one refcounted
// copy of the stored value that its concurrent readers share (shared.go),
// all such copies bounded in bytes (Config.MaxSharedBytes). A slow client
// therefore pins at most a shared copy, whatever the number of clients.
package segments
