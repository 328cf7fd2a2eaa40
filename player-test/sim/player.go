package sim

import (
	"context"
	"time"
)

// PlayerConfig tunes every simulated player.
type PlayerConfig struct {
	StartupBuffer time.Duration // media buffered before playback (re)starts; default 2s
	MaxBuffer     time.Duration // forward buffer cap (VOD pacing); default 30s
	Retries       int           // extra attempts per segment before skipping it; default 2
	Validate      bool          // sanity-check segment bytes (TS sync / BMFF box)
	LowLatency    LLMode        // LL-HLS part-by-part playback (default: when the playlist has parts)
	LLNoHints     bool          // LL-HLS: never request EXT-X-PRELOAD-HINT parts
	LLNoSkip      bool          // LL-HLS: never ask for delta updates (_HLS_skip)
}

func (c PlayerConfig) withDefaults() PlayerConfig {
	if c.StartupBuffer <= 0 {
		c.StartupBuffer = 2 * time.Second
	}
	if c.MaxBuffer <= 0 {
		c.MaxBuffer = 30 * time.Second
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	return c
}

// player is the state shared by HLS and DASH players: fetcher, buffer
// model, ABR, and the last buffer stats pushed to Metrics.
type player struct {
	cfg        PlayerConfig
	f          *fetcher
	m          *Metrics
	buf        *Buffer
	abr        *ABR
	prev       BufferStats
	wasStalled bool
}

func newPlayer(cfg PlayerConfig, f *fetcher) *player {
	cfg = cfg.withDefaults()
	return &player{cfg: cfg, f: f, m: f.m, buf: NewBuffer(time.Now(), cfg.StartupBuffer), abr: NewABR()}
}

// sync pushes buffer-stat deltas into the shared metrics.
func (p *player) sync() {
	st := p.buf.Stats()
	if st.Started && !p.prev.Started {
		p.m.started(st.Startup)
	}
	p.m.stalls.Add(int64(st.Stalls - p.prev.Stalls))
	p.m.stallUS.Add((st.StallTime - p.prev.StallTime).Microseconds())
	p.m.playUS.Add((st.PlayTime - p.prev.PlayTime).Microseconds())
	p.prev = st
	if s := p.buf.Stalled(); s != p.wasStalled {
		p.wasStalled = s
		if s {
			p.m.stalledNow.Add(1)
		} else {
			p.m.stalledNow.Add(-1)
		}
	}
}

func (p *player) addMedia(d time.Duration) {
	p.buf.Add(time.Now(), d)
	p.sync()
}

func (p *player) level() time.Duration {
	l := p.buf.Level(time.Now())
	p.sync()
	return l
}

func (p *player) close() {
	p.buf.Close(time.Now())
	p.sync()
}

// bufferWait returns how long to wait before fetching a segment of duration
// d so the forward buffer stays within MaxBuffer.
func (p *player) bufferWait(d time.Duration) time.Duration {
	return p.level() + d - p.cfg.MaxBuffer
}

// drain ends the stream: waits until the buffer has played out.
func (p *player) drain(ctx context.Context) error {
	p.buf.EndOfStream(time.Now())
	p.sync()
	for !p.buf.Done() {
		if err := sleep(ctx, p.level()+time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// retryDelay is the pause between attempts at a failed request.
func retryDelay(attempt int) time.Duration {
	return time.Duration(attempt+1) * 250 * time.Millisecond
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
