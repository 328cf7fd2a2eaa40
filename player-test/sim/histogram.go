package sim

import (
	"math"
	"sync/atomic"
	"time"
)

// Histogram is a lock-free log-scaled latency histogram. Buckets are
// 2^(1/16) (~4.4%) wide from 1µs to ~18 min, so percentiles are accurate to
// a few percent. The zero value is ready to use.
type Histogram struct {
	counts [histBuckets]atomic.Int64
	n      atomic.Int64
	sumUS  atomic.Int64
	maxUS  atomic.Int64
}

const (
	histSubBuckets = 16
	histBuckets    = 30 * histSubBuckets
)

func histIndex(us int64) int {
	if us <= 1 {
		return 0
	}
	i := int(math.Log2(float64(us)) * histSubBuckets)
	return min(i, histBuckets-1)
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	us := max(d.Microseconds(), 0)
	h.counts[histIndex(us)].Add(1)
	h.n.Add(1)
	h.sumUS.Add(us)
	for {
		old := h.maxUS.Load()
		if us <= old || h.maxUS.CompareAndSwap(old, us) {
			return
		}
	}
}

// Count returns the number of observations.
func (h *Histogram) Count() int64 { return h.n.Load() }

// Max returns the largest observation.
func (h *Histogram) Max() time.Duration { return time.Duration(h.maxUS.Load()) * time.Microsecond }

// Mean returns the mean observation (0 when empty).
func (h *Histogram) Mean() time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(h.sumUS.Load()/n) * time.Microsecond
}

// Quantile returns the q-quantile (0 < q <= 1), as the geometric middle of
// the bucket holding it, capped by the maximum. It is 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(n)))
	rank = min(max(rank, 1), n)
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			mid := math.Exp2((float64(i) + 0.5) / histSubBuckets)
			if i == 0 {
				mid = 1
			}
			d := time.Duration(mid * float64(time.Microsecond))
			return min(d, h.Max())
		}
	}
	return h.Max()
}
