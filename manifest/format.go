package manifest

import (
	"path"
	"strings"
)

// Format is the kind of manifest a response holds.
type Format int

// Formats. None means "not a manifest".
const (
	None Format = iota
	HLS
	DASH
)

// String returns "none", "hls" or "dash".
func (f Format) String() string {
	switch f {
	case HLS:
		return "hls"
	case DASH:
		return "dash"
	default:
		return "none"
	}
}

var hlsTypes = []string{
	"application/vnd.apple.mpegurl",
	"audio/mpegurl",
	"application/x-mpegurl",
	"audio/x-mpegurl",
}

const dashType = "application/dash+xml"

// Detect says whether a response is a manifest, from Content-Type first, then
// the URL path extension. Content-Type is compared case-insensitively with
// parameters ignored; a Content-Type that names neither format (origins often
// send text/plain or application/octet-stream) falls back to the path. A query
// or fragment left on path is ignored.
func Detect(contentType, path string) Format {
	if f := formatOfType(contentType); f != None {
		return f
	}
	switch ext(path) {
	case ".m3u8", ".m3u":
		return HLS
	case ".mpd":
		return DASH
	}
	return None
}

func formatOfType(contentType string) Format {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	for _, t := range hlsTypes {
		if strings.EqualFold(mt, t) {
			return HLS
		}
	}
	if strings.EqualFold(mt, dashType) {
		return DASH
	}
	return None
}

var segmentExts = map[string]bool{
	".ts": true, ".m4s": true, ".mp4": true, ".m4a": true, ".m4v": true,
	".aac": true, ".vtt": true, ".webvtt": true, ".cmfv": true, ".cmfa": true,
}

// IsSegmentPath reports whether path ends in a media segment or
// initialization-section extension: .ts .m4s .mp4 .m4a .m4v .aac .vtt .webvtt
// .cmfv .cmfa (case-insensitive; a query or fragment is ignored).
func IsSegmentPath(p string) bool {
	return segmentExts[ext(p)]
}

// ext returns the lower-cased extension of the last path element, ignoring
// any query or fragment.
func ext(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	return strings.ToLower(path.Ext(p))
}
