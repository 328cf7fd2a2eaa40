// Package edge is the HTTP pipeline of streamedge: it composes the stages of
// the request path, each a small function with one job:
//
//	listener → cache key (cachekey) → store lookup (segments)
//	  → (miss) coalesced origin fetch (coalesce, origin) → manifest policy (manifest, freshness)
//	  → store (segments) → response (this package: Age, X-Cache, 304, ranges)
//
// A fresh hit is served from the store. A stale entry inside its
// stale-while-revalidate window is served while one background fill refreshes it.
// Anything else joins the key's fill: media segments stream to every follower as
// bytes arrive; manifests are read whole, validated and only then served and
// stored (a compressed one decoded first, bounded: package coding); a response
// varying on Accept-Encoding or Origin is stored per variant (package
// variant); a 304 refreshes the stored copy without a body transfer; an origin
// failure serves a stale copy within stale-if-error, else 502/504. Responses that
// must not be shared (private, no-store, Set-Cookie, other Vary) release the
// waiting followers to fetch on their own and make the key pass-through for a
// short while. The package knows nothing of fastcache; segments knows nothing
// of handlers.
package edge
