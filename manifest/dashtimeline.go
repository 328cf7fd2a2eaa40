package manifest

import (
	"strconv"
	"strings"
	"time"
)

// What a dynamic MPD lists, for Info.NewestSegmentEnd: the wall-clock end of
// the newest segment a SegmentTimeline or SegmentList names, the latest
// across Periods, AdaptationSets and Representations. A SegmentTemplate
// without a timeline ($Number$ with @duration), and a timeline whose last S
// repeats without end (r<0), make segments available by the clock, not by
// listing them: they say nothing about how far the packager has got and are
// left out. Anything unparsable in a Representation leaves that
// Representation out; it never makes the MPD invalid.

// The elements read (local names; encoding/xml ignores the DASH namespace).
type tlMPD struct {
	AST     string     `xml:"availabilityStartTime,attr"`
	Periods []tlPeriod `xml:"Period"`
}

type tlPeriod struct {
	tlLevel                       // the Period's own SegmentTemplate/SegmentList
	Start          string         `xml:"start,attr"`
	Duration       string         `xml:"duration,attr"`
	AdaptationSets []tlAdaptation `xml:"AdaptationSet"`
}

type tlAdaptation struct {
	tlLevel
	Representations []tlLevel `xml:"Representation"`
}

// tlLevel is a Period, AdaptationSet or Representation's segment
// description; the lower level overrides the higher.
type tlLevel struct {
	Template *tlSegments `xml:"SegmentTemplate"`
	List     *tlSegments `xml:"SegmentList"`
}

type tlSegments struct {
	Timescale string      `xml:"timescale,attr"`
	Duration  string      `xml:"duration,attr"`
	PTO       string      `xml:"presentationTimeOffset,attr"`
	Timeline  *tlTimeline `xml:"SegmentTimeline"`
	URLs      []struct{}  `xml:"SegmentURL"`
}

type tlTimeline struct {
	S []struct {
		T string `xml:"t,attr"`
		D string `xml:"d,attr"`
		R string `xml:"r,attr"`
	} `xml:"S"`
}

// Bounds on MPD numbers, so nothing below overflows.
const (
	tlMaxTicks     = 1 << 53 // S@t, S@d, @duration, @presentationTimeOffset
	tlMaxEnd       = 1 << 62 // a timeline's end in ticks
	tlMaxRepeat    = 1 << 31
	tlMaxTimescale = 1 << 32
)

// newestSegmentEnd returns Info.NewestSegmentEnd for a dynamic MPD body:
// MPD@availabilityStartTime + Period@start + (end − @presentationTimeOffset)
// / @timescale, in UTC; zero when nothing is listed or the MPD has no
// availabilityStartTime. Work is linear in the body: a timeline shared by
// many Representations is walked once.
func newestSegmentEnd(body []byte) time.Time {
	var m tlMPD
	if decodeRoot(body, &m) != nil {
		return time.Time{}
	}
	ast := parseXSDateTime(m.AST)
	if ast.IsZero() {
		return time.Time{}
	}
	ends := map[*tlTimeline]int64{}
	var newest time.Time
	var start, prevEnd time.Duration
	known := true // the Period's start is known
	for i, p := range m.Periods {
		start, known = periodStart(p, i, prevEnd, known)
		if !known {
			continue
		}
		prevEnd = -1
		if d, err := parseXSDuration(p.Duration); err == nil {
			prevEnd = start + d
		}
		for _, lv := range p.levels() {
			off, ok := lv.end(ends)
			if !ok {
				continue
			}
			if at := ast.Add(start).Add(off); validPublishTime(at) && at.After(newest) {
				newest = at
			}
		}
	}
	return newest
}

// periodStart is Period@start, or the previous Period's end (0 for the
// first); known is false when neither says.
func periodStart(p tlPeriod, i int, prevEnd time.Duration, prevKnown bool) (time.Duration, bool) {
	if p.Start != "" {
		s, err := parseXSDuration(p.Start)
		return s, err == nil
	}
	switch {
	case i == 0:
		return 0, true
	case prevKnown && prevEnd >= 0:
		return prevEnd, true
	}
	return 0, false
}

