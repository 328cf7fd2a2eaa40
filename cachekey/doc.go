// Package cachekey turns a client request into the key of the object it names.
//
// It is the first stage of the request path (listener → *cache key* → store
// lookup → coalesced origin fetch → manifest policy → store → response). The key
// is the normalised path plus the kept query parameters sorted by name, so one
// object is one entry however players spell its URL: dot segments are resolved
// (no traversal), repeated slashes merged, percent-encoding normalised (unreserved
// characters decoded, hex upper-cased, an encoded slash stays encoded; a target
// hiding a dot segment behind an encoded slash or backslash, like "..%2F", is
// refused, as an origin that decodes it would climb where the edge resolved
// nothing), and the parameters that never change the object are dropped: CMCD
// and those the operator names with -ignore-query. CloudFront's signed-URL
// parameters (Expires, Policy, Signature, Key-Pair-Id) are kept unless named
// there: the edge does not check them, so only the origin can. Parameters are
// sorted by name with a stable sort, so repeated ones keep their order. The key is also the
// request-target sent to the origin, so what is cached is exactly what was
// fetched. The scheme, host and every header but the variant selectors (the
// Accept-Encoding class and a bounded Origin; see package variant) are unkeyed and are never forwarded on a shared fill, which
// keeps unkeyed input out of the cache.
package cachekey
