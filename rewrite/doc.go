// Package rewrite rewrites the URIs inside HLS playlists and DASH MPDs
// textually, leaving every other byte as the origin sent it.
//
// In the request path (listener → cache key → store lookup → coalesced origin
// fetch → manifest policy → store → response) it works on manifest bodies
// that are complete and that manifest.Parse has accepted. Package edge uses
// AppendQuery at response time for signed manifests (edge/signed_manifest.go:
// the stored copy stays as the origin sent it, each signed viewer gets its
// own); OriginRelative (EdgeRelative for origins with a base path) rewrites
// manifests once per fill, before they are stored, on behaviors with
// media.rewrite (edge/fill_rewrite.go; README, "Manifest rewriting").
//
// It has two uses, one rewriter:
//   - EdgeRelative: absolute URIs that point at the origin's host become
//     path-absolute references, so players that follow them stay on the edge;
//   - AppendQuery: signed-manifest parameters (a CloudFront custom-policy
//     query) appended to every relative or same-host child URI, so signed
//     HLS/DASH works with query strings alone.
//
// HLS rewrites a playlist line by line: every URI line (segments, the variant
// after EXT-X-STREAM-INF) and the quoted URI attribute of EXT-X-MAP,
// EXT-X-MEDIA, EXT-X-I-FRAME-STREAM-INF, EXT-X-KEY, EXT-X-SESSION-KEY,
// EXT-X-SESSION-DATA, EXT-X-PART, EXT-X-PRELOAD-HINT and
// EXT-X-RENDITION-REPORT, plus SERVER-URI of EXT-X-CONTENT-STEERING and
// X-ASSET-URI/X-ASSET-LIST of EXT-X-DATERANGE. DASH rewrites an MPD token by
// token: the text of BaseURL, Location and PatchLocation and the
// attributes SegmentTemplate@media/@initialization/@index,
// SegmentURL@media/@index, Initialization@sourceURL and
// RepresentationIndex@sourceURL; entities are decoded before the mapper sees
// a value and the result is escaped again. Template identifiers such as
// $Number%05d$ reach the mapper as they are and survive. Comments, CDATA,
// processing instructions, unknown tags, unknown elements, UTCTiming, line
// endings (LF or CRLF) and a byte order mark are copied byte for byte; a
// mapper that changes nothing returns the input unchanged.
//
// Work is one pass over the body (no backtracking), the body is limited to
// MaxBytes and each mapped URI to MaxURIBytes.
package rewrite
