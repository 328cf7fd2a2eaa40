// Package variant is the one home of response variants: which stored copy of
// an object a request gets when the origin's response depends on a request
// header.
//
// In the request path (listener → cache key → *store lookup* → coalesced origin
// fetch → manifest policy → *store* → response) it sits on both sides of the
// store. On the way in, Class reduces Accept-Encoding to an encoding class
// ("br", "zstd", "gzip" or identity) and FromRequest reads the request's Origin; on a
// fill, FillAcceptEncoding is what the edge asks the origin for. On the way
// back, Of decides whether a response may be shared and on which dimensions it
// varies: Vary naming Accept-Encoding and/or Origin (plus the CORS preflight
// fields a GET never carries); a content-coded body varies on Accept-Encoding
// even without Vary, and an Access-Control-Allow-Origin naming one origin
// varies on Origin even without Vary. Any other Vary field, or Vary: *, is not
// shareable (freshness turns that into the "vary" pass-through reason).
//
// A varying response is stored under Key (the cache key plus the request's
// class and/or Origin value); the plain key then holds a Marker, a tiny entry
// (status 0) recording the dimensions and the Origin values admitted so far,
// which sends lookups to the right variant. Origin is a bounded dimension: the
// value must be a serialized origin (scheme://host[:port] or "null") of at
// most MaxOriginLen bytes, an absent Origin is its own variant, and at most
// MaxOrigins distinct values are stored per object; any other request for such
// an object is passed through uncached, so no client can grow the edge's state.
package variant
