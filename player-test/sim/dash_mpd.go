package sim

import (
	"encoding/xml"
	"fmt"
)

// The MPD subset the simulator reads. Element/attribute names match in any
// namespace.

type mpdXML struct {
	XMLName    xml.Name     `xml:"MPD"`
	Type       string       `xml:"type,attr"`
	AST        string       `xml:"availabilityStartTime,attr"`
	Duration   string       `xml:"mediaPresentationDuration,attr"`
	MUP        string       `xml:"minimumUpdatePeriod,attr"`
	TSBD       string       `xml:"timeShiftBufferDepth,attr"`
	SPD        string       `xml:"suggestedPresentationDelay,attr"`
	BaseURLs   []string     `xml:"BaseURL"`
	Locations  []string     `xml:"Location"`
	UTCTimings []Descriptor `xml:"UTCTiming"`
	Periods    []periodXML  `xml:"Period"`
}

// Descriptor is a scheme/value pair such as UTCTiming.
type Descriptor struct {
	Scheme string `xml:"schemeIdUri,attr"`
	Value  string `xml:"value,attr"`
}

type periodXML struct {
	ID       string       `xml:"id,attr"`
	Start    string       `xml:"start,attr"`
	Duration string       `xml:"duration,attr"`
	BaseURLs []string     `xml:"BaseURL"`
	Template *templateXML `xml:"SegmentTemplate"`
	Sets     []setXML     `xml:"AdaptationSet"`
}

type setXML struct {
	ContentType string       `xml:"contentType,attr"`
	MimeType    string       `xml:"mimeType,attr"`
	BaseURLs    []string     `xml:"BaseURL"`
	Template    *templateXML `xml:"SegmentTemplate"`
	Reps        []repXML     `xml:"Representation"`
}

type repXML struct {
	ID        string       `xml:"id,attr"`
	Bandwidth uint64       `xml:"bandwidth,attr"`
	MimeType  string       `xml:"mimeType,attr"`
	BaseURLs  []string     `xml:"BaseURL"`
	Template  *templateXML `xml:"SegmentTemplate"`
}

type templateXML struct {
	Media       string       `xml:"media,attr"`
	Init        string       `xml:"initialization,attr"`
	StartNumber *uint64      `xml:"startNumber,attr"`
	Timescale   *uint64      `xml:"timescale,attr"`
	Duration    *uint64      `xml:"duration,attr"`
	PTO         *uint64      `xml:"presentationTimeOffset,attr"`
	ATO         string       `xml:"availabilityTimeOffset,attr"`
	Timeline    *timelineXML `xml:"SegmentTimeline"`
}

type timelineXML struct {
	S []TimelineS `xml:"S"`
}

// TimelineS is one SegmentTimeline S element.
type TimelineS struct {
	T *uint64 `xml:"t,attr"`
	D uint64  `xml:"d,attr"`
	R int64   `xml:"r,attr"`
	N *uint64 `xml:"n,attr"`
}

// merge returns t with unset fields taken from parent (lower level wins).
func (t *templateXML) merge(parent *templateXML) *templateXML {
	if t == nil {
		return parent
	}
	if parent == nil {
		return t
	}
	m := *t
	m.Media = cmpOr(m.Media, parent.Media)
	m.Init = cmpOr(m.Init, parent.Init)
	m.ATO = cmpOr(m.ATO, parent.ATO)
	m.StartNumber = ptrOr(m.StartNumber, parent.StartNumber)
	m.Timescale = ptrOr(m.Timescale, parent.Timescale)
	m.Duration = ptrOr(m.Duration, parent.Duration)
	m.PTO = ptrOr(m.PTO, parent.PTO)
	m.Timeline = ptrOr(m.Timeline, parent.Timeline)
	return &m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func ptrOr[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

func decodeMPD(body []byte) (*mpdXML, error) {
	var m mpdXML
	if err := xml.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("mpd: %w", err)
	}
	return &m, nil
}
