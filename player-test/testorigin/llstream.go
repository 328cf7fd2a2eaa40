package testorigin

import (
	"fmt"
	"time"
)

const (
	llPartGoal   = 500 * time.Millisecond // nominal part length
	llWindow     = 2 * cycleSegments      // segments per LL playlist (24 s), longer than the skip boundary
	llPartsKept  = 3                      // complete segments that still list their parts (3 × TD)
	llSkipUntil  = 6 * segDur             // CAN-SKIP-UNTIL
	llHoldCap    = 3 * segDur             // longest blocking hold, then 503
	llDateRanges = 3                      // one EXT-X-DATERANGE every this many segments
	llPkg        = "llhls"
)

// llRendition is one fMP4 rendition cut into parts: parts[i] are the parts
// of fixture segment i.
type llRendition struct {
	*rendition
	parts [cycleSegments][]llPart
}

// llStream is the live LL-HLS stream: the fMP4 fixtures cut into parts
// that are published one by one on the origin's live clock.
type llStream struct {
	clock      liveClock
	video      []*llRendition
	audio      *llRendition
	byName     map[string]*llRendition
	partTarget time.Duration // longest part, rounded up to a millisecond
}

func newLLStream(fx *fixtures, clock liveClock) (*llStream, error) {
	s := &llStream{clock: clock, byName: map[string]*llRendition{}}
	for _, r := range append(append([]*rendition(nil), fx.video...), fx.audio) {
		lr := &llRendition{rendition: r}
		for i, seg := range r.segs {
			parts, err := splitParts(seg.data, r.timescales, llPartGoal)
			if err != nil {
				return nil, fmt.Errorf("testorigin: llhls %s segment %d: %w", r.name, i, err)
			}
			lr.parts[i] = parts
			for _, p := range parts { // PART-TARGET: the longest part, rounded up to a millisecond
				s.partTarget = max(s.partTarget, (p.dur + time.Millisecond - 1).Truncate(time.Millisecond))
			}
		}
		s.byName[r.name] = lr
		if r.name == audioName {
			s.audio = lr
		} else {
			s.video = append(s.video, lr)
		}
	}
	return s, nil
}

// rendition returns the rendition called name, or nil.
func (s *llStream) rendition(name string) *llRendition { return s.byName[name] }

// partsOf lists the parts of segment msn.
func (r *llRendition) partsOf(msn int64) []llPart { return r.parts[msn%cycleSegments] }

// published is when part k of segment msn became available: its media end
// after the segment's slot began, the last part exactly when the segment
// completes (so the segment and its last part appear together).
func (s *llStream) published(r *llRendition, msn int64, k int) time.Time {
	slot := s.clock.epoch.Add(time.Duration(msn) * segDur)
	parts := r.partsOf(msn)
	if k >= len(parts)-1 {
		return slot.Add(segDur)
	}
	return slot.Add(min(parts[k].end, segDur))
}

// edge is the live edge of rendition r at now: segments 0..msn-1 are
// complete and parts 0..parts-1 of segment msn are published.
func (s *llStream) edge(r *llRendition, now time.Time) (msn int64, parts int) {
	msn = max(0, int64(now.Sub(s.clock.epoch)/segDur))
	for parts < len(r.partsOf(msn))-1 && !now.Before(s.published(r, msn, parts)) {
		parts++
	}
	return msn, parts
}

// isPublished reports whether part k of msn exists at now.
func (s *llStream) isPublished(r *llRendition, msn int64, k int, now time.Time) bool {
	return !now.Before(s.published(r, msn, k))
}

// partsAhead counts how many parts after the newest published one part
// (msn, k) is; 0 or less means it is published.
func (s *llStream) partsAhead(r *llRendition, msn int64, k int, now time.Time) int {
	cur, have := s.edge(r, now)
	if msn < cur || (msn == cur && k < have) {
		return 0
	}
	ahead := 0
	for m := cur; m < msn; m++ {
		ahead += len(r.partsOf(m))
	}
	return ahead - have + k + 1
}
