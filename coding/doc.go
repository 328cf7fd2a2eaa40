// Package coding decodes HTTP content codings (gzip, x-gzip, br, zstd,
// deflate; identity passes through) with a bound on the decoded size, and
// encodes gzip, br and zstd for compression at the edge.
//
// In the request path it belongs to the manifest policy stage (listener →
// cache key → store lookup → coalesced origin fetch → *manifest policy* →
// store → response): a manifest must be read as text to be classified,
// validated (and later rewritten), and origins such as nginx with gzip_types
// send playlists compressed. Decoding stops at the caller's limit, so a
// compression bomb is an error (ErrTooBig), never an allocation; a body that
// does not decode is ErrCorrupt; a coding the edge does not know is
// ErrUnsupported. On the store side, an Encoder compresses a fill's identity
// body once per encoding class at cheap levels (GzipLevel, BrotliLevel,
// ZstdLevel), and CompressibleType with MinCompressSize..MaxCompressSize are
// CloudFront's rules for what is worth compressing. The codecs are
// github.com/klauspost/compress (gzip, zstd, zlib) and
// github.com/andybalholm/brotli.
package coding
