package sim

import "time"

// BufferStats is what a Buffer has accounted so far.
type BufferStats struct {
	Started   bool          // playback began
	Startup   time.Duration // creation → playback start
	Stalls    int           // times the buffer ran dry before the end
	StallTime time.Duration // total time spent stalled (ongoing stalls count up to Close)
	PlayTime  time.Duration // media time actually played
}

type bufState int

const (
	stateStartup bufState = iota
	statePlaying
	stateStalled
	stateDone
)

// Buffer models a player's forward buffer. It takes explicit times so tests
// can drive it with a fake clock. Downloads add media seconds; once playing,
// the buffer drains at 1 s/s. Playback (re)starts when the buffer reaches the
// threshold or the stream has ended. Not safe for concurrent use.
type Buffer struct {
	threshold time.Duration
	created   time.Time
	at        time.Time     // instant that level refers to
	level     time.Duration // buffered media at 'at'
	state     bufState
	eos       bool
	stallFrom time.Time
	st        BufferStats
}

// NewBuffer returns a buffer created at now that starts playback once
// threshold of media is buffered.
func NewBuffer(now time.Time, threshold time.Duration) *Buffer {
	return &Buffer{threshold: threshold, created: now, at: now}
}

// SetThreshold changes the media needed to start or resume playback (LL-HLS
// players start with less than a segment).
func (b *Buffer) SetThreshold(d time.Duration) { b.threshold = d }

// advance drains the buffer up to now, detecting a stall if it ran dry.
func (b *Buffer) advance(now time.Time) {
	if now.Before(b.at) {
		now = b.at
	}
	elapsed := now.Sub(b.at)
	from := b.at
	b.at = now
	if b.state != statePlaying {
		return
	}
	if elapsed <= b.level {
		b.level -= elapsed
		b.st.PlayTime += elapsed
		return
	}
	b.st.PlayTime += b.level
	dryAt := from.Add(b.level)
	b.level = 0
	if b.eos {
		b.state = stateDone
		return
	}
	b.state = stateStalled
	b.stallFrom = dryAt
	b.st.Stalls++
}

func (b *Buffer) maybeStart(now time.Time) {
	if b.state != stateStartup && b.state != stateStalled {
		return
	}
	if b.level < b.threshold && !(b.eos && b.level > 0) {
		return
	}
	if b.state == stateStartup {
		b.st.Started = true
		b.st.Startup = now.Sub(b.created)
	} else {
		b.st.StallTime += now.Sub(b.stallFrom)
	}
	b.state = statePlaying
}

// Add records a downloaded segment of media duration d at now.
func (b *Buffer) Add(now time.Time, d time.Duration) {
	b.advance(now)
	b.level += d
	b.maybeStart(now)
}

// EndOfStream records that no more segments will come (VOD end reached).
func (b *Buffer) EndOfStream(now time.Time) {
	b.advance(now)
	b.eos = true
	b.maybeStart(now)
	if b.level == 0 {
		b.finish(now)
	}
}

func (b *Buffer) finish(now time.Time) {
	if b.state == stateStalled {
		b.st.StallTime += now.Sub(b.stallFrom)
	}
	b.state = stateDone
}

// Close ends the session at now and returns the final stats.
func (b *Buffer) Close(now time.Time) BufferStats {
	b.advance(now)
	b.finish(now)
	return b.st
}

// Level returns the buffered media at now.
func (b *Buffer) Level(now time.Time) time.Duration {
	b.advance(now)
	return b.level
}

// Stats returns the stats accounted up to the last call (ongoing stall excluded).
func (b *Buffer) Stats() BufferStats { return b.st }

// Stalled reports whether playback is currently stalled (as of the last call).
func (b *Buffer) Stalled() bool { return b.state == stateStalled }

// Done reports whether playback finished (end of stream played out or closed).
func (b *Buffer) Done() bool { return b.state == stateDone }
