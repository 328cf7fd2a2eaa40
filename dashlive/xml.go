package dashlive

// The few MPD elements Segments reads (local names; encoding/xml ignores
// the DASH namespace when a field names none).

type xmlMPD struct {
	Type     string       `xml:"type,attr"`
	AST      string       `xml:"availabilityStartTime,attr"`
	TSBD     string       `xml:"timeShiftBufferDepth,attr"`
	Duration string       `xml:"mediaPresentationDuration,attr"`
	BaseURLs []xmlBaseURL `xml:"BaseURL"`
	Periods  []xmlPeriod  `xml:"Period"`
}

type xmlBaseURL struct {
	Value string `xml:",chardata"`
	ATO   string `xml:"availabilityTimeOffset,attr"`
}

type xmlPeriod struct {
	ID             string          `xml:"id,attr"`
	Start          string          `xml:"start,attr"`
	Duration       string          `xml:"duration,attr"`
	BaseURLs       []xmlBaseURL    `xml:"BaseURL"`
	Template       *xmlTemplate    `xml:"SegmentTemplate"`
	AdaptationSets []xmlAdaptation `xml:"AdaptationSet"`
}

type xmlAdaptation struct {
	ID              string         `xml:"id,attr"`
	BaseURLs        []xmlBaseURL   `xml:"BaseURL"`
	Template        *xmlTemplate   `xml:"SegmentTemplate"`
	Representations []xmlRepresent `xml:"Representation"`
}

type xmlRepresent struct {
	ID        string       `xml:"id,attr"`
	Bandwidth string       `xml:"bandwidth,attr"`
	BaseURLs  []xmlBaseURL `xml:"BaseURL"`
	Template  *xmlTemplate `xml:"SegmentTemplate"`
}

type xmlTemplate struct {
	Media          string       `xml:"media,attr"`
	Initialization string       `xml:"initialization,attr"`
	StartNumber    string       `xml:"startNumber,attr"`
	EndNumber      string       `xml:"endNumber,attr"`
	Timescale      string       `xml:"timescale,attr"`
	Duration       string       `xml:"duration,attr"`
	PTO            string       `xml:"presentationTimeOffset,attr"`
	ATO            string       `xml:"availabilityTimeOffset,attr"`
	Timeline       *xmlTimeline `xml:"SegmentTimeline"`
}

type xmlTimeline struct {
	S []xmlS `xml:"S"`
}

type xmlS struct {
	T string `xml:"t,attr"`
	D string `xml:"d,attr"`
	R string `xml:"r,attr"`
	N string `xml:"n,attr"`
}

// merge returns t with the attributes child sets overriding it; a child
// SegmentTimeline replaces the parent's.
func (t *xmlTemplate) merge(child *xmlTemplate) *xmlTemplate {
	if child == nil {
		return t
	}
	if t == nil {
		return child
	}
	m := *t
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&m.Media, child.Media}, {&m.Initialization, child.Initialization}, {&m.StartNumber, child.StartNumber}, {&m.EndNumber, child.EndNumber},
		{&m.Timescale, child.Timescale}, {&m.Duration, child.Duration}, {&m.PTO, child.PTO}, {&m.ATO, child.ATO},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	if child.Timeline != nil {
		m.Timeline = child.Timeline
	}
	return &m
}
