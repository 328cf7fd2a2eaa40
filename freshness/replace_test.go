package freshness

import (
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

func live(seq uint64, segments int) manifest.Info {
	return manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: 6 * time.Second, MediaSequence: seq, Segments: segments}
}

// mpd is a dynamic MPD published sec seconds after a fixed instant.
func mpd(sec int, mup time.Duration) manifest.Info {
	return manifest.Info{Format: manifest.DASH, Live: true, MinimumUpdatePeriod: mup,
		PublishTime: time.Date(2024, 5, 1, 10, 0, sec, 0, time.UTC)}
}

func TestShouldReplace(t *testing.T) {
	vod := manifest.Info{Format: manifest.HLS, TargetDuration: 6 * time.Second, MediaSequence: 0, Segments: 3}
	tests := []struct {
		name          string
		cached, fresh manifest.Info
		age           time.Duration
		want          bool
	}{
		{"newer_sequence_replaces", live(100, 5), live(101, 5), time.Second, true},
		{"same_sequence_more_segments_replaces", live(100, 5), live(100, 6), time.Second, true},
		{"identical_replaces", live(100, 5), live(100, 5), time.Second, true},
		{"lower_sequence_kept", live(100, 5), live(99, 5), time.Second, false},
		{"lower_sequence_more_segments_kept", live(100, 5), live(99, 9), time.Second, false},
		{"same_sequence_fewer_segments_kept", live(100, 5), live(100, 4), time.Second, false},
		{"lower_sequence_at_3x_target_duration_kept", live(100, 5), live(0, 1), 18 * time.Second, false},
		{"encoder_restart_after_3x_target_duration_replaces", live(100, 5), live(0, 1), 18*time.Second + 1, true},
		{"vod_fresh_always_replaces", live(100, 5), vod, time.Second, true},
		{"vod_cached_always_replaces", vod, live(0, 1), time.Second, true},
		{"master_always_replaces", manifest.Info{Format: manifest.HLS, Master: true}, manifest.Info{Format: manifest.HLS, Master: true}, 0, true},
		{"dash_without_publish_time_replaces", manifest.Info{Format: manifest.DASH, Live: true}, manifest.Info{Format: manifest.DASH, Live: true}, 0, true},
		{"dash_newer_publish_time_replaces", mpd(10, 2*time.Second), mpd(12, 0), time.Second, true},
		{"dash_same_publish_time_replaces", mpd(10, 2*time.Second), mpd(10, 0), time.Second, true},
		{"dash_older_publish_time_kept", mpd(10, 2*time.Second), mpd(8, 0), time.Second, false},
		{"dash_older_publish_time_at_3x_update_period_kept", mpd(10, 2*time.Second), mpd(0, 0), 6 * time.Second, false},
		{"dash_encoder_restart_after_3x_update_period_replaces", mpd(10, 2*time.Second), mpd(0, 0), 6*time.Second + 1, true},
		{"dash_no_update_period_restart_after_3x_2s_replaces", mpd(10, 0), mpd(0, 0), 6*time.Second + 1, true},
		{"dash_no_update_period_older_kept", mpd(10, 0), mpd(0, 0), 5 * time.Second, false},
		{"dash_fresh_without_publish_time_replaces", mpd(10, 0), manifest.Info{Format: manifest.DASH, Live: true}, time.Second, true},
		{"dash_static_fresh_replaces", mpd(10, 0), manifest.Info{Format: manifest.DASH}, time.Second, true},
		{"dash_huge_update_period_no_overflow", mpd(10, maxDuration/2), mpd(0, 0), maxDuration, false},
		{"hls_cached_dash_fresh_replaces", live(100, 5), mpd(0, 0), time.Second, true},
		{"non_manifest_always_replaces", manifest.Info{}, manifest.Info{}, 0, true},
		{"huge_target_duration_no_overflow",
			manifest.Info{Format: manifest.HLS, Live: true, TargetDuration: maxDuration / 2, MediaSequence: 5}, live(1, 1), maxDuration, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShouldReplace(tc.cached, tc.fresh, tc.age); got != tc.want {
				t.Errorf("ShouldReplace = %v, want %v", got, tc.want)
			}
		})
	}
}
