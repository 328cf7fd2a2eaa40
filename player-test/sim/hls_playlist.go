package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"
)

// Variant is one EXT-X-STREAM-INF entry of a multivariant playlist.
type Variant struct {
	URI        *url.URL
	Bandwidth  int64
	Resolution string
	Codecs     string
}

// MapRef is an EXT-X-MAP media initialization section.
type MapRef struct {
	URI   *url.URL
	Range *ByteRange
}

func (m *MapRef) key() string {
	if m.Range == nil {
		return m.URI.String()
	}
	return fmt.Sprintf("%s@%d-%d", m.URI, m.Range.Off, m.Range.Len)
}

// Segment is one media segment of a media playlist.
type Segment struct {
	MSN           uint64
	URI           *url.URL
	Duration      time.Duration
	Range         *ByteRange
	Map           *MapRef
	Discontinuity bool
	Gap           bool
	PDT           time.Time // EXT-X-PROGRAM-DATE-TIME; zero if absent
	Parts         []Part    // LL-HLS: EXT-X-PART tags of this segment (none once older than 3 × TD)
}

// MediaPlaylist is a parsed HLS media playlist.
type MediaPlaylist struct {
	TargetDuration time.Duration
	MediaSequence  uint64
	Segments       []Segment
	EndList        bool
	Type           string      // VOD, EVENT or ""
	Skipped        uint64      // delta update: EXT-X-SKIP:SKIPPED-SEGMENTS (Segments start at MediaSequence+Skipped)
	LL             *LowLatency // LL-HLS tags; nil without EXT-X-PART-INF
}

// Playlist is either a multivariant playlist (Variants set) or a media
// playlist (Media set).
type Playlist struct {
	Variants []Variant // ascending bandwidth
	Media    *MediaPlaylist
}

// lastMSN returns the MSN after the last segment (MediaSequence if empty).
func (p *MediaPlaylist) nextMSN() uint64 {
	return p.MediaSequence + p.Skipped + uint64(len(p.Segments))
}

// lastDuration returns the duration of the last segment, or the target
// duration if there is none.
func (p *MediaPlaylist) lastDuration() time.Duration {
	if n := len(p.Segments); n > 0 && p.Segments[n-1].Duration > 0 {
		return p.Segments[n-1].Duration
	}
	return p.TargetDuration
}

// ParsePlaylist parses an HLS playlist fetched from base (the final URL).
func ParsePlaylist(body []byte, base *url.URL) (*Playlist, error) {
	p := &hlsParser{base: base, media: &MediaPlaylist{}}
	if err := p.parse(body); err != nil {
		return nil, fmt.Errorf("hls playlist: %w", err)
	}
	if len(p.variants) > 0 {
		if p.isMedia {
			return nil, errors.New("hls playlist: both multivariant and media tags")
		}
		slices.SortStableFunc(p.variants, func(a, b Variant) int { return cmp.Compare(a.Bandwidth, b.Bandwidth) })
		return &Playlist{Variants: p.variants}, nil
	}
	if !p.hasTD {
		return nil, errors.New("hls playlist: no EXT-X-TARGETDURATION and no variants")
	}
	return &Playlist{Media: p.media}, nil
}
