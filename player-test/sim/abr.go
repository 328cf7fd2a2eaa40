package sim

import "time"

// ABR is a simple throughput-based rate picker: an EWMA of measured segment
// throughput, and the highest rendition whose bandwidth is at most
// Safety × EWMA. With no samples it picks the lowest rendition.
type ABR struct {
	Alpha   float64 // EWMA weight of a new sample (0,1]
	Safety  float64 // fraction of the estimate a rendition may use
	ewma    float64 // bits per second
	samples int
}

// NewABR returns an ABR with alpha 0.3 and safety 0.8.
func NewABR() *ABR { return &ABR{Alpha: 0.3, Safety: 0.8} }

// Sample feeds one download of n bytes that took d.
func (a *ABR) Sample(n int64, d time.Duration) {
	if n <= 0 {
		return
	}
	d = max(d, time.Millisecond)
	bps := float64(n) * 8 / d.Seconds()
	if a.samples == 0 {
		a.ewma = bps
	} else {
		a.ewma = a.Alpha*bps + (1-a.Alpha)*a.ewma
	}
	a.samples++
}

// Estimate returns the throughput estimate in bits per second (0 if none).
func (a *ABR) Estimate() float64 { return a.ewma }

// Choose returns the index into bandwidths (bits/s, any order) to play.
// It returns -1 only when bandwidths is empty.
func (a *ABR) Choose(bandwidths []int64) int {
	lowest, best := -1, -1
	limit := a.Safety * a.ewma
	for i, bw := range bandwidths {
		if lowest < 0 || bw < bandwidths[lowest] {
			lowest = i
		}
		if a.samples > 0 && float64(bw) <= limit && (best < 0 || bw > bandwidths[best]) {
			best = i
		}
	}
	if best < 0 {
		return lowest
	}
	return best
}
