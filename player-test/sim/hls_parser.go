package sim

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// hlsParser holds the state of one playlist parse.
type hlsParser struct {
	base     *url.URL
	variants []Variant
	media    *MediaPlaylist
	isMedia  bool
	hasTD    bool
	// pending state for the next URI line
	stream  map[string]string
	inf     bool
	dur     time.Duration
	rng     *ByteRange
	rngOff  bool
	curMap  *MapRef
	disc    bool
	gap     bool
	prevSeg *Segment
	pdt     time.Time
	parts   []Part
}

func (p *hlsParser) parse(body []byte) error {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(body), "\n")
	if strings.TrimSpace(lines[0]) != "#EXTM3U" {
		return errors.New("missing #EXTM3U")
	}
	for i, line := range lines[1:] {
		line = strings.TrimSpace(line)
		if err := p.line(line); err != nil {
			return fmt.Errorf("line %d: %w", i+2, err)
		}
	}
	if p.stream != nil || p.inf {
		return errors.New("tag without a following URI")
	}
	return p.finishLL()
}

func (p *hlsParser) line(line string) error {
	switch {
	case line == "":
		return nil
	case strings.HasPrefix(line, "#EXT"):
		name, val, _ := strings.Cut(line, ":")
		return p.tag(name, val)
	case strings.HasPrefix(line, "#"):
		return nil // comment
	}
	return p.uri(line)
}

func (p *hlsParser) tag(name, val string) error {
	switch name {
	case "#EXT-X-STREAM-INF":
		attrs, err := parseAttrs(val)
		p.stream = attrs
		return err
	case "#EXT-X-TARGETDURATION":
		n, err := strconv.ParseUint(val, 10, 32)
		p.media.TargetDuration, p.hasTD, p.isMedia = time.Duration(n)*time.Second, true, true
		return wrapIf(err, "EXT-X-TARGETDURATION")
	case "#EXT-X-MEDIA-SEQUENCE":
		n, err := strconv.ParseUint(val, 10, 63)
		p.media.MediaSequence = n
		return wrapIf(err, "EXT-X-MEDIA-SEQUENCE")
	case "#EXTINF":
		d, _, _ := strings.Cut(val, ",")
		dur, err := parseSeconds(d)
		p.dur, p.inf, p.isMedia = dur, true, true
		return err
	case "#EXT-X-BYTERANGE":
		r, hasOff, err := parseByteRange(val)
		p.rng, p.rngOff = &r, hasOff
		return err
	case "#EXT-X-MAP":
		return p.mapTag(val)
	case "#EXT-X-PROGRAM-DATE-TIME", "#EXT-X-PART", "#EXT-X-PART-INF", "#EXT-X-SERVER-CONTROL",
		"#EXT-X-PRELOAD-HINT", "#EXT-X-SKIP":
		return p.llTag(name, val)
	}
	p.flagTag(name, val)
	return nil
}

func (p *hlsParser) flagTag(name, val string) {
	switch name {
	case "#EXT-X-DISCONTINUITY":
		p.disc = true
	case "#EXT-X-GAP":
		p.gap = true
	case "#EXT-X-ENDLIST":
		p.media.EndList, p.isMedia = true, true
	case "#EXT-X-PLAYLIST-TYPE":
		p.media.Type = val
	}
}

func (p *hlsParser) mapTag(val string) error {
	attrs, err := parseAttrs(val)
	if err != nil {
		return err
	}
	u, err := p.resolve(attrs["URI"])
	if err != nil {
		return fmt.Errorf("EXT-X-MAP: %w", err)
	}
	m := &MapRef{URI: u}
	if br, ok := attrs["BYTERANGE"]; ok {
		r, hasOff, err := parseByteRange(br)
		if err != nil || !hasOff {
			return fmt.Errorf("EXT-X-MAP BYTERANGE %q: needs n@o", br)
		}
		m.Range = &r
	}
	p.curMap = m
	return nil
}

func (p *hlsParser) uri(line string) error {
	u, err := p.resolve(line)
	if err != nil {
		return err
	}
	if p.stream != nil {
		return p.variant(u)
	}
	if !p.inf {
		return fmt.Errorf("URI %q without EXTINF or EXT-X-STREAM-INF", line)
	}
	return p.segment(u)
}

func (p *hlsParser) variant(u *url.URL) error {
	bw, err := strconv.ParseInt(p.stream["BANDWIDTH"], 10, 64)
	if err != nil || bw < 0 {
		return fmt.Errorf("EXT-X-STREAM-INF: bad BANDWIDTH %q", p.stream["BANDWIDTH"])
	}
	p.variants = append(p.variants, Variant{URI: u, Bandwidth: bw,
		Resolution: p.stream["RESOLUTION"], Codecs: p.stream["CODECS"]})
	p.stream = nil
	return nil
}

func (p *hlsParser) segment(u *url.URL) error {
	s := Segment{MSN: p.media.nextMSN(), URI: u, Duration: p.dur, Map: p.curMap,
		Discontinuity: p.disc, Gap: p.gap, PDT: p.pdt, Parts: p.parts}
	if p.rng != nil {
		r := *p.rng
		if !p.rngOff {
			prev := p.prevSeg
			if prev == nil || prev.Range == nil || prev.URI.String() != u.String() {
				return errors.New("EXT-X-BYTERANGE without offset and no previous sub-range of the same URI")
			}
			r.Off = prev.Range.Off + prev.Range.Len
		}
		s.Range = &r
	}
	p.media.Segments = append(p.media.Segments, s)
	p.prevSeg = &p.media.Segments[len(p.media.Segments)-1]
	p.inf, p.rng, p.rngOff, p.disc, p.gap = false, nil, false, false, false
	p.pdt, p.parts = time.Time{}, nil
	return nil
}

func (p *hlsParser) resolve(ref string) (*url.URL, error) {
	if ref == "" {
		return nil, errors.New("empty URI")
	}
	u, err := p.base.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("URI %q: %w", ref, err)
	}
	return u, nil
}

func wrapIf(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
