package sim

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

func buildRep(rx repXML, base *url.URL, tx *templateXML) (Representation, error) {
	r := Representation{ID: rx.ID, Bandwidth: rx.Bandwidth, Base: resolveBase(base, rx.BaseURLs)}
	if tx == nil || tx.Media == "" {
		return r, errors.New("no SegmentTemplate@media (only SegmentTemplate is supported)")
	}
	t, err := buildTemplate(tx)
	r.T = t
	return r, err
}

func buildTemplate(tx *templateXML) (SegTemplate, error) {
	t := SegTemplate{Media: tx.Media, Init: tx.Init, StartNumber: 1, Timescale: 1}
	if tx.StartNumber != nil {
		t.StartNumber = *tx.StartNumber
	}
	if tx.Timescale != nil {
		t.Timescale = *tx.Timescale
	}
	if tx.Duration != nil {
		t.Duration = *tx.Duration
	}
	if tx.PTO != nil {
		t.PTO = *tx.PTO
	}
	if tx.Timeline != nil {
		t.Timeline = tx.Timeline.S
	}
	if err := parseATO(tx.ATO, &t); err != nil {
		return t, err
	}
	return t, t.validate()
}

func parseATO(s string, t *SegTemplate) error {
	switch s = strings.TrimSpace(s); s {
	case "":
		return nil
	case "INF":
		t.ATO = 24 * time.Hour
		return nil
	}
	d, err := parseSeconds(s)
	if err != nil {
		return fmt.Errorf("availabilityTimeOffset: %w", err)
	}
	t.ATO = d
	return nil
}

func (t SegTemplate) validate() error {
	if t.Timescale == 0 {
		return errors.New("timescale 0")
	}
	if len(t.Timeline) == 0 && t.Duration == 0 {
		return errors.New("SegmentTemplate needs @duration or a SegmentTimeline")
	}
	for i, s := range t.Timeline {
		if s.D == 0 {
			return fmt.Errorf("SegmentTimeline S[%d]: d=0", i)
		}
		if s.R < -1 {
			return fmt.Errorf("SegmentTimeline S[%d]: r=%d", i, s.R)
		}
	}
	return nil
}

// ticks converts a period-relative presentation time to timescale units
// (including presentationTimeOffset).
func (t SegTemplate) ticks(d time.Duration) float64 {
	return float64(t.PTO) + d.Seconds()*float64(t.Timescale)
}

// dur converts timescale units to a duration.
func (t SegTemplate) dur(ticks float64) time.Duration {
	return time.Duration(ticks / float64(t.Timescale) * float64(time.Second))
}