// levels returns each Representation's merged segment description (an
// AdaptationSet without Representations stands for one).
func (p tlPeriod) levels() []tlLevel {
	var out []tlLevel
	for _, as := range p.AdaptationSets {
		a := p.tlLevel.merge(as.tlLevel)
		if len(as.Representations) == 0 {
			out = append(out, a)
		}
		for _, r := range as.Representations {
			out = append(out, a.merge(r))
		}
	}
	return out
}

func (l tlLevel) merge(child tlLevel) tlLevel {
	return tlLevel{Template: l.Template.merge(child.Template), List: l.List.merge(child.List)}
}

// merge returns s with the attributes child sets overriding it; a child's
// SegmentTimeline or SegmentURLs replace the parent's.
func (s *tlSegments) merge(child *tlSegments) *tlSegments {
	if s == nil || child == nil {
		if child == nil {
			return s
		}
		return child
	}
	m := *s
	for _, f := range []struct{ dst, src *string }{{&m.Timescale, &child.Timescale}, {&m.Duration, &child.Duration}, {&m.PTO, &child.PTO}} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	if child.Timeline != nil {
		m.Timeline = child.Timeline
	}
	if len(child.URLs) > 0 {
		m.URLs = child.URLs
	}
	return &m
}

// end returns when a Representation's newest listed segment ends, from its
// Period's start; false when it lists none (see the top of this file).
func (l tlLevel) end(ends map[*tlTimeline]int64) (time.Duration, bool) {
	s := l.Template
	if s == nil || s.Timeline == nil {
		s = l.List
	}
	if s == nil {
		return 0, false
	}
	timescale, ok1 := tlInt(s.Timescale, 1, 1, tlMaxTimescale)
	pto, ok2 := tlInt(s.PTO, 0, 0, tlMaxTicks)
	if !ok1 || !ok2 {
		return 0, false
	}
	var end int64
	switch {
	case s.Timeline != nil:
		e, seen := ends[s.Timeline]
		if !seen {
			e = timelineEnd(s.Timeline)
			ends[s.Timeline] = e
		}
		end = e
	case len(s.URLs) > 0: // a SegmentList of @duration segments from the Period's start
		d, ok := tlInt(s.Duration, 0, 1, tlMaxTicks)
		if !ok || d > (tlMaxEnd-pto)/int64(len(s.URLs)) {
			return 0, false
		}
		end = pto + d*int64(len(s.URLs))
	}
	if end <= 0 {
		return 0, false
	}
	return ticksToDuration(end-pto, timescale)
}

// timelineEnd returns the end, in ticks, of the last segment a
// SegmentTimeline lists (S@t defaulting to the previous end, 0 first; S@r
// repeats; r<0 runs to the next S@t); 0 for none, a malformed one, or one
// whose last S repeats without end.
func timelineEnd(tl *tlTimeline) int64 {
	next := int64(0)
	for i, s := range tl.S {
		t, ok1 := tlInt(s.T, next, 0, tlMaxTicks)
		d, ok2 := tlInt(s.D, 0, 1, tlMaxTicks)
		r, ok3 := tlInt(s.R, 0, -tlMaxRepeat, tlMaxRepeat)
		if !ok1 || !ok2 || !ok3 {
			return 0
		}
		if r < 0 {
			if i+1 == len(tl.S) {
				return 0
			}
			nt, ok := tlInt(tl.S[i+1].T, -1, 0, tlMaxTicks)
			if !ok || nt < t {
				return 0
			}
			next = nt
			continue
		}
		if d > (tlMaxEnd-t)/(r+1) {
			return 0
		}
		next = t + d*(r+1)
	}
	return next
}

// tlInt parses an integer attribute within [lo, hi]; an absent one is def.
func tlInt(s string, def, lo, hi int64) (int64, bool) {
	if s == "" {
		return def, def >= lo
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n >= lo && n <= hi
}

// ticksToDuration converts ticks of a timescale to a Duration, false past
// maxXSDuration either way.
func ticksToDuration(ticks, timescale int64) (time.Duration, bool) {
	sec, rem := ticks/timescale, ticks%timescale
	if sec > maxXSDuration || sec < -maxXSDuration {
		return 0, false
	}
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/timescale), true
}
