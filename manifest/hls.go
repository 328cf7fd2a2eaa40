package manifest

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"github.com/grafov/m3u8"
)

var utf8BOM = []byte("\xef\xbb\xbf")

// maxTargetDuration bounds EXT-X-TARGETDURATION so that small multiples of
// it still fit in a time.Duration.
const maxTargetDuration = math.MaxUint32 // seconds

// Tags that only a multivariant (master) playlist carries.
var masterTags = map[string]bool{
	"#EXT-X-STREAM-INF":         true,
	"#EXT-X-I-FRAME-STREAM-INF": true,
	"#EXT-X-MEDIA":              true,
	"#EXT-X-SESSION-DATA":       true,
	"#EXT-X-SESSION-KEY":        true,
}

// Tags that only a media playlist carries.
var mediaTags = map[string]bool{
	"#EXTINF":                       true,
	"#EXT-X-TARGETDURATION":         true,
	"#EXT-X-MEDIA-SEQUENCE":         true,
	"#EXT-X-DISCONTINUITY-SEQUENCE": true,
	"#EXT-X-ENDLIST":                true,
	"#EXT-X-PLAYLIST-TYPE":          true,
	"#EXT-X-I-FRAMES-ONLY":          true,
	"#EXT-X-MAP":                    true,
	"#EXT-X-PART":                   true,
	"#EXT-X-PART-INF":               true,
	"#EXT-X-SERVER-CONTROL":         true,
	"#EXT-X-PRELOAD-HINT":           true,
	"#EXT-X-SKIP":                   true,
}

// hlsScan is what one pass over the tags learns.
type hlsScan struct {
	master, media bool
	target        time.Duration
	hasTarget     bool
	extinfs       int // EXTINF lines, an upper bound on the segment count
	skipped       int // EXT-X-SKIP SKIPPED-SEGMENTS
}

func parseHLS(body []byte) (Info, error) {
	s, err := scanHLS(body)
	if err != nil {
		return Info{}, err
	}
	if s.master {
		if err := m3u8.NewMasterPlaylist().DecodeFrom(bytes.NewReader(body), false); err != nil {
			return Info{}, invalidf("hls: %v", err)
		}
		return Info{Format: HLS, Master: true}, nil
	}
	return decodeMedia(body, s)
}

func decodeMedia(body []byte, s hlsScan) (Info, error) {
	pl, err := m3u8.NewMediaPlaylist(0, uint(max(1, s.extinfs)))
	if err != nil {
		return Info{}, invalidf("hls: %v", err)
	}
	if err := pl.DecodeFrom(bytes.NewReader(body), false); err != nil {
		return Info{}, invalidf("hls: %v", err)
	}
	return Info{
		Format:         HLS,
		Live:           !pl.Closed && pl.MediaType != m3u8.VOD,
		TargetDuration: s.target,
		MediaSequence:  pl.SeqNo,
		Segments:       int(pl.Count()) + s.skipped,
	}, nil
}

// scanHLS checks the structure grafov/m3u8 does not: #EXTM3U first, exactly
// one playlist kind, a valid EXT-X-TARGETDURATION in a media playlist.
func scanHLS(body []byte) (hlsScan, error) {
	var s hlsScan
	first, rest, _ := bytes.Cut(bytes.TrimPrefix(body, utf8BOM), []byte("\n"))
	if string(bytes.TrimSpace(first)) != "#EXTM3U" {
		return s, invalidf("hls: first line is not #EXTM3U")
	}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if err := s.tag(bytes.TrimSpace(line)); err != nil {
			return s, err
		}
	}
	switch {
	case s.master && s.media:
		return s, invalidf("hls: both master and media playlist tags")
	case !s.master && !s.media:
		return s, invalidf("hls: neither master nor media playlist tags")
	case s.media && !s.hasTarget:
		return s, invalidf("hls: media playlist without EXT-X-TARGETDURATION")
	}
	return s, nil
}

func (s *hlsScan) tag(line []byte) error {
	if !bytes.HasPrefix(line, []byte("#EXT")) {
		return nil
	}
	name, value, _ := bytes.Cut(line, []byte(":"))
	s.master = s.master || masterTags[string(name)]
	s.media = s.media || mediaTags[string(name)]
	switch string(name) {
	case "#EXTINF":
		s.extinfs++
	case "#EXT-X-TARGETDURATION":
		return s.targetDuration(string(value))
	case "#EXT-X-SKIP":
		return s.skip(string(value))
	}
	return nil
}

func (s *hlsScan) targetDuration(v string) error {
	if s.hasTarget { // MUST NOT repeat; the first one counts
		return nil
	}
	td, err := strconv.ParseFloat(v, 64)
	if err != nil || !(td >= 0 && td <= maxTargetDuration) {
		return invalidf("hls: bad EXT-X-TARGETDURATION %q", v)
	}
	s.target, s.hasTarget = seconds(td), true
	return nil
}

func (s *hlsScan) skip(v string) error {
	n, err := strconv.Atoi(m3u8.DecodeAttributeList(v)["SKIPPED-SEGMENTS"])
	if err != nil || n < 0 || n > math.MaxInt32 {
		return invalidf("hls: bad EXT-X-SKIP %q", v)
	}
	s.skipped += n
	return nil
}
