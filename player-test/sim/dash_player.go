package sim

import (
	"context"
	"net/url"
	"time"
)

// dashPlayer plays one DASH stream (SegmentTemplate, static or dynamic).
type dashPlayer struct {
	*player
	url       *url.URL // MPD URL (MPD@Location may replace it)
	man       *Manifest
	fetchedAt time.Time // when the last MPD fetch began
	offset    time.Duration
	period    int
	pos       time.Duration // period-relative end of the last segment
	rep       int
	initKey   string
}

func newDASHPlayer(p *player, u *url.URL) *dashPlayer {
	return &dashPlayer{player: p, url: u}
}

func (d *dashPlayer) run(ctx context.Context) error {
	defer d.close()
	for attempt := 0; ; attempt++ {
		err := d.loadFirst(ctx)
		if err == nil {
			break
		}
		if sleep(ctx, retryDelay(min(attempt, 3))) != nil {
			return ctx.Err()
		}
	}
	for ctx.Err() == nil && !d.buf.Done() {
		if err := d.step(ctx); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (d *dashPlayer) loadFirst(ctx context.Context) error {
	if err := d.loadMPD(ctx); err != nil {
		return err
	}
	if d.man.Dynamic {
		off, err := d.clockOffset(ctx, d.url, d.man.UTCTiming)
		if err != nil && ctx.Err() != nil {
			return err
		}
		d.offset = off // 0 on error: fall back to the local clock
	}
	d.rep = d.abr.Choose(d.bandwidths())
	d.position()
	return nil
}

// loadMPD fetches and parses the MPD; failures are counted.
func (d *dashPlayer) loadMPD(ctx context.Context) error {
	start := time.Now()
	r, err := d.f.fetch(ctx, d.url, ReqPlaylist, nil, true)
	if err != nil {
		return err
	}
	m, err := ParseMPD(r.body, r.final)
	if err != nil {
		return d.f.parseFail(d.url, err)
	}
	d.man, d.fetchedAt = m, start
	if m.Location != nil {
		d.url = m.Location
	}
	return nil
}

func (d *dashPlayer) cur() (DashPeriod, Representation) {
	p := d.man.Periods[d.period]
	return p, p.Reps[min(d.rep, len(p.Reps)-1)]
}

func (d *dashPlayer) bandwidths() []int64 {
	reps := d.man.Periods[d.period].Reps
	bw := make([]int64, len(reps))
	for i, r := range reps {
		bw[i] = int64(min(r.Bandwidth, 1<<62))
	}
	return bw
}

// serverNow is the local clock corrected by the UTCTiming offset.
func (d *dashPlayer) serverNow() time.Time { return time.Now().Add(d.offset) }
