package sim

import (
	"context"
	"net/url"
	"time"
)

// position picks the start: 0 for static MPDs; for dynamic ones the live
// edge minus suggestedPresentationDelay (default 3 segments), inside the
// time-shift window, in the latest Period that has started.
func (d *dashPlayer) position() {
	d.period, d.pos = 0, 0
	if !d.man.Dynamic {
		return
	}
	since := d.serverNow().Sub(d.man.AST)
	for i, p := range d.man.Periods {
		if p.Start <= since {
			d.period = i
		}
	}
	p, rep := d.cur()
	edge := since - p.Start + rep.T.ATO
	if end, ok := rep.T.timelineEnd(); ok && end < edge {
		edge = end
	}
	delay := d.man.SPD
	if delay <= 0 {
		delay = 3 * rep.T.segmentDuration()
	}
	d.pos = edge - delay
	if d.man.TSBD > 0 {
		d.pos = max(d.pos, edge-d.man.TSBD)
	}
	d.pos = max(d.pos, 0)
}

// refresh re-fetches the MPD and maps the position onto the new one.
func (d *dashPlayer) refresh(ctx context.Context) {
	oldID, oldStart := d.man.Periods[d.period].ID, d.man.Periods[d.period].Start
	_, rep := d.cur()
	if err := d.loadMPD(ctx); err != nil {
		d.fetchedAt = time.Now() // retry after another MUP
		return
	}
	if !d.findPeriod(oldID, oldStart) {
		d.position()
		return
	}
	d.rep = d.abr.Choose(d.bandwidths())
	for i, r := range d.man.Periods[d.period].Reps {
		if r.ID == rep.ID {
			d.rep = i
		}
	}
}

func (d *dashPlayer) findPeriod(id string, start time.Duration) bool {
	for i, p := range d.man.Periods {
		if (id != "" && p.ID == id) || (id == "" && p.Start == start) {
			d.period = i
			return true
		}
	}
	return false
}

// fetchSegment fetches the init section when it changed, then the segment.
func (d *dashPlayer) fetchSegment(ctx context.Context, rep Representation, seg DashSegment) {
	vars := TemplateVars{RepresentationID: rep.ID, Bandwidth: rep.Bandwidth, Number: seg.Number, Time: seg.Time}
	if rep.T.Init != "" {
		u, ok := d.templateURL(rep, rep.T.Init, vars)
		if !ok {
			return
		}
		if key := u.String(); key != d.initKey {
			if !d.getSegment(ctx, u, nil, false) {
				return
			}
			d.initKey = key
		}
	}
	u, ok := d.templateURL(rep, rep.T.Media, vars)
	if ok && d.getSegment(ctx, u, nil, true) {
		d.addMedia(seg.Dur)
	}
}

func (d *dashPlayer) templateURL(rep Representation, tmpl string, v TemplateVars) (*url.URL, bool) {
	s, err := ExpandTemplate(tmpl, v)
	if err == nil {
		var u *url.URL
		if u, err = rep.Base.Parse(s); err == nil {
			return u, true
		}
	}
	_ = d.f.parseFail(rep.Base, err)
	return nil, false
}
