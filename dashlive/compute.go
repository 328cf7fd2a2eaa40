package dashlive

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// computer holds one Segments call's clock, MPD-wide values and budget.
type computer struct {
	now, ast time.Time
	tsbd     time.Duration
	hasTSBD  bool
	opt      Options
	budget   int // S elements left to walk
	errs     []error
	out      []Representation
}

func (c *computer) fail(err error) {
	if len(c.errs) < 8 {
		c.errs = append(c.errs, err)
	}
}

// periods walks the Periods in order; a Period without @start starts where
// the previous one ended (the first at 0).
func (c *computer) periods(m *xmlMPD, base *url.URL, ato time.Duration) ([]Representation, error) {
	var start time.Duration
	prevEnd, hasPrevEnd := time.Duration(0), true
	for i := range m.Periods {
		p := &m.Periods[i]
		if p.Start != "" {
			d, err := parseDuration(p.Start)
			if err != nil {
				return nil, fmt.Errorf("%w: Period@start: %v", ErrInvalid, err)
			}
			start = d
		} else if hasPrevEnd {
			start = prevEnd
		} else {
			return nil, fmt.Errorf("%w: Period %d has no start", ErrInvalid, i)
		}
		end, hasEnd, err := periodEnd(m, i, start)
		if err != nil {
			return nil, err
		}
		if err := c.period(p, base, ato, start, end, hasEnd); err != nil {
			return nil, err
		}
		prevEnd, hasPrevEnd = end, hasEnd
	}
	return c.out, errors.Join(c.errs...)
}

// periodEnd is the next Period's @start, else start + Period@duration, else
// the MPD's mediaPresentationDuration.
func periodEnd(m *xmlMPD, i int, start time.Duration) (time.Duration, bool, error) {
	p := &m.Periods[i]
	if i+1 < len(m.Periods) && m.Periods[i+1].Start != "" {
		d, err := parseDuration(m.Periods[i+1].Start)
		return d, err == nil, err
	}
	if p.Duration != "" {
		d, err := parseDuration(p.Duration)
		return start + d, err == nil, err
	}
	if m.Duration != "" {
		d, err := parseDuration(m.Duration)
		return d, err == nil, err
	}
	return 0, false, nil
}

type level struct {
	base *url.URL
	ato  time.Duration
	tmpl *xmlTemplate
}

func (c *computer) period(p *xmlPeriod, base *url.URL, ato, start, end time.Duration, hasEnd bool) error {
	base, ato, err := resolveBase(base, p.BaseURLs, ato)
	if err != nil {
		return err
	}
	pl := level{base, ato, p.Template}
	for ai := range p.AdaptationSets {
		as := &p.AdaptationSets[ai]
		b, a, err := resolveBase(pl.base, as.BaseURLs, pl.ato)
		if err != nil {
			c.fail(err)
			continue
		}
		al := level{b, a, pl.tmpl.merge(as.Template)}
		for ri := range as.Representations {
			if len(c.out) >= MaxRepresentations {
				return fmt.Errorf("%w: more than %d Representations", ErrInvalid, MaxRepresentations)
			}
			r := &as.Representations[ri]
			rep, err := c.representation(r, al, start, end, hasEnd)
			if err != nil {
				c.fail(fmt.Errorf("Period %q Representation %q: %w", p.ID, r.ID, err))
				continue
			}
			if len(rep.Available)+len(rep.Upcoming) > 0 {
				rep.Period, rep.AdaptationSet = p.ID, as.ID
				c.out = append(c.out, rep)
			}
		}
	}
	return nil
}
