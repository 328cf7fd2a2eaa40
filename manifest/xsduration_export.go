package manifest

import "time"

// ParseXSDuration parses a non-negative xs:duration (PT2S, P0Y0M0DT0H0M2.000S,
// P1DT2H) as MPD attributes carry them, up to 100 years. It is the parser
// Parse uses for minimumUpdatePeriod, shared with package dashlive.
func ParseXSDuration(s string) (time.Duration, error) {
	return parseXSDuration(s)
}
