package sim

import (
	"context"
	"time"
)

// smallMUP: MPDs with a minimumUpdatePeriod up to this are re-fetched on
// schedule; larger ones only when the known segments run out.
const smallMUP = time.Minute

// availabilityMargin is added to a segment's availability time: the
// UTCTiming clock estimate is only good to about a millisecond (xs:dateTime
// bodies carry ms), so requesting at the exact instant can get a 404.
const availabilityMargin = 50 * time.Millisecond

// refreshAt returns when the MPD may be re-fetched (zero: never).
func (d *dashPlayer) refreshAt() time.Time {
	if !d.man.Dynamic || !d.man.HasMUP {
		return time.Time{}
	}
	return d.fetchedAt.Add(max(d.man.MUP, time.Second))
}

func (d *dashPlayer) refreshDue(needed bool) bool {
	at := d.refreshAt()
	return !at.IsZero() && !time.Now().Before(at) && (needed || d.man.MUP <= smallMUP)
}

// step does one thing: refresh the MPD, fetch one segment, or wait.
func (d *dashPlayer) step(ctx context.Context) error {
	if d.refreshDue(false) {
		d.refresh(ctx)
		return nil
	}
	p, rep := d.cur()
	seg, ok := rep.T.SegmentAt(d.pos, p.Duration)
	if !ok {
		return d.endOfSegments(ctx)
	}
	if wait := d.availableIn(p, rep, seg); wait > 0 {
		return sleep(ctx, d.capWait(wait))
	}
	if wait := d.bufferWait(seg.Dur); wait > 0 {
		return sleep(ctx, d.capWait(wait))
	}
	d.fetchSegment(ctx, rep, seg)
	d.pos = seg.End()
	d.rep = d.abr.Choose(d.bandwidths())
	if _, next := d.cur(); next.ID != rep.ID {
		d.m.switched()
	}
	return nil
}

// capWait shortens a wait so a scheduled MPD refresh is not missed.
func (d *dashPlayer) capWait(w time.Duration) time.Duration {
	if at := d.refreshAt(); !at.IsZero() && d.man.MUP <= smallMUP {
		return max(min(w, time.Until(at)), time.Millisecond)
	}
	return w
}

// endOfSegments handles running out of segments in the current Period.
func (d *dashPlayer) endOfSegments(ctx context.Context) error {
	if d.period+1 < len(d.man.Periods) {
		d.period++
		d.pos = 0
		return nil
	}
	at := d.refreshAt()
	if at.IsZero() {
		return d.drain(ctx) // static, or dynamic that will not change
	}
	if err := sleep(ctx, time.Until(at)); err != nil {
		return err
	}
	d.refresh(ctx)
	return nil
}

// availableIn returns how long until seg is available (dynamic MPDs), and
// repositions to the live window when the player fell behind it.
func (d *dashPlayer) availableIn(p DashPeriod, rep Representation, seg DashSegment) time.Duration {
	if !d.man.Dynamic {
		return 0
	}
	edge := d.serverNow().Sub(d.man.AST.Add(p.Start)) + rep.T.ATO
	if d.man.TSBD > 0 && seg.End() < edge-d.man.TSBD {
		d.position()
		return time.Millisecond
	}
	return seg.End() - edge + availabilityMargin
}
