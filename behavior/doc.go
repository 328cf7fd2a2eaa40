// Package behavior holds CloudFront's per-path rules as pure functions: which
// cache behavior a request path selects (ordered path patterns with `*` and
// `?`, the default behavior `*` last) and how a behavior's cache policy
// clamps the origin's lifetime (MinTTL, DefaultTTL, MaxTTL against
// s-maxage, max-age and Expires).
//
// In the request path it sits between the listener and the cache key: the
// behavior a path selects names the origin, the key's query/header/cookie
// dimensions and the TTL policy the fill applies. Package config validates
// patterns with Compile at load time; the edge does not consult this package
// yet (serving from a configuration file comes with the edge wiring).
package behavior
