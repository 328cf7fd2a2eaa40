package manifest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

var errDuration = errors.New("bad xs:duration")

// xs:duration unit lengths in seconds; a year is 365 days and a month 30
// days, which is all an update period needs.
var (
	dateUnits = map[byte]float64{'Y': 365 * 86400, 'M': 30 * 86400, 'W': 7 * 86400, 'D': 86400}
	timeUnits = map[byte]float64{'H': 3600, 'M': 60, 'S': 1}
)

// maxXSDuration bounds the result so it fits in a time.Duration (~292 years).
const maxXSDuration = 100 * 365 * 86400 // seconds

// parseXSDuration parses a non-negative xs:duration such as PT2S, PT0.5S,
// P1DT2H or P0Y0M0DT0H0M2.000S. Unit order is not enforced.
func parseXSDuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "P")
	if !ok || rest == "" {
		return 0, fmt.Errorf("%w: %q", errDuration, s)
	}
	var total float64
	units, inTime := dateUnits, false
	for rest != "" {
		if rest[0] == 'T' {
			if inTime || len(rest) == 1 {
				return 0, fmt.Errorf("%w: %q", errDuration, s)
			}
			units, inTime, rest = timeUnits, true, rest[1:]
			continue
		}
		n := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if n <= 0 {
			return 0, fmt.Errorf("%w: %q", errDuration, s)
		}
		v, err := strconv.ParseFloat(rest[:n], 64)
		mult, ok := units[rest[n]]
		if err != nil || !ok {
			return 0, fmt.Errorf("%w: %q", errDuration, s)
		}
		total += v * mult
		rest = rest[n+1:]
	}
	if total > maxXSDuration {
		return 0, fmt.Errorf("%w: %q too long", errDuration, s)
	}
	return seconds(total), nil
}
