package main

import (
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

func stats(paths map[string]int64) testorigin.Stats {
	st := testorigin.Stats{Paths: map[string]testorigin.PathStats{}}
	for p, n := range paths {
		st.Paths[p] = testorigin.PathStats{Requests: n}
	}
	return st
}

// TestPhaseCountsOriginRequestsPerSegment: a phase counts only what the
// origin served between its two marks: segments per distinct segment,
// media playlists per second per playlist (and per version), multivariant
// playlists apart.
func TestPhaseCountsOriginRequestsPerSegment(t *testing.T) {
	t0 := time.Unix(1000, 0)
	a := mark{at: t0, origin: stats(map[string]int64{"/live/a/240p/seg1.ts": 1, "/live/a/240p/index.m3u8": 3})}
	b := mark{at: t0.Add(10 * time.Second), origin: stats(map[string]int64{
		"/live/a/240p/seg1.ts": 1, // before the phase only
		"/live/a/240p/seg2.ts": 1, "/live/a/240p/seg3.ts": 3,
		"/live/a/240p/index.m3u8": 13, "/live/a/360p/index.m3u8": 10, "/live/a/master.m3u8": 2})}
	p := between("x", a, b, 2*time.Second)
	if p.SegObjects != 2 || p.SegRequests != 4 || p.SegPerObj != 2 {
		t.Errorf("segments: %d objects, %d requests, %.2f per object; want 2, 4, 2.00", p.SegObjects, p.SegRequests, p.SegPerObj)
	}
	if p.Playlists != 2 || p.PlaylistReqPerS != 1 || p.PerVersion != 2 || p.OtherRequests != 2 {
		t.Errorf("playlists: %d, %.2f/s each, %.2f per version, %d other; want 2, 1.00, 2.00, 2", p.Playlists, p.PlaylistReqPerS, p.PerVersion, p.OtherRequests)
	}
}

// TestFirstURIResolvesAgainstThePlaylist: the probe's object is the first
// URI line, resolved against the playlist's URL.
func TestFirstURIResolvesAgainstThePlaylist(t *testing.T) {
	got, err := firstURI("http://10.77.0.31:8080/live/hls_ts/240p/index.m3u8", []byte("#EXTM3U\n#EXTINF:2,\nseg_7.ts\nseg_8.ts\n"))
	if err != nil || got != "/live/hls_ts/240p/seg_7.ts" {
		t.Errorf("firstURI = %q, %v", got, err)
	}
	if _, err := firstURI("http://h/x.m3u8", []byte("#EXTM3U\n")); err == nil {
		t.Error("a playlist without URIs is not an error")
	}
}

// TestSumMetricAddsTheShieldsFailovers: the edge's failovers off the shield
// are summed over reasons; other members and metrics are left out.
func TestSumMetricAddsTheShieldsFailovers(t *testing.T) {
	text := `# TYPE streamedge_origin_failovers_total counter
streamedge_origin_failovers_total{group="tiered",origin="shield",reason="unreachable"} 40
streamedge_origin_failovers_total{group="tiered",origin="shield",reason="502"} 2
streamedge_origin_failovers_total{group="tiered",origin="origin",reason="unreachable"} 7
streamedge_origin_up{group="tiered",origin="shield"} 0
`
	got, err := sumMetric(strings.NewReader(text), "streamedge_origin_failovers_total", `origin="shield"`)
	if err != nil || got != 42 {
		t.Errorf("sumMetric = %v, %v; want 42", got, err)
	}
}
