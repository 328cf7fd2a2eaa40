// Package llhls is the edge's Low-Latency HLS support (rfc8216bis §6.2.5,
// §6.2.6 and Appendix B.1/C): the delivery directives of a playlist request,
// the MSN/part state of a media playlist, and the hold registry where
// blocking playlist requests wait at the edge.
//
// In the request path (listener → cache key → *LL-HLS hold* → store lookup →
// coalesced origin fetch → manifest policy → store → response) it sits just
// after the cache key: a request carrying _HLS_msn (and maybe _HLS_part) is
// checked against the freshest playlist the edge has for its rendition (the
// same key without the directives, per _HLS_skip mode). When that playlist
// already holds the segment or part, it is the answer; when the request is
// impossible it is refused (400: _HLS_part without _HLS_msn, values that are
// not decimal integers, an MSN more than two segments past the playlist's
// last); otherwise the request is registered as a holder and joins the
// coalesced origin fill of its own key (one blocking origin request per
// (playlist, msn, part, skip)). Every fill of the rendition that brings a
// newer playlist (blocking or not) is offered to the registry, which releases
// each holder the new playlist satisfies. A holder gives up after three
// target durations (503). Once a playlist has EXT-X-ENDLIST the directives
// are ignored.
//
// Everything is bounded: holders in all and per playlist (beyond them the
// edge answers 503 with Retry-After), tracked playlists (the least recently
// updated one without holders is dropped) and their bytes, and preload-hint
// paths. The registry starts no goroutine: a holder waits on its own
// request's goroutine, on a context the registry cancels.
//
// The package knows nothing of the edge's store or handlers: it parses,
// compares and signals.
package llhls
