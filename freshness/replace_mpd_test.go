package freshness

import (
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

// listing is a dynamic MPD (minimumUpdatePeriod 2 s) published pub seconds
// after a fixed instant (no publishTime when pub < 0) whose newest listed
// segment ends end seconds after it (none listed when end < 0: a $Number$
// template, available by the clock).
func listing(pub, end int) manifest.Info {
	base := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	m := manifest.Info{Format: manifest.DASH, Live: true, MinimumUpdatePeriod: 2 * time.Second}
	if pub >= 0 {
		m.PublishTime = base.Add(time.Duration(pub) * time.Second)
	}
	if end >= 0 {
		m.NewestSegmentEnd = base.Add(time.Duration(end) * time.Second)
	}
	return m
}

// TestShouldReplaceDynamicMPDBySegmentEnd: when publishTime cannot order two
// copies of a dynamic MPD (absent on either, or equal), the one whose newest
// listed segment ends earlier is a lagging origin's and does not replace the
// cached copy, until the cached copy is older than 3 × minimumUpdatePeriod.
// A different publishTime decides on its own.
func TestShouldReplaceDynamicMPDBySegmentEnd(t *testing.T) {
	const none = -1
	tests := []struct {
		name          string
		cached, fresh manifest.Info
		age           time.Duration
		want          bool
	}{
		{"no_publish_time_earlier_segment_end_kept", listing(none, 60), listing(none, 56), time.Second, false},
		{"no_publish_time_later_segment_end_replaces", listing(none, 60), listing(none, 62), time.Second, true},
		{"no_publish_time_same_segment_end_replaces", listing(none, 60), listing(none, 60), time.Second, true},
		{"same_publish_time_earlier_segment_end_kept", listing(10, 60), listing(10, 58), time.Second, false},
		{"same_publish_time_later_segment_end_replaces", listing(10, 60), listing(10, 64), time.Second, true},
		{"only_cached_has_publish_time_earlier_segment_end_kept", listing(10, 60), listing(none, 58), time.Second, false},
		{"only_fresh_has_publish_time_earlier_segment_end_kept", listing(none, 60), listing(10, 58), time.Second, false},
		{"only_fresh_has_publish_time_later_segment_end_replaces", listing(none, 60), listing(10, 62), time.Second, true},
		{"newer_publish_time_replaces_despite_earlier_segment_end", listing(10, 60), listing(12, 40), time.Second, true},
		{"older_publish_time_kept_despite_later_segment_end", listing(10, 60), listing(8, 80), time.Second, false},
		{"fresh_lists_nothing_replaces", listing(none, 60), listing(none, none), time.Second, true},
		{"cached_lists_nothing_replaces", listing(none, none), listing(none, 10), time.Second, true},
		{"neither_signal_replaces", listing(none, none), listing(none, none), time.Second, true},
		{"earlier_segment_end_at_3x_update_period_kept", listing(none, 60), listing(none, 0), 6 * time.Second, false},
		{"encoder_restart_after_3x_update_period_replaces", listing(none, 60), listing(none, 0), 6*time.Second + 1, true},
		{"static_fresh_replaces", listing(none, 60), manifest.Info{Format: manifest.DASH}, time.Second, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShouldReplace(tc.cached, tc.fresh, tc.age); got != tc.want {
				t.Errorf("ShouldReplace = %v, want %v", got, tc.want)
			}
		})
	}
}
