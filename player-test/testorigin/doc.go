// Package testorigin is streamedge's test and demo origin: an http.Handler
// that serves committed H.264/AAC fixtures as VOD and clock-driven live HLS
// (MPEG-TS and fMP4) and DASH, plus synthetic objects, with optional faults
// (latency, 503s, stalls, truncated bodies, garbage manifests). `make demo`
// runs it as its own process (bin/player-test origin) and the edge in front
// of it for real browsers (streamedge itself links none of it); the edge's end-to-end
// tests, the player simulator and the benchmarks use
// httptest.NewServer(testorigin.New(opts)).
//
// # Media
//
// testdata/gen.sh (ffmpeg) makes 12 s of testsrc2 video at 30 fps with a
// fixed 2 s GOP, so every rendition has six 2 s segments: 240p (426x240,
// 250 kb/s), 360p (640x360, 500 kb/s) and 480p (854x480, 900 kb/s), H.264
// Constrained Baseline, plus AAC-LC 64 kb/s, 32 kHz stereo (12 s is exactly
// 375 AAC frames, so looping leaves no audio gap). TS segments carry video
// and audio muxed. The fMP4 (CMAF) set has video-only files per rendition
// and one audio-only rendition named "audio"; HLS fMP4 and DASH serve the
// same files.
//
// # Routes
//
// <r> is 240p, 360p or 480p; fMP4 routes also accept r = audio.
//
//	/vod/hls_ts/master.m3u8              3 variants (BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION)
//	/vod/hls_ts/<r>/index.m3u8           VOD media playlist, 6 segments, ENDLIST
//	/vod/hls_ts/<r>/seg_000.ts .. 005    video/mp2t
//	/vod/hls_fmp4/master.m3u8            3 variants + EXT-X-MEDIA audio group "aac"
//	/vod/hls_fmp4/<r>/index.m3u8         EXT-X-MAP:URI="init.mp4", 6 segments
//	/vod/hls_fmp4/<r>/init.mp4           video/mp4 (audio/mp4 for r = audio)
//	/vod/hls_fmp4/<r>/seg_000.m4s .. 005
//	/vod/dash/manifest.mpd               static MPD, SegmentTemplate $Number%03d$, startNumber 0
//	/vod/dash/<r>/init.mp4, seg_000.m4s  the same fMP4 files
//	/live/hls_ts/master.m3u8             as VOD, live media playlists
//	/live/hls_ts/<r>/index.m3u8          6-segment sliding window, TARGETDURATION 2
//	/live/hls_ts/<r>/seg_<msn>.ts        fixture msn%6
//	/live/hls_fmp4/...                   likewise, with init.mp4 and seg_<msn>.m4s
//	/live/dash/manifest.mpd              dynamic MPD, $Number$ = MSN
//	/live/dash/<r>/init.mp4, seg_<n>.m4s
//	/live/llhls/master.m3u8              LL-HLS (fMP4 parts), as hls_fmp4's master
//	/live/llhls/<r>/index.m3u8           LL-HLS media playlist; _HLS_msn, _HLS_part, _HLS_skip
//	/live/llhls/<r>/seg_<msn>.part_<k>.m4s  part k (moof+mdat) of segment msn
//	/live/llhls/<r>/seg_<msn>.m4s, init.mp4  complete segments (the parts back to back)
//	/time                                xs:dateTime (UTC, ms), text/plain, no-store
//	/synthetic/<size>/<name>.<ext>       exactly <size> bytes (1000, 4KiB, 2MiB; max 64MiB)
//	/_stats                              JSON Stats (not counted)
//	/_reset                              zero the counters (not counted)
//
// VOD playlists and all segments (VOD, live, synthetic) carry
// Cache-Control: public, max-age=86400. Every response has an ETag and
// Last-Modified; If-None-Match and If-Modified-Since get 304 and Range gets
// 206 (http.ServeContent); VOD objects are Last-Modified at New. Every
// response has Access-Control-Allow-Origin: * and OPTIONS preflights are
// answered (204). Every request except /_stats and /_reset is counted in
// Stats, per URL path, with the body bytes written.
//
// # Live
//
// The live clock starts at New (Options.Now, default time.Now). The stream's
// epoch — DASH availabilityStartTime, media time 0, MSN 0 — is one window
// (12 s) earlier, so the first request already sees a full window of MSN
// 0..5, and EXT-X-MEDIA-SEQUENCE equals the number of 2 s segments elapsed
// since New. Segment msn is fixture segment msn%6 of cycle msn/6, restamped
// so every live stream is continuous across the wrap without
// EXT-X-DISCONTINUITY: TS gets PTS/DTS/PCR + cycle×12 s and its continuity
// counters carried on; fMP4 gets tfdt and sidx + cycle×12 s (in each track's
// timescale, read from the init segment) and mfhd sequence = msn+1. It is
// served once complete (epoch + (msn+1)×2 s). Segments newer than the
// live edge, or more than 13 segments (window + timeShiftBufferDepth + one)
// behind it, are 404 with max-age=1. Live playlists and MPDs carry
// max-age=1 (TD/2) unless Options.LivePlaylistMaxAge is set. The live MPD
// has minimumUpdatePeriod PT2S, timeShiftBufferDepth PT12S,
// suggestedPresentationDelay PT6S and a UTCTiming http-xsdate element
// pointing at /time on the request's host (X-Forwarded-Host and
// X-Forwarded-Proto win when present).
//
// # LL-HLS
//
// /live/llhls follows rfc8216bis on the same live clock: every fixture
// segment is cut into CMAF parts of about 0.5 s (moof+mdat each, sample j
// in part floor(start_j/0.5 s)); PART-TARGET is the longest part (0.512 s,
// audio). Part k of segment msn is published when its media has elapsed
// since the segment's 2 s slot began, the last part with the segment. The
// playlist lists 12 segments (24 s), EXT-X-PART for the last three
// complete segments and the one in progress, EXT-X-PRELOAD-HINT for the
// next part, EXT-X-RENDITION-REPORT for the other video renditions, an
// EXT-X-DATERANGE every third segment, and EXT-X-SERVER-CONTROL
// CAN-BLOCK-RELOAD=YES, PART-HOLD-BACK = 3 × PART-TARGET, CAN-SKIP-UNTIL=12,
// CAN-SKIP-DATERANGES=YES. _HLS_msn[/_HLS_part] holds the request until the
// playlist has that segment or part (part past a segment's last = part 0
// of the next), at most 3 × TD (then 503, a guard: valid requests are never
// that far ahead); 400 for _HLS_part without
// _HLS_msn, non-decimal values, an MSN more than two past the last
// segment, or a part beyond the Advance Part Limit (3/PART-TARGET).
// _HLS_skip=YES|v2 answers a delta update (EXT-X-SKIP for the segments
// older than the Skip Boundary; v2 also drops their DATERANGEs). A request
// for a part within the Advance Part Limit ahead of the edge (the hint) is
// held until the part is published, then sent chunked; parts further ahead
// are 404. Cache-Control: blocking playlists max-age=12 (6 × TD), their
// errors max-age=8 (4 × TD), other playlists max-age=1, their errors
// max-age=2, parts public, max-age=12, part errors max-age=2.
//
// # Faults
//
// Latency+Jitter delay every counted response (cancelled with the
// request). ErrorRate answers 503 to anything but /time, OPTIONS, /_stats
// and /_reset. GarbageRate replaces playlists and MPDs with random bytes (200,
// same Content-Type). StallRate and TruncateRate hit segment, init and
// synthetic bodies at about half of the body: a stall pauses StallFor, a
// truncation sends the full Content-Length, writes half and aborts the
// connection. Decisions come from a PRNG seeded with Options.Seed.
// Stats().Faults counts the injected faults.
package testorigin
