package sim

import (
	"context"
	"fmt"
	"time"
)

// live reports whether the current playlist must be reloaded.
func (h *hlsPlayer) live() bool {
	return h.pl != nil && !h.pl.EndList && h.pl.Type != "VOD"
}

// step does one thing: reload, fetch one segment, or wait.
func (h *hlsPlayer) step(ctx context.Context) error {
	live := h.live()
	if live && !time.Now().Before(h.nextLoad) {
		_ = h.reload(ctx, false) // counted in metrics; keep playing
		return nil
	}
	seg, ok := h.segment()
	if !ok {
		if !live {
			return h.drain(ctx)
		}
		return sleep(ctx, time.Until(h.nextLoad))
	}
	if wait := h.bufferWait(seg.Duration); wait > 0 {
		if live {
			wait = min(wait, time.Until(h.nextLoad))
		}
		return sleep(ctx, wait)
	}
	h.fetchSegment(ctx, seg)
	h.next = seg.MSN + 1
	h.maybeSwitch(ctx)
	return nil
}

// segment returns the next segment to fetch, if the playlist has it.
func (h *hlsPlayer) segment() (Segment, bool) {
	if h.pl == nil || h.next < h.pl.MediaSequence || h.next >= h.pl.nextMSN() {
		return Segment{}, false
	}
	return h.pl.Segments[h.next-h.pl.MediaSequence], true
}

func (h *hlsPlayer) fetchSegment(ctx context.Context, seg Segment) {
	if seg.Gap {
		h.addMedia(seg.Duration)
		return
	}
	if seg.Map != nil && seg.Map.key() != h.mapKey {
		if !h.getSegment(ctx, seg.Map.URI, seg.Map.Range, false) {
			return
		}
		h.mapKey = seg.Map.key()
	}
	if h.getSegment(ctx, seg.URI, seg.Range, true) {
		h.addMedia(seg.Duration)
	}
}

// maybeSwitch applies the ABR choice after a segment download.
func (h *hlsPlayer) maybeSwitch(ctx context.Context) {
	c := h.abr.Choose(h.bandwidths())
	if c == h.cur || ctx.Err() != nil {
		return
	}
	h.cur = c
	h.m.switched()
	clear(h.uris)
	_ = h.reload(ctx, true)
}

// applyMedia installs a freshly loaded media playlist: reload schedule,
// staleness, start position, and the MSN→URI consistency check.
func (h *hlsPlayer) applyMedia(start time.Time, pl *MediaPlaylist, force bool) {
	changed := force || playlistChanged(h.pl, pl)
	h.nextLoad = nextReload(start, changed, pl.lastDuration(), pl.TargetDuration)
	h.trackStale(changed, pl.TargetDuration)
	h.checkConsistent(pl)
	h.pl = pl
	if !h.positioned || h.next < pl.MediaSequence {
		h.next = pl.MediaSequence
		if h.live() {
			h.next += uint64(liveStartIndex(pl.Segments, pl.TargetDuration))
		}
		h.positioned = true
	}
}

func (h *hlsPlayer) trackStale(changed bool, td time.Duration) {
	now := time.Now()
	switch {
	case changed:
		h.lastChange, h.stale = now, false
	case !h.stale && isStale(now, h.lastChange, td):
		h.stale = true
		h.m.stalePlaylist()
	}
}

// checkConsistent counts an error when a MSN changes URI across reloads.
func (h *hlsPlayer) checkConsistent(pl *MediaPlaylist) {
	for msn := range h.uris {
		if msn < pl.MediaSequence {
			delete(h.uris, msn)
		}
	}
	for _, s := range pl.Segments {
		u := s.URI.String()
		if old, ok := h.uris[s.MSN]; ok && old != u {
			_ = h.f.parseFailKind(ErrInconsistent, s.URI, fmt.Errorf("MSN %d was %s", s.MSN, old))
			continue
		}
		h.uris[s.MSN] = u
	}
}
