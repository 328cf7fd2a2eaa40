package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseXSDuration parses an xs:duration such as "PT2S", "PT1M30.5S" or
// "P1DT2H". Years count as 365 days and months as 30 days. Negative
// durations are rejected.
func ParseXSDuration(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "P")
	if !ok || rest == "" {
		return 0, fmt.Errorf("xs:duration %q: want P...", s)
	}
	date, clock, hasT := strings.Cut(rest, "T")
	if hasT && clock == "" {
		return 0, fmt.Errorf("xs:duration %q: empty time part", s)
	}
	const day = 24 * float64(time.Hour)
	secs, err := sumUnits(date, map[byte]float64{'Y': 365 * day, 'M': 30 * day, 'D': day})
	if err != nil {
		return 0, fmt.Errorf("xs:duration %q: %w", s, err)
	}
	t, err := sumUnits(clock, map[byte]float64{'H': float64(time.Hour), 'M': float64(time.Minute), 'S': float64(time.Second)})
	if err != nil {
		return 0, fmt.Errorf("xs:duration %q: %w", s, err)
	}
	total := secs + t
	if total > math.MaxInt64/2 {
		return 0, fmt.Errorf("xs:duration %q: too long", s)
	}
	return time.Duration(total), nil
}

// sumUnits adds up "<number><unit>" components, e.g. "1H30M".
func sumUnits(s string, units map[byte]float64) (float64, error) {
	var total float64
	for s != "" {
		i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i <= 0 {
			return 0, errors.New("bad component")
		}
		unit, ok := units[s[i]]
		if !ok {
			return 0, fmt.Errorf("bad unit %q", s[i])
		}
		f, err := strconv.ParseFloat(s[:i], 64)
		if err != nil || f > 1e12 {
			return 0, fmt.Errorf("bad number %q", s[:i])
		}
		total += f * unit
		delete(units, s[i]) // each unit at most once
		s = s[i+1:]
	}
	return total, nil
}

// ParseXSDateTime parses an xs:dateTime; no zone means UTC.
func ParseXSDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad xs:dateTime %q", s)
}
