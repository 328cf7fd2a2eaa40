package dashlive

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

var errRange = errors.New("out of range")

func parseInt(s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, err
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d: %w", n, errRange)
	}
	return n, nil
}

func parseDuration(s string) (time.Duration, error) {
	return manifest.ParseXSDuration(s)
}

// parseSeconds reads an availabilityTimeOffset: decimal seconds, at most a
// day; INF is ErrUnsupported.
func parseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "INF" {
		return 0, fmt.Errorf("%w: availabilityTimeOffset INF", ErrUnsupported)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 86400 {
		return 0, fmt.Errorf("%w: availabilityTimeOffset %q", ErrInvalid, s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

// parseDateTime reads an xs:dateTime (a missing zone is UTC).
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
