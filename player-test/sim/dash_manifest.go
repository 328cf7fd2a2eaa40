package sim

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Manifest is a parsed MPD reduced to what a player needs: one main
// (video, else first) AdaptationSet per Period.
type Manifest struct {
	Dynamic   bool
	AST       time.Time
	Duration  time.Duration // mediaPresentationDuration (0 unknown)
	MUP       time.Duration
	HasMUP    bool
	TSBD      time.Duration // 0 = unbounded
	SPD       time.Duration // suggestedPresentationDelay (0 unset)
	Location  *url.URL
	UTCTiming []Descriptor
	Periods   []DashPeriod
}

// DashPeriod is one Period with its main AdaptationSet's representations.
type DashPeriod struct {
	ID       string
	Start    time.Duration
	Duration time.Duration    // 0 = open-ended
	Reps     []Representation // ascending bandwidth
}

// Representation is one rendition with its resolved BaseURL and template.
type Representation struct {
	ID        string
	Bandwidth uint64
	Base      *url.URL
	T         SegTemplate
}

// SegTemplate is a merged SegmentTemplate with defaults applied.
type SegTemplate struct {
	Media, Init                           string
	StartNumber, Timescale, Duration, PTO uint64
	ATO                                   time.Duration
	Timeline                              []TimelineS
}

// ParseMPD parses an MPD fetched from doc (the final URL).
func ParseMPD(body []byte, doc *url.URL) (*Manifest, error) {
	x, err := decodeMPD(body)
	if err != nil {
		return nil, err
	}
	m, err := manifestHeader(x, doc)
	if err != nil {
		return nil, fmt.Errorf("mpd: %w", err)
	}
	base := resolveBase(doc, x.BaseURLs)
	if err := m.addPeriods(x.Periods, base); err != nil {
		return nil, fmt.Errorf("mpd: %w", err)
	}
	return m, nil
}

func manifestHeader(x *mpdXML, doc *url.URL) (*Manifest, error) {
	m := &Manifest{Dynamic: x.Type == "dynamic", UTCTiming: x.UTCTimings}
	var err error
	if m.Dynamic {
		if m.AST, err = ParseXSDateTime(x.AST); err != nil {
			return nil, fmt.Errorf("availabilityStartTime: %w", err)
		}
	}
	fields := []struct {
		s   string
		dst *time.Duration
	}{{x.Duration, &m.Duration}, {x.MUP, &m.MUP}, {x.TSBD, &m.TSBD}, {x.SPD, &m.SPD}}
	for _, f := range fields {
		if f.s == "" {
			continue
		}
		if *f.dst, err = ParseXSDuration(f.s); err != nil {
			return nil, err
		}
	}
	m.HasMUP = x.MUP != ""
	if len(x.Locations) > 0 {
		m.Location, _ = doc.Parse(strings.TrimSpace(x.Locations[0]))
	}
	return m, nil
}

func resolveBase(parent *url.URL, bases []string) *url.URL {
	if len(bases) == 0 || strings.TrimSpace(bases[0]) == "" {
		return parent
	}
	u, err := parent.Parse(strings.TrimSpace(bases[0]))
	if err != nil {
		return parent
	}
	return u
}

func (m *Manifest) addPeriods(ps []periodXML, base *url.URL) error {
	if len(ps) == 0 {
		return errors.New("no Period")
	}
	var next time.Duration
	for i, px := range ps {
		p, err := buildPeriod(px, base, next)
		if err != nil {
			return fmt.Errorf("period %d: %w", i, err)
		}
		m.Periods = append(m.Periods, p)
		next = p.Start + p.Duration
	}
	m.fillDurations()
	return nil
}

// fillDurations derives missing Period durations from the next start or
// the presentation duration.
func (m *Manifest) fillDurations() {
	for i := range m.Periods {
		p := &m.Periods[i]
		switch {
		case p.Duration > 0:
		case i+1 < len(m.Periods):
			p.Duration = max(m.Periods[i+1].Start-p.Start, 0)
		case m.Duration > p.Start:
			p.Duration = m.Duration - p.Start
		}
	}
}

func buildPeriod(px periodXML, base *url.URL, defStart time.Duration) (DashPeriod, error) {
	p := DashPeriod{ID: px.ID, Start: defStart}
	var err error
	if px.Start != "" {
		if p.Start, err = ParseXSDuration(px.Start); err != nil {
			return p, err
		}
	}
	if px.Duration != "" {
		if p.Duration, err = ParseXSDuration(px.Duration); err != nil {
			return p, err
		}
	}
	set := mainSet(px.Sets)
	if set == nil {
		return p, errors.New("no AdaptationSet with Representations")
	}
	base = resolveBase(base, px.BaseURLs)
	setBase := resolveBase(base, set.BaseURLs)
	for _, rx := range set.Reps {
		r, err := buildRep(rx, setBase, rx.Template.merge(set.Template.merge(px.Template)))
		if err != nil {
			return p, fmt.Errorf("representation %q: %w", rx.ID, err)
		}
		p.Reps = append(p.Reps, r)
	}
	slices.SortStableFunc(p.Reps, func(a, b Representation) int { return cmp.Compare(a.Bandwidth, b.Bandwidth) })
	return p, nil
}

// mainSet picks the first video AdaptationSet, else the first non-empty one.
func mainSet(sets []setXML) *setXML {
	var first *setXML
	for i := range sets {
		s := &sets[i]
		if len(s.Reps) == 0 {
			continue
		}
		if s.ContentType == "video" || strings.HasPrefix(s.MimeType, "video/") ||
			strings.HasPrefix(s.Reps[0].MimeType, "video/") {
			return s
		}
		if first == nil {
			first = s
		}
	}
	return first
}
