// Package livewindow remembers, per rendition, what the newest cached live
// HLS media playlist or dynamic DASH MPD names, so that a segment the
// origin answers 404 (or 410) can be told apart: "not yet published" or
// gone.
//
// In the request path (listener → cache key → store lookup → coalesced
// origin fetch → manifest policy → store → response) it is written at the
// store step of a live manifest's fill and read at the origin fetch of a
// segment's fill. FromManifest lists a stored manifest's window: for HLS
// (rfc8216bis §4.4.4.9, §4.4.5.3, §6.2.2) the newest segment and
// EXT-X-PART URIs as listed, and as "next" the EXT-X-PRELOAD-HINT URIs plus
// the URI of the next Media Sequence Number when the last segment's URI
// carries its own number (seg_41.ts → seg_42.ts, zero padding kept:
// NextByNumber); for DASH (ISO/IEC 23009-1 §5.3.9, DASH-IF IOP live timing)
// package dashlive's available segments as listed and its upcoming ones
// with the time each becomes available. Playlists are read by
// prefetch.ScanPlaylist and MPDs by dashlive: this package parses neither.
//
// Index maps segment cache keys to the rendition that named them. Lookup
// says how long a fill may hold a 404 for a key: a listed or next segment
// min(target duration or segment duration, MaxHold) from now; an upcoming
// DASH segment until its availability time + Slack, and only when that
// time is at most MaxHold away; a key the index does not know (older than
// the window, never listed, or named by a manifest not refreshed for three
// target durations / update periods) not at all. The index is bounded in
// renditions (MaxRenditions), keys per rendition (MaxKeys) and bytes
// (MaxBytes, keys plus a fixed overhead per entry), least recently
// recorded rendition evicted first.
package livewindow
