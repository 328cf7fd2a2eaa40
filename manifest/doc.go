// Package manifest recognises and classifies HLS playlists and DASH MPDs.
//
// In the request path (listener → cache key → store lookup → coalesced origin
// fetch → manifest policy → store → response) it is the first half of the
// manifest policy step: after an origin fill completes, Detect says whether the
// response is a manifest (Content-Type first, then the path extension), and
// Parse validates the body and extracts the few facts the freshness policy
// needs: master or media, live or not, target duration, media sequence,
// segment count, the MPD minimumUpdatePeriod and publishTime, and when the
// newest segment a dynamic MPD's SegmentTimeline or SegmentList lists ends
// (dashtimeline.go). The freshness package turns an Info into a TTL, and
// uses it to refuse replacing a cached live playlist or dynamic MPD with an
// older one. EncodeFacts/DecodeFacts
// (facts.go) are Info's versioned, bounded stored form: the object store
// keeps that blob with the entry without interpreting it.
//
// Parse is deliberately a gate, not a full model: a body that fails it (an
// HTML error page, a truncated or garbage body) must not be cached as a
// manifest. It never panics. Callers bound the body size before calling it.
//
// HLS is decoded with github.com/grafov/m3u8 (non-strict) behind a recover,
// plus a single-pass tag scan that does what the library does not: it
// requires #EXTM3U on the first line, rejects playlists carrying both master
// and media tags (the library lets the last tag win), requires
// EXT-X-TARGETDURATION in a media playlist and reports its declared value
// (the library raises it to the longest EXTINF), and adds EXT-X-SKIP's
// SKIPPED-SEGMENTS to the segment count of an LL-HLS delta update.
//
// DASH is decoded into github.com/zencoder/go-dash/v3's mpd.MPD with
// encoding/xml, after checking the root element is MPD (the library accepts
// any root). When go-dash rejects a well-formed document only because of its
// narrow attribute types (xs:duration with years or months, segmentAlignment
// as a group number such as "2", a list in audioSamplingRate), a minimal
// decode of the root and its Periods decides instead, so valid MPDs are not
// refused. Malformed XML, a root other than MPD, an MPD without a Period, an
// MPD@type other than static/dynamic and an unparsable minimumUpdatePeriod
// are invalid. A dynamic MPD is decoded once more into the few segment
// elements NewestSegmentEnd needs; nothing there makes an MPD invalid.
package manifest
