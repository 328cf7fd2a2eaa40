package sim

import "time"

// nextReload returns when a live media playlist should be reloaded
// (RFC 8216 §6.3.4 / rfc8216bis): after the first load or a load that
// changed the playlist, the last segment's duration (target duration when
// unknown) after that load began; after an unchanged reload, half the target
// duration after it began.
func nextReload(loadStart time.Time, changed bool, lastSegDur, targetDur time.Duration) time.Time {
	if targetDur <= 0 {
		targetDur = time.Second
	}
	if !changed {
		return loadStart.Add(targetDur / 2)
	}
	if lastSegDur <= 0 {
		lastSegDur = targetDur
	}
	return loadStart.Add(lastSegDur)
}

// isStale reports whether a playlist unchanged since lastChange should be
// considered stale at now: unchanged for ≥ 1.5 × target duration (§6.3.4).
func isStale(now, lastChange time.Time, targetDur time.Duration) bool {
	return targetDur > 0 && now.Sub(lastChange) >= targetDur*3/2
}

// playlistChanged reports whether cur differs from prev in a way that
// matters for reload timing: new segments, or ENDLIST appeared.
func playlistChanged(prev, cur *MediaPlaylist) bool {
	return prev == nil || prev.nextMSN() != cur.nextMSN() || prev.EndList != cur.EndList
}

// liveStartIndex returns the index of the segment a live player starts at:
// the last one starting at least three target durations before the end of
// the playlist (RFC 8216 §6.3.3), or 0 if the playlist is shorter.
func liveStartIndex(segs []Segment, targetDur time.Duration) int {
	var fromEnd time.Duration
	for i := len(segs) - 1; i >= 0; i-- {
		fromEnd += segs[i].Duration
		if fromEnd >= 3*targetDur {
			return i
		}
	}
	return 0
}
