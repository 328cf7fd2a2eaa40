// Package behavior holds CloudFront's path patterns: which cache behavior a
// request path selects (ordered patterns with `*` and `?`, the default
// behavior `*` last).
//
// In the request path it sits between the listener and the cache key: the
// edge's behavior stage (edge/route.go) selects a route by the request's
// normalised path; the route names the origin, the key's dimensions and the
// TTL policy (freshness.TTLs, CloudFront's MinTTL/DefaultTTL/MaxTTL rule).
// Package config validates patterns with Compile at load time.
package behavior
