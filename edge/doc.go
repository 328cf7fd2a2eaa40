// Package edge is the HTTP pipeline of streamedge: it composes the stages of
// the request path, each a small function with one job:
//
//	listener → cache key (cachekey) → store lookup (segments)
//	  → (miss) coalesced origin fetch (coalesce, origin) → manifest policy (manifest, freshness)
//	  → store (segments) → response (this package: Age, X-Cache, Cache-Status, 304, ranges)
//
// An entry stored before a matching invalidation (Config.Invalidations,
// package invalidation; judged by the base key, so every variant goes) is a
// miss, and no request follows a fill whose origin response predates such an
// invalidation. A fresh hit is served from the store. A stale entry inside its
// stale-while-revalidate window is served while one background fill refreshes it.
// Anything else joins the key's fill: media segments stream to every follower as
// bytes arrive; manifests are read whole, validated and only then served and
// stored (a compressed one decoded first, bounded: package coding); a response
// varying on Accept-Encoding or Origin is stored per variant (package
// variant), and a compressible body the origin sent identity is stored once
// per encoding class, compressed once by the fill (fill_compress.go, on
// routes with Compress); on routes with Rewrite a validated manifest's URIs
// naming the origin are made edge-relative once, before it is stored
// (fill_rewrite.go); a 304 refreshes the stored copy without a body transfer; an origin
// failure serves a stale copy within stale-if-error, else 502/504; a segment
// 404 the newest live manifest vouches for is held and retried by its fill
// (notyet.go) instead of being cached. Responses that
// must not be shared (private, no-store, Set-Cookie, other Vary) release the
// waiting followers to fetch on their own and make the key pass-through for a
// short while. A response a fill cannot have asked for (101, an unconditional
// 304, a 206 without Range) is a protocol error: never stored nor shared.
// Upgrade requests (WebSocket) tunnel through pass-through. Fills are bounded
// (fill_limits.go: slots in all and per origin, buffer bytes; beyond them 503
// + Retry-After after -fill-wait), and a body that outgrows its fill is
// continued by each viewer from its own offset (continue.go). Errors the edge
// answers itself go through package failure (status, body, label). The
// package knows nothing of fastcache; segments knows nothing of handlers.
//
// The stages read a request and write a response through two views
// (front.go), so the core depends on no server library; a front end adapts
// one: front_net.go (net/http: ServeHTTP) and front_fast.go (fasthttp:
// ServeFastHTTP, the HTTP/1.1 hot path; its
// sink and streams in front_fast_sink.go, bodies in front_fast_body.go,
// pass-through in front_fast_pass.go, server settings in
// front_fast_server.go).
//
// One file per stage, in request order:
//
//	front*.go       the front ends: request and response views, adapters
//	handler.go      New, serve: method, key, pass-through or the cached path
//	loop.go         tiers: a request whose CDN-Loop names this edge is refused (508)
//	route.go        the behavior stage: the route a normalised path selects (origin, key,
//	                TTLs, methods, viewer protocol), swapped at once on a reload
//	upstream.go     what a request's fill sends the origin (its behavior's cache key and origin request policies)
//	corspolicy.go   the route's response headers policy (package headerspolicy): CORS
//	                preflights answered before the key; applied to every response head
//	exchange.go     one request's state; cache results; access log and metrics at the end
//	lookup.go       store lookup (variants), freshness checks, Age
//	variant.go      which variant a request and a fill's response are (package variant)
//	llhls.go        LL-HLS blocking requests held at the edge (package llhls)
//	fetch.go        join or start the key's fill; answer a failed one (stale or failure)
//	fill.go         the fill itself: origin fetch, protocol checks, streaming body
//	notyet.go       playlist-aware misses: a segment 404 a live manifest vouches for is held and retried (package livewindow)
//	fill_manifest.go, fill_decode.go   manifests read whole, decoded, validated
//	fill_compress.go   compression at the edge: what is compressed, every class stored at once
//	fill_rewrite.go    manifest rewriting (Route.Rewrite): URIs naming the origin made edge-relative before the store
//	revalidate.go   a 304 refreshing the stored copy
//	fill_limits.go  fill slots and buffer bytes
//	prefetch.go     live prefetch: the newest segments a stored live manifest names, origin hints
//	continue.go     viewers of a fill that outgrew its buffer continue on their own
//	store.go        policy → stored metadata; put under the right variant
//	headers.go      which origin headers are kept, refreshed, clamped for clients
//	respond.go      writing an entry or a fill to the client: headers, 304, ranges, body
//	conditional.go  If-None-Match / If-Modified-Since against the stored validators
//	errorresponse.go, errorpage.go, errorcache.go   custom error responses: the page sent
//	                instead of an error (fetched through the behaviors, cached), error caching TTLs
//	cachestatus.go  the RFC 9211 Cache-Status value
//	pass.go, passlist.go   pass-through (and upgrades) and the keys that must pass
//	cmcd.go         the request's CMCD read into the session tracker (package cmcd), never into the key
//	signed.go       a route's signed-URL / signed-cookie check (behavior stage, package signedurl)
//	signed_manifest.go   a signed viewer's copy of a manifest: its children carry its signature (package rewrite)
//	peer.go         a POP member's request (Streamedge-Peer): its fill carries the marker (package peering)
//	metrics.go, storemetrics.go, frontmetrics.go, compressmetrics.go, llhls_metrics.go, stats.go   observability
//	accesslog.go, logstate.go   the access log (JSON lines) and its bounded, non-blocking writer
//	accesslog_cloudfront.go, accesslog_cfresult.go   the cloudfront format: CloudFront's standard log
package edge
