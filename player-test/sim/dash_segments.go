package sim

import (
	"math"
	"time"
)

// DashSegment is one segment of a representation. Start is relative to the
// Period start.
type DashSegment struct {
	Number, Time uint64
	Start, Dur   time.Duration
}

// End returns the period-relative end of the segment.
func (s DashSegment) End() time.Duration { return s.Start + s.Dur }

// posEpsilon absorbs rounding when continuing from the previous segment end.
const posEpsilon = time.Millisecond

// SegmentAt returns the first segment ending after pos (period-relative).
// periodDur bounds the Period (0 = open). It reports false past the end of
// the SegmentTimeline or the Period.
func (t SegTemplate) SegmentAt(pos, periodDur time.Duration) (DashSegment, bool) {
	var s DashSegment
	var ok bool
	if len(t.Timeline) > 0 {
		s, ok = t.timelineAt(pos, periodDur)
	} else {
		s, ok = t.numberAt(pos)
	}
	if ok && periodDur > 0 && s.Start >= periodDur-posEpsilon {
		return s, false
	}
	return s, ok
}

func (t SegTemplate) numberAt(pos time.Duration) (DashSegment, bool) {
	d := float64(t.Duration)
	posTicks := (max(pos, 0) + posEpsilon).Seconds() * float64(t.Timescale)
	k := uint64(max(math.Floor(posTicks/d), 0))
	return DashSegment{
		Number: t.StartNumber + k,
		Time:   t.PTO + k*t.Duration,
		Start:  t.dur(float64(k) * d),
		Dur:    t.dur(d),
	}, true
}

func (t SegTemplate) timelineAt(pos, periodDur time.Duration) (DashSegment, bool) {
	target := t.ticks(max(pos, 0) + posEpsilon)
	var cur uint64
	num := t.StartNumber
	for i, s := range t.Timeline {
		if s.T != nil {
			cur = *s.T
		}
		if s.N != nil {
			num = *s.N
		}
		count := t.repeatCount(i, cur, periodDur)
		if end := float64(cur) + count*float64(s.D); end > target {
			k := uint64(max(math.Floor((target-float64(cur))/float64(s.D)), 0))
			st := cur + k*s.D
			return DashSegment{Number: num + k, Time: st,
				Start: t.dur(float64(st) - float64(t.PTO)), Dur: t.dur(float64(s.D))}, true
		}
		cur += uint64(count) * s.D
		num += uint64(count)
	}
	return DashSegment{}, false
}

// repeatCount returns how many segments S[i] stands for. r=-1 repeats up
// to the next S@t, else the Period end, else indefinitely (+Inf).
func (t SegTemplate) repeatCount(i int, cur uint64, periodDur time.Duration) float64 {
	s := t.Timeline[i]
	if s.R >= 0 {
		return float64(s.R) + 1
	}
	end := math.Inf(1)
	if i+1 < len(t.Timeline) && t.Timeline[i+1].T != nil {
		end = float64(*t.Timeline[i+1].T)
	} else if periodDur > 0 {
		end = t.ticks(periodDur)
	}
	return max(math.Ceil((end-float64(cur))/float64(s.D)), 0)
}

// timelineEnd returns the period-relative end of a bounded SegmentTimeline.
// It reports false for duration templates or an open r=-1 tail.
func (t SegTemplate) timelineEnd() (time.Duration, bool) {
	if len(t.Timeline) == 0 {
		return 0, false
	}
	var cur float64
	for i, s := range t.Timeline {
		if s.T != nil {
			cur = float64(*s.T)
		}
		n := t.repeatCount(i, uint64(cur), 0)
		if math.IsInf(n, 1) {
			return 0, false
		}
		cur += n * float64(s.D)
	}
	return t.dur(cur - float64(t.PTO)), true
}

// segmentDuration returns the nominal segment duration.
func (t SegTemplate) segmentDuration() time.Duration {
	if len(t.Timeline) > 0 {
		return t.dur(float64(t.Timeline[0].D))
	}
	return t.dur(float64(t.Duration))
}
