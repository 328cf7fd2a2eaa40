// Package signedurl verifies CloudFront-compatible signed URLs and signed
// cookies, so that URLs and cookies made by CloudFront's signers (the AWS SDKs,
// `aws cloudfront sign`) open the same objects on the edge.
//
// Its place in the request path is before the cache key:
//
//	listener → limits → *signed URL check* → cache key (cachekey) → store lookup → …
//
// A cache behavior that requires signatures hands each request to a Verifier
// holding the behavior's trusted key groups. The Verifier reads the signing
// parameters (Expires or Policy, Signature, Key-Pair-Id, Hash-Algorithm) from
// the query, or, when the URL carries none of them, the CloudFront-* cookies;
// rebuilds a canned policy or decodes a custom one (bounded: MaxPolicyBytes,
// exactly one statement); checks the RSA (SHA-1 or SHA-256) or ECDSA P-256
// signature against the key the Key-Pair-Id names in a trusted group; then the
// conditions (DateLessThan, DateGreaterThan, IpAddress) and the Resource, with
// CloudFront's wildcards. The answer is nil or ErrDenied, the same value
// whatever failed, so the caller's 403 (DeniedBody) gives no hint; the Reason
// returned beside it is for metrics and the access log only. After a request
// passes, StripQuery removes the signing parameters so they are neither part of
// the cache key nor sent to the origin: every viewer's signed URL for one
// object is one cache entry.
//
// Package edge runs a route's Verifier in its behavior stage (edge/signed.go:
// Route.Signed, set from a configuration file's trusted_key_groups); Check's
// Grant is what a signed manifest hands on to its children. The package has
// no global state and exposes its Prometheus series as a Collector (Metrics)
// for the wiring to register.
package signedurl
