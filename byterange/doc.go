// Package byterange parses HTTP Range and If-Range request headers (RFC 9110 §14).
//
// In the request path it sits at the response stage: the edge always fetches and
// stores whole objects (a client's Range is never forwarded on a fill), and cuts
// the requested bytes from the cached object or from a fill as it streams in.
// Only a single range is honoured; a multi-range request is answered with the
// whole body (200), which RFC 9110 permits.
package byterange
