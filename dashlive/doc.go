// Package dashlive computes which segments of a live (dynamic) DASH MPD
// exist at a given wall-clock time.
//
// In the request path (listener → cache key → store lookup → coalesced origin
// fetch → manifest policy → store → response) it belongs to the manifest
// policy step: once a dynamic MPD has been filled, Segments lists per
// Representation the URLs that are available now (the newest Window of
// them) and the next ones to appear with the time each becomes available —
// what live prefetch fetches ahead and what a playlist-aware miss checks a
// segment 404 against (packages prefetch and livewindow call it when the
// edge stores a dynamic MPD).
//
// It follows ISO/IEC 23009-1 and the DASH-IF IOP live timing: SegmentTemplate
// with @duration ($Number$) or with a SegmentTimeline ($Time$ and $Number$;
// S@t, S@d, S@r including r=-1 repeated to the next S@t or the Period's end,
// S@n), inherited and overridden from Period to AdaptationSet to
// Representation; @startNumber, @endNumber, @timescale, @presentationTimeOffset,
// @availabilityTimeOffset (plus BaseURL@availabilityTimeOffset),
// MPD@availabilityStartTime, Period@start/@duration,
// MPD@timeShiftBufferDepth and @mediaPresentationDuration; $RepresentationID$,
// $Bandwidth$, $$ and width formats such as $Number%05d$; BaseURLs resolved
// level by level against the MPD's URL (the first of several alternatives).
// A segment becomes available when it ends, earlier by the
// availabilityTimeOffset, and stops being available timeShiftBufferDepth
// later. SegmentBase and SegmentList Representations, $SubNumber$ and an
// availabilityTimeOffset of INF are not listed (reported). UTCTiming is not
// read: the caller supplies the clock.
//
// The MPD is decoded with encoding/xml into the few elements this needs
// (go-dash's types are too narrow for real MPDs, see package manifest). Work
// is bounded by MaxBytes, MaxRepresentations, MaxTimelineEntries and the
// Window/Next limits, never by the values inside the MPD.
package dashlive
