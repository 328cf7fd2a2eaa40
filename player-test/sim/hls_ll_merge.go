package sim

import (
	"errors"
	"fmt"
)

var errSkipMismatch = errors.New("delta update skips segments the previous playlist lacks")

// mergeDelta applies a delta update (rfc8216bis §6.2.5.1, EXT-X-SKIP) to
// the previous full playlist: the skipped segments come from prev, every
// later one from delta. A full playlist is returned as is.
func mergeDelta(prev, delta *MediaPlaylist) (*MediaPlaylist, error) {
	if delta.Skipped == 0 {
		return delta, nil
	}
	first, end := delta.MediaSequence, delta.MediaSequence+delta.Skipped
	if prev == nil || prev.Skipped != 0 || first < prev.MediaSequence || end > prev.nextMSN() {
		return nil, fmt.Errorf("%w: MSN %d..%d", errSkipMismatch, first, end-1)
	}
	merged := *delta
	merged.Skipped = 0
	merged.Segments = make([]Segment, 0, int(delta.Skipped)+len(delta.Segments))
	merged.Segments = append(merged.Segments, prev.Segments[first-prev.MediaSequence:end-prev.MediaSequence]...)
	merged.Segments = append(merged.Segments, delta.Segments...)
	return &merged, nil
}
