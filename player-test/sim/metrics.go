package sim

import (
	"sync/atomic"
	"time"
)

// Metrics aggregates what all players observe. Every field is updated with
// atomics, so players never take a lock. Create it with NewMetrics.
type Metrics struct {
	active         atomic.Int64
	launched       atomic.Int64
	playing        atomic.Int64 // players that started playback
	stalledNow     atomic.Int64
	stalls         atomic.Int64
	stallUS        atomic.Int64
	playUS         atomic.Int64
	bytes          atomic.Int64
	segments       atomic.Int64
	switches       atomic.Int64
	stalePlaylists atomic.Int64
	requests       [numReqKinds]atomic.Int64
	errors         [numErrKinds]atomic.Int64
	startup        Histogram
	segTTFB        Histogram
	segTotal       Histogram
	parts          atomic.Int64 // LL-HLS parts (and whole segments) played
	liveLatency    Histogram    // LL-HLS: newest part's end − playhead
	heldParts      heldTimes    // parts/segments requested before their availability
	heldPlaylists  heldTimes    // blocking reloads sent before the awaited part existed
	firsts         firstRequests
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics { return &Metrics{} }

// Snapshot is a cheap point-in-time view for progress lines.
type Snapshot struct {
	Active, Launched, Playing, StalledNow int64
	Stalls, Errors, Requests, Bytes       int64
}

// Snapshot reads the live counters.
func (m *Metrics) Snapshot() Snapshot {
	s := Snapshot{
		Active:     m.active.Load(),
		Launched:   m.launched.Load(),
		Playing:    m.playing.Load(),
		StalledNow: m.stalledNow.Load(),
		Stalls:     m.stalls.Load(),
		Bytes:      m.bytes.Load(),
	}
	for i := range m.errors {
		s.Errors += m.errors[i].Load()
	}
	for i := range m.requests {
		s.Requests += m.requests[i].Load()
	}
	return s
}

func (m *Metrics) request(k ReqKind) { m.requests[k].Add(1) }
func (m *Metrics) fail(k ErrKind)    { m.errors[k].Add(1) }
func (m *Metrics) addBytes(n int64)  { m.bytes.Add(n) }
func (m *Metrics) switched()         { m.switches.Add(1) }
func (m *Metrics) stalePlaylist()    { m.stalePlaylists.Add(1) }
func (m *Metrics) part()             { m.parts.Add(1) }
func (m *Metrics) started(d time.Duration) {
	m.playing.Add(1)
	m.startup.Observe(d)
}

func (m *Metrics) segment(ttfb, total time.Duration) {
	m.segments.Add(1)
	m.segTTFB.Observe(ttfb)
	m.segTotal.Observe(total)
}
