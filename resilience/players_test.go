package resilience

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// playerReport is the part of `player-test run -json` (player-test/sim.Report)
// the tests read.
type playerReport struct {
	Players        int              `json:"players"`
	Started        int64            `json:"players_started_playback"`
	ElapsedS       float64          `json:"elapsed_s"`
	Stalls         int64            `json:"stalls"`
	StallRatio     float64          `json:"stall_ratio"`
	Errors         int64            `json:"errors"`
	ErrorsByKind   map[string]int64 `json:"errors_by_kind"`
	Segments       int64            `json:"segments"`
	Requests       int64            `json:"requests"`
	StalePlaylists int64            `json:"stale_playlists"`
	SegmentP99MS   float64          `json:"segment_latency_p99_ms"`
}

func (r playerReport) String() string {
	return fmt.Sprintf("%d/%d players started, %d requests, %d segments, %d errors %v, %d stalls (ratio %.3f), %d stale playlists, segment p99 %.0f ms",
		r.Started, r.Players, r.Requests, r.Segments, r.Errors, r.ErrorsByKind, r.Stalls, r.StallRatio, r.StalePlaylists, r.SegmentP99MS)
}

// startPlayers runs `player-test run` against url in the background; wait
// returns its report.
func startPlayers(t testing.TB, url string, players int, dur time.Duration) (wait func() playerReport) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "players.json")
	p, err := startProc(t, "player-test run", playerBin, "run", "-url", url, "-players", strconv.Itoa(players),
		"-duration", dur.String(), "-json", out, "-quiet")
	if err != nil {
		t.Fatal(err)
	}
	return func() playerReport {
		t.Helper()
		select {
		case <-p.done:
		case <-time.After(dur + 30*time.Second):
			t.Fatalf("player-test run did not finish:\n%s", p.output())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("player report: %v\n%s", err, p.output())
		}
		var r playerReport
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("player report: %v", err)
		}
		return r
	}
}
