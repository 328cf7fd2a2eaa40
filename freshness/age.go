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
//
// Two deliberate departures, both about sub-second lifetimes such as a live
// playlist's max-age=1: Date has one-second resolution, so apparent_age is
// measured against the response time truncated to the second (otherwise a
// response generated a moment ago looks up to 1 s old and max-age=1 lasts
// 0.5 s on average); and response_delay is added only when the response
// carries Age, i.e. came through another cache (an origin's own latency is
// not age: counting it would shorten every lifetime by the fetch time).
func initialAge(h http.Header, requestTime, responseTime time.Time) time.Duration {
	var apparent time.Duration
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		apparent = max(0, responseTime.Truncate(time.Second).Sub(date))
	}
	age, hasAge := ageValue(h)
	var delay time.Duration
	if hasAge && !requestTime.IsZero() {
		delay = max(0, responseTime.Sub(requestTime))
	}
	return max(apparent, addSat(age, delay))
}

// ageValue parses the first Age header as delta-seconds; absent or invalid
// is 0, false.
func ageValue(h http.Header) (time.Duration, bool) {
	v, ok := parseDelta(strings.TrimSpace(h.Get("Age")))
	if !ok {
		return 0, false
	}
	return v, true
}

// addSat adds two non-negative durations without overflowing.
func addSat(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}
