package sim

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Part is one LL-HLS partial segment (EXT-X-PART).
type Part struct {
	URI         *url.URL
	Duration    time.Duration
	Independent bool
}

// LowLatency holds a media playlist's LL-HLS tags (rfc8216bis §4.4.3.7–8,
// §4.4.4.9, §4.4.5.2–3).
type LowLatency struct {
	PartTarget    time.Duration // EXT-X-PART-INF:PART-TARGET
	PartHoldBack  time.Duration // EXT-X-SERVER-CONTROL
	CanBlock      bool
	CanSkipUntil  time.Duration
	Hint          *url.URL  // EXT-X-PRELOAD-HINT:TYPE=PART
	Trailing      []Part    // parts of the segment in progress (MSN = nextMSN)
	TrailingStart time.Time // its EXT-X-PROGRAM-DATE-TIME; zero if absent
}

// ll returns the playlist's LL-HLS state, creating it; finishLL drops it
// again when the playlist turns out to have no EXT-X-PART-INF.
func (p *hlsParser) ll() *LowLatency {
	if p.media.LL == nil {
		p.media.LL = &LowLatency{}
	}
	return p.media.LL
}

func (p *hlsParser) llTag(name, val string) error {
	p.isMedia = true
	if name == "#EXT-X-PROGRAM-DATE-TIME" {
		t, err := time.Parse(time.RFC3339Nano, val)
		p.pdt = t
		return wrapIf(err, name)
	}
	if name == "#EXT-X-SKIP" {
		return p.skipTag(val)
	}
	attrs, err := parseAttrs(val)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	switch name {
	case "#EXT-X-PART":
		return p.partTag(attrs)
	case "#EXT-X-PART-INF":
		p.ll().PartTarget, err = parseSeconds(attrs["PART-TARGET"])
		return wrapIf(err, name)
	case "#EXT-X-SERVER-CONTROL":
		return p.serverControl(attrs)
	case "#EXT-X-PRELOAD-HINT":
		if attrs["TYPE"] == "PART" {
			p.ll().Hint, err = p.resolve(attrs["URI"])
		}
		return wrapIf(err, name)
	}
	return nil
}

func (p *hlsParser) partTag(attrs map[string]string) error {
	d, err := parseSeconds(attrs["DURATION"])
	if err != nil {
		return fmt.Errorf("EXT-X-PART: %w", err)
	}
	u, err := p.resolve(attrs["URI"])
	if err != nil {
		return fmt.Errorf("EXT-X-PART: %w", err)
	}
	p.parts = append(p.parts, Part{URI: u, Duration: d, Independent: attrs["INDEPENDENT"] == "YES"})
	return nil
}

func (p *hlsParser) serverControl(attrs map[string]string) error {
	ll := p.ll()
	ll.CanBlock = attrs["CAN-BLOCK-RELOAD"] == "YES"
	var err error
	if v, ok := attrs["PART-HOLD-BACK"]; ok {
		if ll.PartHoldBack, err = parseSeconds(v); err != nil {
			return fmt.Errorf("PART-HOLD-BACK: %w", err)
		}
	}
	if v, ok := attrs["CAN-SKIP-UNTIL"]; ok {
		if ll.CanSkipUntil, err = parseSeconds(v); err != nil {
			return fmt.Errorf("CAN-SKIP-UNTIL: %w", err)
		}
	}
	return nil
}

func (p *hlsParser) skipTag(val string) error {
	attrs, err := parseAttrs(val)
	if err != nil {
		return fmt.Errorf("EXT-X-SKIP: %w", err)
	}
	if len(p.media.Segments) > 0 || p.media.Skipped > 0 {
		return errors.New("EXT-X-SKIP after a segment or twice")
	}
	n, err := strconv.ParseUint(attrs["SKIPPED-SEGMENTS"], 10, 32)
	p.media.Skipped = n
	return wrapIf(err, "EXT-X-SKIP:SKIPPED-SEGMENTS")
}

// finishLL keeps the trailing parts and drops LL state from playlists
// without EXT-X-PART-INF (parts need it, §4.4.3.7).
func (p *hlsParser) finishLL() error {
	ll := p.media.LL
	if ll == nil {
		if len(p.parts) > 0 {
			return errors.New("EXT-X-PART without EXT-X-PART-INF")
		}
		return nil
	}
	if ll.PartTarget <= 0 {
		if len(p.parts) > 0 || hasParts(p.media.Segments) {
			return errors.New("EXT-X-PART without EXT-X-PART-INF")
		}
		p.media.LL = nil // SERVER-CONTROL alone: a regular live playlist
		return nil
	}
	ll.Trailing, ll.TrailingStart = p.parts, p.pdt
	if ll.PartHoldBack == 0 {
		ll.PartHoldBack = 3 * ll.PartTarget
	}
	return nil
}

func hasParts(segs []Segment) bool {
	for _, s := range segs {
		if len(s.Parts) > 0 {
			return true
		}
	}
	return false
}
