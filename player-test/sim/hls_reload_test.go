package sim

import (
	"testing"
	"time"
)

func TestNextReload(t *testing.T) {
	t0 := time.Unix(100, 0)
	s := time.Second
	tests := []struct {
		name      string
		changed   bool
		last, td  time.Duration
		wantAfter time.Duration
	}{
		{"changed waits last segment duration", true, 4 * s, 6 * s, 4 * s},
		{"changed, unknown last uses TD", true, 0, 6 * s, 6 * s},
		{"unchanged waits half TD", false, 4 * s, 6 * s, 3 * s},
		{"unchanged odd TD", false, 2 * s, 5 * s, 2500 * time.Millisecond},
		{"no TD falls back to 1s", true, 0, 0, s},
		{"unchanged no TD", false, 0, 0, s / 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := nextReload(t0, tc.changed, tc.last, tc.td).Sub(t0)
			if got != tc.wantAfter {
				t.Errorf("got %v, want %v", got, tc.wantAfter)
			}
		})
	}
}

func TestPlaylistChangedAndStale(t *testing.T) {
	a := &MediaPlaylist{MediaSequence: 10, Segments: make([]Segment, 3)}
	same := &MediaPlaylist{MediaSequence: 10, Segments: make([]Segment, 3)}
	slid := &MediaPlaylist{MediaSequence: 11, Segments: make([]Segment, 3)}
	ended := &MediaPlaylist{MediaSequence: 10, Segments: make([]Segment, 3), EndList: true}
	for _, tc := range []struct {
		prev, cur *MediaPlaylist
		want      bool
	}{{nil, a, true}, {a, same, false}, {a, slid, true}, {a, ended, true}} {
		if got := playlistChanged(tc.prev, tc.cur); got != tc.want {
			t.Errorf("playlistChanged(%v→%v) = %v", tc.prev, tc.cur, got)
		}
	}
	t0 := time.Unix(0, 0)
	if isStale(t0.Add(5*time.Second), t0, 4*time.Second) {
		t.Error("5s < 1.5×4s should not be stale")
	}
	if !isStale(t0.Add(6*time.Second), t0, 4*time.Second) {
		t.Error("6s ≥ 1.5×4s should be stale")
	}
}

func TestLiveStartIndex(t *testing.T) {
	segs := func(durs ...float64) []Segment {
		out := make([]Segment, len(durs))
		for i, d := range durs {
			out[i].Duration = time.Duration(d * float64(time.Second))
		}
		return out
	}
	tests := []struct {
		name string
		segs []Segment
		td   time.Duration
		want int
	}{
		{"6 of 2s, TD 2 → 3 from end", segs(2, 2, 2, 2, 2, 2), 2 * time.Second, 3},
		{"short playlist → 0", segs(2, 2), 2 * time.Second, 0},
		{"uneven", segs(4, 4, 4, 1.5, 1.5, 2), 2 * time.Second, 2},
		{"empty", nil, 2 * time.Second, 0},
	}
	for _, tc := range tests {
		if got := liveStartIndex(tc.segs, tc.td); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
