// Package freshness decides whether and for how long the edge may keep an
// origin response: RFC 9111 shared-cache rules, RFC 5861 stale windows, and
// defaults for streaming media.
//
// In the request path (listener → cache key → store lookup → coalesced origin
// fetch → manifest policy → store → response) it is the manifest policy step:
// after a fill, Decide turns the origin's status and headers, plus the
// manifest.Info of the body, into a Policy the store and the response writer
// follow; ShouldReplace keeps a refresh from replacing a cached live playlist
// or dynamic MPD with an older one (MPDs by publishTime, else by the newest
// segment they list).
//
// # Lifetime
//
// Policy.TTL is the full freshness lifetime. A stored response is fresh until
// ResponseTime + TTL − InitialAge, where InitialAge is RFC 9111's
// corrected_initial_age; the Age to send is InitialAge + (now − ResponseTime).
//
// The origin's lifetime is, first that applies: s-maxage, max-age,
// Expires − Date (Expires is ignored when either is present; an unparsable
// Expires such as "0" means already expired: stored with TTL 0). Without one:
//
//	HLS live media playlist    TargetDuration / 2
//	DASH dynamic MPD           min(minimumUpdatePeriod, 2s), at least 1s (2s without MUP)
//	HLS multivariant playlist  60s
//	404 / 410                  Config.NegativeTTL
//	anything else              Config.DefaultTTL (VOD playlists, static MPDs, segments, …)
//
// Live clamp: a live HLS media playlist's TTL never exceeds TargetDuration/2
// and its stale-while-revalidate never exceeds TargetDuration, even when the
// origin says more (max-age=3600 on a live playlist is common and freezes
// players: RFC 8216 clients give up on a playlist unchanged for 1.5 × TD). A
// DASH dynamic MPD's TTL never exceeds its default above.
//
// unqualified no-cache: stored with TTL 0 (revalidate before each use).
//
// # Storing and sharing
//
// Not stored and not shareable: no-store; unqualified private; Set-Cookie;
// a request with Authorization unless the response has public, s-maxage or
// must-revalidate; Vary naming anything but Accept-Encoding and Origin (the
// dimensions package variant keys on), or Vary: *.
// Header fields named by private="…" or no-cache="…" are listed in
// Policy.StripFields for removal before storing.
//
// By status: 404 and 410 are stored (NegativeTTL by default); 200, 203, 204,
// 300, 301, 308, 405, 414 and 501 are stored by default; other 5xx are never
// stored but may be shared with coalesced waiters; any other status (206,
// 302, 307, other 4xx, …) is stored only with explicit freshness.
//
// # Stale windows
//
// The origin's stale-while-revalidate / stale-if-error apply when present;
// otherwise Config's windows do, except on must-revalidate,
// proxy-revalidate, s-maxage or no-cache responses, which get 0 unless the
// origin gave its own windows. A status >= 400 gets no stale window at all,
// the origin's included: an error is never served stale.
package freshness
