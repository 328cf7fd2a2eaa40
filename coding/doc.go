// Package coding decodes HTTP content codings (gzip, x-gzip, br, zstd,
// deflate; identity passes through) with a bound on the decoded size.
//
// In the request path it belongs to the manifest policy stage (listener →
// cache key → store lookup → coalesced origin fetch → *manifest policy* →
// store → response): a manifest must be read as text to be classified,
// validated (and later rewritten), and origins such as nginx with gzip_types
// send playlists compressed. Decoding stops at the caller's limit, so a
// compression bomb is an error (ErrTooBig), never an allocation; a body that
// does not decode is ErrCorrupt; a coding the edge does not know is
// ErrUnsupported. The codecs are github.com/klauspost/compress (gzip, zstd,
// zlib) and github.com/andybalholm/brotli.
package coding
