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
//
// A cache behavior's cache policy (Config.QueryStrings, Headers, Cookies:
// CloudFront's none/whitelist/allExcept/all) changes what enters the key;
// Builder.Request builds it with the request's headers: the kept query as
// above, then one "\x00h:name=value" item per whitelisted header present
// (names lower-cased and sorted, each value trimmed, inner spaces made one,
// lines joined by ",") and one "\x00c:name=value" per selected cookie
// (sorted by name). The origin request policy (Config.Origin) adds values
// the fill sends without keying on them: Request.Target carries the key's
// query parameters plus the ones it names, Request.Header the keyed headers
// and cookies plus the ones it names. Every dimension is bounded: MaxParams
// query parameters and cookies, MaxValueLen per keyed value, MaxLen for the
// whole key, MaxForward bytes of headers per fill; past a bound the request
// gets 414 or 431 and nothing is kept. Headers the edge sets on fills itself
// (EdgeHeader) are never taken from a viewer.
package cachekey
