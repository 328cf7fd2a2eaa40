// Package invalidation keeps CloudFront-style invalidations and answers, per
// cache entry, whether one of them removed it, and serves CloudFront's
// invalidation REST API (CreateInvalidation, GetInvalidation,
// ListInvalidations) so `aws cloudfront create-invalidation` works unchanged.
//
// Its place in the request path is the store lookup:
//
//	… → cache key → store lookup (segments) + *Set.Invalidated(key, storedAt)* → …
//
// An invalidation is effective at once and costs nothing per cached object:
// nothing is scanned or deleted. A Set holds records (a path pattern and the
// time it was invalidated); an entry whose stored-at is before a matching
// record's time is invalid, and the lookup treats it as a miss (the next fill
// replaces it). Exact paths and trailing-'*' prefixes live in one radix tree,
// so a lookup walks the key's own bytes once, whatever the number of records.
// A pattern invalidated again keeps only its newest time.
//
// Bounds (Limits): at most MaxRecords records and MaxBytes of pattern bytes.
// A record older than MaxAge (the cache's longest entry lifetime) can match no
// live entry, since every live entry was stored after it, and is dropped. If
// the records still do not fit, the oldest are dropped and the Set's floor is
// raised to the newest dropped time: every entry stored before the floor is
// invalid. That over-invalidates (extra origin fetches), never under-invalidates.
// The API keeps the newest MaxHistory invalidations (at most MaxHistoryBytes
// of IDs, references and paths) for Get, List and CallerReference
// idempotency.
//
// A Set encodes to a versioned, checksummed byte string (MarshalBinary) to be
// saved beside the cache snapshot, so a restart does not resurrect
// invalidated objects; garbage decodes to an error, never a panic.
//
// The API (NewAPI) authenticates every call with AWS Signature Version 4,
// recomputing the signature with aws-sdk-go-v2's v4 signer against the access
// keys it is given; an unsigned or wrongly signed call gets CloudFront's 403
// AccessDenied error XML and changes nothing. Alone, an edge's invalidations
// are Completed at once; with APIConfig.Progress (package fleet) each new one
// is handed on, and its status is what Progress says (InProgress until every
// live edge applied it). The edge consults a Set on every store lookup (edge.Config.Invalidations);
// cmd/streamedge serves the API on the admin listener with the access keys of
// the configuration file's invalidation section, saves the Set beside the
// cache snapshot and registers Metrics.
package invalidation
