package manifest

import (
	"errors"
	"fmt"
	"time"
)

// Info is what the freshness policy needs to know about a manifest.
type Info struct {
	Format              Format
	Master              bool          // HLS multivariant playlist
	Live                bool          // HLS media: no EXT-X-ENDLIST and PLAYLIST-TYPE != VOD; DASH: type="dynamic"
	TargetDuration      time.Duration // HLS media playlist: declared EXT-X-TARGETDURATION
	MediaSequence       uint64        // HLS media playlist
	Segments            int           // HLS media playlist: number of segments (including EXT-X-SKIP'ed ones)
	MinimumUpdatePeriod time.Duration // DASH dynamic; 0 if absent
	PublishTime         time.Time     // DASH dynamic: MPD@publishTime, UTC; zero if absent or unparsable
	// NewestSegmentEnd (DASH dynamic) is when the newest segment a
	// SegmentTimeline or SegmentList lists ends, the latest across Periods and
	// Representations (availabilityStartTime + Period@start + (end − PTO) /
	// timescale), UTC; zero if none is listed ($Number$ templates without a
	// timeline are available by the clock: dashtimeline.go).
	NewestSegmentEnd time.Time
}

// ErrInvalid is wrapped by every error Parse returns.
var ErrInvalid = errors.New("invalid manifest")

// Parse validates and classifies a manifest body of format f. Any body that is
// not a valid manifest of that format, and any f other than HLS or DASH,
// returns an error wrapping ErrInvalid. Parse never panics.
func Parse(f Format, body []byte) (info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			info, err = Info{}, fmt.Errorf("%w: %s parser panic: %v", ErrInvalid, f, r)
		}
	}()
	switch f {
	case HLS:
		return parseHLS(body)
	case DASH:
		return parseDASH(body)
	default:
		return Info{}, fmt.Errorf("%w: format %s is not a manifest format", ErrInvalid, f)
	}
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// seconds converts a non-negative, finite number of seconds to a Duration,
// saturating instead of overflowing.
func seconds(s float64) time.Duration {
	const maxSeconds = float64(1<<63-1) / float64(time.Second)
	if s >= maxSeconds {
		return time.Duration(1<<63 - 1)
	}
	return time.Duration(s * float64(time.Second))
}
