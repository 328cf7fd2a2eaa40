package dashlive

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// tmplValues are a merged SegmentTemplate's numbers.
type tmplValues struct {
	timescale, startNumber, endNumber, duration, pto int64 // endNumber 0: none
	ato                                              time.Duration
}

func (c *computer) representation(r *xmlRepresent, al level, start, end time.Duration, hasEnd bool) (Representation, error) {
	base, ato, err := resolveBase(al.base, r.BaseURLs, al.ato)
	if err != nil {
		return Representation{}, err
	}
	t := al.tmpl.merge(r.Template)
	if t == nil || t.Media == "" {
		return Representation{}, fmt.Errorf("%w: no SegmentTemplate@media", ErrUnsupported)
	}
	v, err := templateValues(t)
	if err != nil {
		return Representation{}, err
	}
	v.ato += ato
	rep := Representation{ID: r.ID}
	if r.Bandwidth != "" {
		if rep.Bandwidth, err = parseInt(r.Bandwidth, 0, 1<<53); err != nil {
			return Representation{}, fmt.Errorf("%w: bandwidth: %v", ErrInvalid, err)
		}
	}
	vs := Vars{RepresentationID: r.ID, Bandwidth: rep.Bandwidth}
	if t.Initialization != "" {
		if rep.Init, err = resolve(base, t.Initialization, vs); err != nil {
			return Representation{}, err
		}
	}
	runs, err := c.runs(t, v)
	if err != nil {
		return Representation{}, err
	}
	avail, upcoming := c.window(v, start, end, hasEnd).walk(runs)
	for _, group := range []struct {
		in  []seg
		out *[]Segment
	}{{avail, &rep.Available}, {upcoming, &rep.Upcoming}} {
		for _, s := range group.in {
			vs.Number, vs.Time = s.number, s.time
			u, err := resolve(base, t.Media, vs)
			if err != nil {
				return Representation{}, err
			}
			at := c.ast.Add(start).Add(duration(s.time+s.d-v.pto, v.timescale)).Add(-v.ato)
			*group.out = append(*group.out, Segment{URL: u, Number: s.number, Time: s.time, Duration: s.d, Available: at})
		}
	}
	return rep, nil
}

func (w window) walk(runs []run) (avail, upcoming []seg) {
	for _, r := range runs {
		avail, upcoming = w.collect(r, avail, upcoming)
	}
	return avail, upcoming
}

// window places now in the Representation's timescale.
func (c *computer) window(v tmplValues, start, end time.Duration, hasEnd bool) window {
	elapsed := c.now.Sub(c.ast) - start
	w := window{
		ready: v.pto + ticks(elapsed+v.ato, v.timescale),
		keep:  c.opt.Window, next: c.opt.Next,
	}
	if c.hasTSBD {
		w.expired, w.hasExpiry = v.pto+ticks(elapsed-c.tsbd, v.timescale), true
	}
	if hasEnd {
		w.end, w.hasEnd = v.pto+ticks(end-start, v.timescale), true
	}
	return w
}

func resolve(base *url.URL, tmpl string, v Vars) (string, error) {
	if strings.Contains(tmpl, "$SubNumber") { // sub-segments are not listed (doc.go)
		return "", fmt.Errorf("%w: $SubNumber$ is not supported", ErrTemplate)
	}
	s, err := Expand(tmpl, v)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrTemplate, err)
	}
	return base.ResolveReference(ref).String(), nil
}

// Bounds on MPD numbers, so no arithmetic below can overflow.
const (
	maxTimescale = 1e8
	maxTicks     = 1 << 53 // S@t, S@d, @duration, @presentationTimeOffset, numbers
	maxRepeat    = 1 << 31
)

