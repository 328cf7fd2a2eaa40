package sim

import "time"

// llItem is what the cursor points at: a listed part, or a whole segment
// whose parts are no longer listed (part nil).
type llItem struct {
	pos    partPos
	seg    *Segment
	part   *Part
	mapRef *MapRef
	start  time.Time // PROGRAM-DATE-TIME of the item's first sample; zero if unknown
}

// resolve normalizes the cursor (a part past a segment's last is part 0 of
// the next) and returns the item it points at; false at the live edge.
func (l *llPlayer) resolve() (llItem, bool) {
	pl := l.pl
	for {
		if l.cur.msn < pl.MediaSequence {
			l.position()
		}
		if l.cur.msn >= pl.nextMSN() {
			return l.trailing()
		}
		s := &pl.Segments[l.cur.msn-pl.MediaSequence]
		switch {
		case len(s.Parts) == 0 && l.cur.part == 0:
			return llItem{pos: l.cur, seg: s, mapRef: s.Map, start: s.PDT}, true
		case l.cur.part >= len(s.Parts):
			l.cur = partPos{l.cur.msn + 1, 0}
			continue
		}
		return llItem{pos: l.cur, seg: s, part: &s.Parts[l.cur.part], mapRef: s.Map,
			start: partStart(s.PDT, s.Parts, l.cur.part)}, true
	}
}

// trailing resolves a cursor in the segment in progress.
func (l *llPlayer) trailing() (llItem, bool) {
	ll := l.pl.LL
	if l.cur.msn != l.pl.nextMSN() || l.cur.part >= len(ll.Trailing) {
		return llItem{}, false
	}
	return llItem{pos: l.cur, part: &ll.Trailing[l.cur.part], mapRef: l.lastMap(),
		start: partStart(l.trailingStart(), ll.Trailing, l.cur.part)}, true
}

func partStart(segStart time.Time, parts []Part, k int) time.Time {
	if segStart.IsZero() {
		return segStart
	}
	for _, p := range parts[:k] {
		segStart = segStart.Add(p.Duration)
	}
	return segStart
}

// trailingStart is the PROGRAM-DATE-TIME of the segment in progress.
func (l *llPlayer) trailingStart() time.Time {
	if t := l.pl.LL.TrailingStart; !t.IsZero() {
		return t
	}
	if n := len(l.pl.Segments); n > 0 && !l.pl.Segments[n-1].PDT.IsZero() {
		last := l.pl.Segments[n-1]
		return last.PDT.Add(last.Duration)
	}
	return time.Time{}
}

func (l *llPlayer) lastMap() *MapRef {
	if n := len(l.pl.Segments); n > 0 {
		return l.pl.Segments[n-1].Map
	}
	return nil
}

// edgeEnd is the PROGRAM-DATE-TIME at which the newest listed media ends.
func (l *llPlayer) edgeEnd() time.Time {
	if tr := l.pl.LL.Trailing; len(tr) > 0 {
		if t := l.trailingStart(); !t.IsZero() {
			return partStart(t, tr, len(tr))
		}
		return time.Time{}
	}
	return l.trailingStart()
}

// position puts the cursor PART-HOLD-BACK from the end of the playlist
// (rfc8216bis §6.3.3), on a part boundary; without enough listed parts, at
// the RFC 8216 start segment.
func (l *llPlayer) position() {
	pl := l.pl
	var back time.Duration
	tr := pl.LL.Trailing
	for k := len(tr) - 1; k >= 0; k-- {
		if back += tr[k].Duration; back >= pl.LL.PartHoldBack {
			l.cur = partPos{pl.nextMSN(), k}
			return
		}
	}
	for i := len(pl.Segments) - 1; i >= 0 && len(pl.Segments[i].Parts) > 0; i-- {
		s := pl.Segments[i]
		for k := len(s.Parts) - 1; k >= 0; k-- {
			if back += s.Parts[k].Duration; back >= pl.LL.PartHoldBack {
				l.cur = partPos{s.MSN, k}
				return
			}
		}
	}
	l.cur = partPos{pl.MediaSequence + uint64(liveStartIndex(pl.Segments, pl.TargetDuration)), 0}
}
