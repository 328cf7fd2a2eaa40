package dashlive

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Bounds.
const (
	MaxBytes           = 8 << 20 // MPD size
	MaxRepresentations = 1024    // (Period, Representation) pairs listed
	MaxTimelineEntries = 1 << 20 // S elements walked in one call, over all Representations
	MaxListed          = 1024    // Options.Window and Options.Next at most
	DefaultWindow      = 8
	DefaultNext        = 2
)

var (
	// ErrInvalid: the MPD cannot be read (not XML, no MPD root, too big,
	// too many entries) or lacks what a live timeline needs.
	ErrInvalid = errors.New("dashlive: invalid MPD")
	// ErrNotDynamic: the MPD is static (on demand); nothing is live.
	ErrNotDynamic = errors.New("dashlive: MPD is not dynamic")
	// ErrTemplate: a SegmentTemplate this package cannot expand.
	ErrTemplate = errors.New("dashlive: unusable SegmentTemplate")
	// ErrUnsupported: a Representation addressed in a way this package does
	// not list (SegmentBase, SegmentList, availabilityTimeOffset INF).
	ErrUnsupported = errors.New("dashlive: unsupported addressing")
)

// Options bound what Segments lists per Representation.
type Options struct {
	Window int // newest available segments (default DefaultWindow, at most MaxListed)
	Next   int // upcoming segments (default DefaultNext, at most MaxListed)
}

// Segment is one media segment.
type Segment struct {
	URL       string
	Number    int64
	Time      int64     // start, in the template's timescale ($Time$)
	Duration  int64     // in the template's timescale
	Available time.Time // when it becomes (or became) available
}

// Representation lists one Representation of one Period.
type Representation struct {
	Period        string
	AdaptationSet string
	ID            string
	Bandwidth     int64
	Init          string    // resolved initialization URL, "" when none
	Available     []Segment // available at now, oldest first (the newest Window)
	Upcoming      []Segment // the next Next, soonest first
}

// Segments lists, for every Representation with a SegmentTemplate in the
// dynamic MPD body fetched from mpdURL, the segments available at now and
// the next ones to become available. Representations it cannot list are
// left out and reported in the error (wrapping ErrTemplate or
// ErrUnsupported) alongside the others; an MPD it cannot read at all gives
// ErrInvalid or ErrNotDynamic and no list.
func Segments(body []byte, mpdURL *url.URL, now time.Time, opt Options) ([]Representation, error) {
	if len(body) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrInvalid, len(body))
	}
	var m xmlMPD
	if err := decode(body, &m); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.Type) != "dynamic" {
		return nil, ErrNotDynamic
	}
	ast, ok := parseDateTime(m.AST)
	if !ok {
		return nil, fmt.Errorf("%w: availabilityStartTime %q", ErrInvalid, m.AST)
	}
	c := &computer{now: now, ast: ast, opt: opt.bounded(), budget: MaxTimelineEntries}
	if m.TSBD != "" {
		d, err := parseDuration(m.TSBD)
		if err != nil {
			return nil, fmt.Errorf("%w: timeShiftBufferDepth: %v", ErrInvalid, err)
		}
		c.tsbd, c.hasTSBD = d, true
	}
	base := mpdURL
	if base == nil {
		base = &url.URL{}
	}
	base, ato, err := resolveBase(base, m.BaseURLs, 0)
	if err != nil {
		return nil, err
	}
	return c.periods(&m, base, ato)
}

func (o Options) bounded() Options {
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Next < 0 {
		o.Next = 0
	} else if o.Next == 0 {
		o.Next = DefaultNext
	}
	o.Window, o.Next = min(o.Window, MaxListed), min(o.Next, MaxListed)
	return o
}

// decode reads the MPD root.
func decode(body []byte, m *xmlMPD) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "MPD" {
				return fmt.Errorf("%w: root <%s>", ErrInvalid, se.Name.Local)
			}
			if err := d.DecodeElement(m, &se); err != nil {
				return fmt.Errorf("%w: %v", ErrInvalid, err)
			}
			return nil
		}
	}
}

// resolveBase resolves the first of a level's BaseURLs against base and
// adds its availabilityTimeOffset to ato.
func resolveBase(base *url.URL, bases []xmlBaseURL, ato time.Duration) (*url.URL, time.Duration, error) {
	if len(bases) == 0 {
		return base, ato, nil
	}
	ref, err := url.Parse(strings.TrimSpace(bases[0].Value))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: BaseURL: %v", ErrInvalid, err)
	}
	if bases[0].ATO != "" {
		d, err := parseSeconds(bases[0].ATO)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: BaseURL@availabilityTimeOffset: %v", ErrUnsupported, err)
		}
		ato += d
	}
	return base.ResolveReference(ref), ato, nil
}
