package sim

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// hlsPlayer plays one HLS stream: multivariant → variant → media playlist.
type hlsPlayer struct {
	*player
	url        *url.URL
	variants   []Variant
	cur        int
	pl         *MediaPlaylist
	nextLoad   time.Time
	lastChange time.Time
	stale      bool
	next       uint64 // MSN of the next segment to fetch
	positioned bool
	mapKey     string
	uris       map[uint64]string // MSN → URI seen, for the §6.3.4 consistency check
}

func newHLSPlayer(p *player, u *url.URL) *hlsPlayer {
	return &hlsPlayer{player: p, url: u, uris: make(map[uint64]string)}
}

func (h *hlsPlayer) run(ctx context.Context) error {
	defer h.close()
	if err := h.start(ctx); err != nil {
		return err
	}
	if h.pl != nil && h.pl.LL != nil && h.cfg.LowLatency != LLOff {
		return h.runLL(ctx)
	}
	if h.cfg.LowLatency == LLOn {
		return h.f.parseFail(h.variants[h.cur].URI, errNotLL)
	}
	for ctx.Err() == nil {
		if err := h.step(ctx); err != nil {
			return err
		}
		if h.buf.Done() {
			return nil
		}
	}
	return ctx.Err()
}

// start loads the multivariant (or media) playlist, retrying until ctx ends.
func (h *hlsPlayer) start(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := h.loadFirst(ctx)
		if err == nil || ctx.Err() != nil {
			return err
		}
		if sleep(ctx, retryDelay(min(attempt, 3))) != nil {
			return ctx.Err()
		}
	}
}

func (h *hlsPlayer) loadFirst(ctx context.Context) error {
	pl, final, err := h.loadPlaylist(ctx, h.url)
	if err != nil {
		return err
	}
	if pl.Media != nil {
		h.variants = []Variant{{URI: final}}
		h.applyMedia(time.Now(), pl.Media, true)
		return nil
	}
	h.variants = pl.Variants
	h.cur = h.abr.Choose(h.bandwidths())
	return h.reload(ctx, true)
}

func (h *hlsPlayer) bandwidths() []int64 {
	bw := make([]int64, len(h.variants))
	for i, v := range h.variants {
		bw[i] = v.Bandwidth
	}
	return bw
}

// loadPlaylist fetches and parses a playlist; failures are counted.
func (h *hlsPlayer) loadPlaylist(ctx context.Context, u *url.URL) (*Playlist, *url.URL, error) {
	r, err := h.f.fetch(ctx, u, ReqPlaylist, nil, true)
	if err != nil {
		return nil, nil, err
	}
	pl, err := ParsePlaylist(r.body, r.final)
	if err != nil {
		return nil, nil, h.f.parseFail(u, err)
	}
	return pl, r.final, nil
}

// reload (re)loads the current variant's media playlist. force marks the
// load as a change (first load or variant switch).
func (h *hlsPlayer) reload(ctx context.Context, force bool) error {
	start := time.Now()
	u := h.variants[h.cur].URI
	pl, _, err := h.loadPlaylist(ctx, u)
	if err == nil && pl.Media == nil {
		err = h.f.parseFail(u, errors.New("variant URI is a multivariant playlist"))
	}
	if err != nil {
		h.nextLoad = nextReload(start, false, 0, h.targetDuration())
		return err
	}
	h.applyMedia(start, pl.Media, force)
	return nil
}

func (h *hlsPlayer) targetDuration() time.Duration {
	if h.pl == nil {
		return time.Second
	}
	return h.pl.TargetDuration
}
