// Package prefetch decides what the edge fetches ahead of its viewers: the
// newest segments a refreshed live playlist or dynamic MPD names, and the
// next objects an origin's hints name (`Link: <…>; rel=next`,
// `CDN-Origin-Assist-Prefetch-Path`).
//
// In the request path it follows the store step of a fill: once a live
// manifest is stored, the edge asks Targets for the segments to fetch
// (through the coalescer, so a viewer arriving meanwhile joins the same
// fill) and Tracker counts which prefetched objects a viewer then used and
// which were wasted. It only lists targets on the edge's own origin (paths
// relative to the manifest or path-absolute); the edge decides what is
// already cached.
//
// ScanPlaylist is the one scan of an HLS media playlist: prefetch reads its
// segments, the edge's live window (package livewindow) its segments,
// parts and preload hints.
package prefetch