func templateValues(t *xmlTemplate) (tmplValues, error) {
	v := tmplValues{timescale: 1, startNumber: 1}
	var err error
	for _, f := range []struct {
		s      string
		dst    *int64
		lo, hi int64
		name   string
	}{
		{t.Timescale, &v.timescale, 1, maxTimescale, "timescale"},
		{t.StartNumber, &v.startNumber, 0, maxTicks, "startNumber"},
		{t.EndNumber, &v.endNumber, 0, maxTicks, "endNumber"},
		{t.Duration, &v.duration, 1, maxTicks, "duration"},
		{t.PTO, &v.pto, 0, maxTicks, "presentationTimeOffset"},
	} {
		if f.s == "" {
			continue
		}
		if *f.dst, err = parseInt(f.s, f.lo, f.hi); err != nil {
			return v, fmt.Errorf("%w: @%s: %v", ErrInvalid, f.name, err)
		}
	}
	if t.ATO != "" {
		if v.ato, err = parseSeconds(t.ATO); err != nil {
			return v, fmt.Errorf("@availabilityTimeOffset: %w", err)
		}
	}
	return v, nil
}

// runs turns the SegmentTimeline (or @duration) into runs of equal
// segments.
func (c *computer) runs(t *xmlTemplate, v tmplValues) ([]run, error) {
	if t.Timeline == nil {
		if v.duration == 0 {
			return nil, fmt.Errorf("%w: neither SegmentTimeline nor @duration", ErrInvalid)
		}
		r := run{t0: v.pto, d: v.duration, count: -1, n0: v.startNumber}
		if t.EndNumber != "" {
			r.count = max(0, v.endNumber-v.startNumber+1)
		}
		return []run{r}, nil
	}
	ss := t.Timeline.S
	if c.budget -= len(ss); c.budget < 0 {
		return nil, fmt.Errorf("%w: more than %d S elements", ErrInvalid, MaxTimelineEntries)
	}
	runs := make([]run, 0, len(ss))
	next, number := int64(0), v.startNumber
	for i, s := range ss {
		r, err := timelineRun(s, next, number)
		if err != nil {
			return nil, fmt.Errorf("S %d: %w", i, err)
		}
		if r.count < 0 && i+1 < len(ss) {
			if ss[i+1].T == "" {
				return nil, fmt.Errorf("%w: S %d has r<0 and the next S no @t", ErrInvalid, i)
			}
			nt, err := parseInt(ss[i+1].T, 0, maxTicks)
			if err != nil {
				return nil, fmt.Errorf("%w: S %d @t: %v", ErrInvalid, i+1, err)
			}
			r.count = max(0, ceilDiv(nt-r.t0, r.d))
		}
		runs = append(runs, r)
		if r.count < 0 {
			break
		}
		next, number = r.t0+r.count*r.d, r.n0+r.count
		if next > maxTicks || number > maxTicks {
			return nil, fmt.Errorf("%w: S %d runs past 2^53", ErrInvalid, i)
		}
	}
	return runs, nil
}

// timelineRun reads one S: t defaults to the previous end, n to the
// running number, r (repeat count) to 0; a negative r is open (count -1).
func timelineRun(s xmlS, next, number int64) (run, error) {
	r := run{t0: next, n0: number, count: 1}
	var err error
	if s.T != "" {
		if r.t0, err = parseInt(s.T, 0, maxTicks); err != nil {
			return r, fmt.Errorf("%w: @t: %v", ErrInvalid, err)
		}
	}
	if r.d, err = parseInt(s.D, 1, maxTicks); err != nil {
		return r, fmt.Errorf("%w: @d: %v", ErrInvalid, err)
	}
	if s.N != "" {
		if r.n0, err = parseInt(s.N, 0, maxTicks); err != nil {
			return r, fmt.Errorf("%w: @n: %v", ErrInvalid, err)
		}
	}
	if s.R != "" {
		rep, err := parseInt(s.R, -maxRepeat, maxRepeat)
		if err != nil {
			return r, fmt.Errorf("%w: @r: %v", ErrInvalid, err)
		}
		r.count = rep + 1
		if rep < 0 {
			r.count = -1
		}
	}
	return r, nil
}
