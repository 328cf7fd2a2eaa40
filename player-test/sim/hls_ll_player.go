package sim

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"
)

// LLMode chooses when an HLS player plays LL-HLS part by part.
type LLMode int

// LL-HLS modes.
const (
	LLAuto LLMode = iota // when the media playlist has EXT-X-PART-INF
	LLOn                 // required: a playlist without parts is an error
	LLOff                // play segments only, like an RFC 8216 player
)

// partPos names part Part of segment MSN.
type partPos struct {
	msn  uint64
	part int
}

// llPlayer plays an LL-HLS media playlist part by part (rfc8216bis §6.3):
// it starts PART-HOLD-BACK from the live edge, fetches every listed part,
// then either requests the preload hint (held by the server until the part
// exists) or reloads the playlist blocking on the next part
// (_HLS_msn/_HLS_part), optionally as a delta update (_HLS_skip=YES).
type llPlayer struct {
	*hlsPlayer
	u          *url.URL // media playlist
	cur        partPos  // next part to play
	hintDone   string   // URI of the hinted part already fetched
	mediaStart time.Time
	lastLoad   time.Time
	fullNext   bool // the last delta update did not apply: reload in full
}

var errNotLL = errors.New("media playlist has no EXT-X-PART-INF (LL-HLS mode -ll)")

func (h *hlsPlayer) runLL(ctx context.Context) error {
	l := &llPlayer{hlsPlayer: h, u: h.variants[h.cur].URI, lastLoad: time.Now()}
	ll := h.pl.LL
	h.buf.SetThreshold(max(ll.PartTarget, min(h.cfg.StartupBuffer, ll.PartHoldBack-ll.PartTarget)))
	l.position()
	for ctx.Err() == nil {
		l.step(ctx)
	}
	return ctx.Err()
}

// step fetches the next part (or whole segment) or waits for it.
func (l *llPlayer) step(ctx context.Context) {
	it, ok := l.resolve()
	switch {
	case !ok:
		l.waitNext(ctx)
	case it.part == nil:
		l.fetchMedia(ctx, it, it.seg.URI, it.seg.Range, it.seg.Duration)
		l.cur = partPos{it.pos.msn + 1, 0}
	default:
		l.fetchMedia(ctx, it, it.part.URI, nil, it.part.Duration)
		l.cur = partPos{it.pos.msn, it.pos.part + 1}
	}
}

// fetchMedia fetches a part or segment (not a hinted part already fetched)
// and adds its duration to the buffer; a failed one is skipped.
func (l *llPlayer) fetchMedia(ctx context.Context, it llItem, u *url.URL, rng *ByteRange, d time.Duration) {
	if u.String() != l.hintDone {
		if !l.ensureMap(ctx, it.mapRef) || !l.getSegment(ctx, u, rng, true) {
			return
		}
	}
	l.hintDone = ""
	if l.mediaStart.IsZero() && !it.start.IsZero() {
		l.mediaStart = it.start
	}
	l.m.part()
	l.addMedia(d)
}

func (l *llPlayer) ensureMap(ctx context.Context, m *MapRef) bool {
	if m == nil || m.key() == l.mapKey {
		return true
	}
	if !l.getSegment(ctx, m.URI, m.Range, false) {
		return false
	}
	l.mapKey = m.key()
	return true
}

// waitNext waits for the part after the newest listed one: through the
// preload hint when there is one, then a blocking reload for it.
func (l *llPlayer) waitNext(ctx context.Context) {
	ll := l.pl.LL
	if !l.cfg.LLNoHints && ll.Hint != nil && ll.Hint.String() != l.hintDone && l.ensureMap(ctx, l.lastMap()) {
		if l.getSegment(ctx, ll.Hint, nil, true) {
			l.hintDone = ll.Hint.String()
		}
	}
	l.reload(ctx)
}

// reload loads the media playlist, blocking on the cursor's part when the
// server can block, and merges delta updates.
func (l *llPlayer) reload(ctx context.Context) {
	ll := l.pl.LL
	u := *l.u
	q := u.Query()
	if ll.CanBlock {
		q.Set("_HLS_msn", strconv.FormatUint(l.cur.msn, 10))
		q.Set("_HLS_part", strconv.Itoa(l.cur.part))
	} else if sleep(ctx, time.Until(l.lastLoad.Add(ll.PartTarget))) != nil {
		return
	}
	if !l.cfg.LLNoSkip && !l.fullNext && ll.CanSkipUntil > 0 && time.Since(l.lastLoad) < ll.CanSkipUntil/2 {
		q.Set("_HLS_skip", "YES")
	}
	u.RawQuery = q.Encode()
	start := time.Now()
	pl, _, err := l.loadPlaylist(ctx, &u)
	if err == nil && pl.Media == nil {
		err = l.f.parseFail(&u, errors.New("variant URI is a multivariant playlist"))
	}
	if err != nil {
		_ = sleep(ctx, retryDelay(0))
		return
	}
	before := l.edgePos()
	l.apply(start, &u, pl.Media)
	if l.edgePos() == before { // nothing new: do not hammer a server that does not hold
		_ = sleep(ctx, ll.PartTarget/2)
	}
}

// edgePos is the position just after the newest listed part.
func (l *llPlayer) edgePos() partPos {
	return partPos{l.pl.nextMSN(), len(l.pl.LL.Trailing)}
}

func (l *llPlayer) apply(start time.Time, u *url.URL, pl *MediaPlaylist) {
	merged, err := mergeDelta(l.pl, pl)
	l.fullNext = err != nil
	if err != nil {
		_ = l.f.parseFailKind(ErrInconsistent, u, err)
		return
	}
	if merged.LL == nil {
		_ = l.f.parseFail(u, errNotLL)
		return
	}
	l.checkConsistent(merged)
	l.pl, l.lastLoad = merged, start
	if l.cur.msn < merged.MediaSequence {
		l.position() // fell out of the window
	}
	l.sampleLatency()
}

// sampleLatency records how far playback is behind the newest part: the
// end of the newest listed part minus the playhead (both by
// EXT-X-PROGRAM-DATE-TIME), once playback has started.
func (l *llPlayer) sampleLatency() {
	edge := l.edgeEnd()
	if l.mediaStart.IsZero() || edge.IsZero() {
		return
	}
	l.level() // advance the buffer to now
	st := l.buf.Stats()
	if !st.Started {
		return
	}
	l.m.liveLatency.Observe(edge.Sub(l.mediaStart.Add(st.PlayTime)))
}
