package dashlive

import "time"

// ticks converts d to timescale units, rounding down.
func ticks(d time.Duration, timescale int64) int64 {
	s, r := int64(d/time.Second), int64(d%time.Second)
	return s*timescale + floorDiv(r*timescale, int64(time.Second))
}

// duration converts t timescale units to a Duration, saturating.
func duration(t, timescale int64) time.Duration {
	s, r := t/timescale, t%timescale
	const maxS = int64(1<<63-1) / int64(time.Second)
	if s > maxS-1 || s < -maxS+1 {
		if s < 0 {
			return time.Duration(-1 << 63)
		}
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(s)*time.Second + time.Duration(r*int64(time.Second)/timescale)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// run is a sequence of equal segments: count of them (unbounded when
// count < 0) of d ticks from t0, numbered from n0.
type run struct {
	t0, d, count, n0 int64
}

// window is what one Representation lists, in its timescale: segments are
// ready when they end at or before ready, expired when they end at or
// before expired (if hasExpiry), and listed only if they start before end
// (if hasEnd).
type window struct {
	ready, expired, end int64
	hasExpiry, hasEnd   bool
	keep, next          int
}

// collect appends the available (newest w.keep) and upcoming (first
// w.next) segments of r to avail and upcoming.
func (w window) collect(r run, avail, upcoming []seg) ([]seg, []seg) {
	count := r.count
	if w.hasEnd {
		c := max(0, ceilDiv(w.end-r.t0, r.d))
		if count < 0 || c < count {
			count = c
		}
	}
	if count < 0 {
		count = 1<<62 - 1
	}
	kReady := clamp(floorDiv(w.ready-r.t0, r.d), 0, count)
	kFirst := int64(0)
	if w.hasExpiry {
		kFirst = clamp(floorDiv(w.expired-r.t0, r.d), 0, count)
	}
	for k := max(kFirst, kReady-int64(w.keep)); k < kReady; k++ {
		avail = append(avail, seg{number: r.n0 + k, time: r.t0 + k*r.d, d: r.d})
	}
	if len(avail) > w.keep {
		avail = append(avail[:0], avail[len(avail)-w.keep:]...)
	}
	for k := kReady; k < count && len(upcoming) < w.next; k++ {
		upcoming = append(upcoming, seg{number: r.n0 + k, time: r.t0 + k*r.d, d: r.d})
	}
	return avail, upcoming
}

type seg struct{ number, time, d int64 }

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }
