package freshness

import (
	"net/http"
	"strings"
	"time"
)

const maxDuration = time.Duration(1<<63 - 1)

// initialAge is corrected_initial_age (RFC 9111 §4.2.3):
//
//	apparent_age        = max(0, response_time - date_value)
//	response_delay      = response_time - request_time
//	corrected_age_value = age_value + response_delay
//	corrected_initial_age = max(apparent_age, corrected_age_value)
//
// A missing or unparsable Date gives apparent_age 0, a missing or
// unparsable Age gives age_value 0, and a zero or later RequestTime gives
// response_delay 0.
func initialAge(h http.Header, requestTime, responseTime time.Time) time.Duration {
	var apparent time.Duration
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		apparent = max(0, responseTime.Sub(date))
	}
	var delay time.Duration
	if !requestTime.IsZero() {
		delay = max(0, responseTime.Sub(requestTime))
	}
	return max(apparent, addSat(ageValue(h), delay))
}

// ageValue parses the first Age header as delta-seconds; invalid is 0.
func ageValue(h http.Header) time.Duration {
	v, ok := parseDelta(strings.TrimSpace(h.Get("Age")))
	if !ok {
		return 0
	}
	return v
}

// addSat adds two non-negative durations without overflowing.
func addSat(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}
