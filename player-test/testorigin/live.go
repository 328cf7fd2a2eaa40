package testorigin

import "time"

const (
	liveWindow = cycleSegments // segments listed in a live playlist (12 s)
	// liveRetain is how many segments behind the newest one stay fetchable:
	// the window, plus timeShiftBufferDepth (another window), plus one.
	liveRetain = 2*liveWindow + 1
)

// liveClock maps wall-clock time to live segment numbers. The stream's
// epoch (DASH availabilityStartTime, media time 0, MSN 0) is one window
// before the origin started, so a full window is listed from the very first
// request: MSN 0..5 at start, and EXT-X-MEDIA-SEQUENCE equals the number of
// segments elapsed since New.
type liveClock struct {
	epoch time.Time
	now   func() time.Time
}

func newLiveClock(start time.Time, now func() time.Time) liveClock {
	return liveClock{epoch: start.Add(-liveWindow * segDur), now: now}
}

// produced is the number of complete segments: MSNs 0..produced-1 exist.
func (c liveClock) produced() int64 {
	d := c.now().Sub(c.epoch)
	if d < 0 {
		return 0
	}
	return int64(d / segDur)
}

// window returns the first and last MSN of the current live playlist.
func (c liveClock) window() (first, last int64) {
	n := c.produced()
	return max(0, n-liveWindow), n - 1
}

// servable reports whether segment msn may be fetched now: it must be
// complete and no more than liveRetain segments behind the newest.
func (c liveClock) servable(msn int64) bool {
	n := c.produced()
	return msn >= 0 && msn < n && msn >= n-liveRetain
}

// available is the wall-clock time segment msn became complete.
func (c liveClock) available(msn int64) time.Time {
	return c.epoch.Add(time.Duration(msn+1) * segDur)
}

// mediaStart is the wall-clock time of the first sample of segment msn of
// rendition r (fixture segment msn%6 of cycle msn/6).
func (c liveClock) mediaStart(r *rendition, msn int64) time.Time {
	cycle, i := msn/cycleSegments, msn%cycleSegments
	off := time.Duration(r.segs[i].start * float64(time.Second))
	return c.epoch.Add(time.Duration(cycle)*cycleDur + off)
}
