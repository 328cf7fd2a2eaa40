package freshness

import (
	"net/http"
	"testing"
	"time"
)

func TestInitialAge(t *testing.T) {
	tests := []struct {
		name      string
		header    http.Header
		req, resp time.Time
		want      time.Duration
	}{
		{"no_age_no_date", http.Header{}, t0, t0, 0},
		{"age_header", http.Header{"Age": {"10"}}, t0, t0, 10 * time.Second},
		{"age_plus_response_delay", http.Header{"Age": {"10"}}, t0, t0.Add(2 * time.Second), 12 * time.Second},
		{"origin_latency_is_not_age", http.Header{}, t0, t0.Add(2 * time.Second), 0},
		{"date_resolution_is_not_age", http.Header{"Date": {httpDate(t0)}}, t0, t0.Add(900 * time.Millisecond), 0},
		{"whole_seconds_since_date_count", http.Header{"Date": {httpDate(t0)}}, t0, t0.Add(2500 * time.Millisecond), 2 * time.Second},
		{"apparent_age_from_date", http.Header{"Date": {httpDate(t0.Add(-30 * time.Second))}}, t0, t0, 30 * time.Second},
		{"max_of_apparent_and_corrected", http.Header{"Date": {httpDate(t0.Add(-30 * time.Second))}, "Age": {"40"}}, t0, t0, 40 * time.Second},
		{"future_date_gives_zero_apparent_age", http.Header{"Date": {httpDate(t0.Add(time.Hour))}}, t0, t0, 0},
		{"bad_age_ignored", http.Header{"Age": {"-5"}}, t0, t0, 0},
		{"non_numeric_age_ignored", http.Header{"Age": {"ten"}}, t0, t0, 0},
		{"bad_date_ignored", http.Header{"Date": {"yesterday"}}, t0, t0, 0},
		{"first_age_used", http.Header{"Age": {"3", "100"}}, t0, t0, 3 * time.Second},
		{"huge_age_saturates", http.Header{"Age": {"999999999999999999999"}}, t0, t0, maxDelta},
		{"zero_request_time_no_delay", http.Header{"Age": {"1"}}, time.Time{}, t0, time.Second},
		{"request_after_response_no_delay", http.Header{}, t0.Add(time.Second), t0, 0},
		{"zero_response_time", http.Header{"Date": {httpDate(t0)}}, t0, time.Time{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := initialAge(tc.header, tc.req, tc.resp); got != tc.want {
				t.Errorf("initialAge = %v, want %v", got, tc.want)
			}
		})
	}
}
