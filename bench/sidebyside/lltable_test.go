package main

import (
	"strings"
	"testing"

	"github.com/streamedge/streamedge/player-test/sim"
)

// TestLLOriginCountsSplitBlockingReloadsAndParts: the origin's counts give
// requests per (playlist, msn, part, skip) and per part, and the plain
// playlist reloads are those not blocking.
func TestLLOriginCountsSplitBlockingReloadsAndParts(t *testing.T) {
	var st originStats
	st.Blocking = map[string]int64{"/live/llhls/240p/index.m3u8?_HLS_msn=5&_HLS_part=1": 1,
		"/live/llhls/240p/index.m3u8?_HLS_msn=5&_HLS_part=2": 3}
	st.Paths = map[string]struct {
		Requests int64 `json:"requests"`
	}{
		"/live/llhls/240p/index.m3u8":       {6},
		"/live/llhls/240p/seg_5.part_1.m4s": {1},
		"/live/llhls/240p/seg_5.part_2.m4s": {1},
		"/live/llhls/240p/seg_4.m4s":        {2},
	}
	var r llResult
	r.addLL(st)
	if r.Blocking.Per != 2 || r.Blocking.Max != 3 || r.Blocking.Spread["3"] != 1 ||
		len(r.Blocking.Repeated) != 1 || r.Blocking.Repeated[0] != "/live/llhls/240p/index.m3u8?_HLS_msn=5&_HLS_part=2 ×3" {
		t.Errorf("blocking %+v: want 2 per key, max 3", r.Blocking)
	}
	if r.Parts.Per != 1 || r.Parts.Distinct != 2 || r.PlainPlaylists != 2 {
		t.Errorf("parts %+v, plain playlists %d: want 1 per part over 2, 2 plain", r.Parts, r.PlainPlaylists)
	}
}

// TestLLTargetsJudgeStreamedge: the table divides streamedge's figure by the
// best other cache's (never the direct column's); the targets are met or
// missed on streamedge's figures.
func TestLLTargetsJudgeStreamedge(t *testing.T) {
	mk := func(per float64, p99 float64, segHit float64) *llResult {
		return &llResult{
			Blocking: originSpread{Requests: int64(per * 10), Distinct: 10, Per: per, Max: 1},
			Parts:    originSpread{Requests: 10, Distinct: 10, Per: 1, Max: 1},
			Player:   &sim.Report{HeldParts: &sim.HeldReport{Count: 100, FirstP99MS: p99}},
			Segment:  &sim.Report{FirstRequest: map[string]sim.FirstHits{"segment": {Objects: 100, FirstHit: int64(segHit), Share: segHit / 100}}},
		}
	}
	res := map[string]*llResult{"nginx": mk(1.5, 500, 0), "varnish": mk(1.2, 40, 0), "streamedge": mk(1, 10, 97),
		llDirect: mk(1, 1, 0)}
	tab := llTable([]string{llDirect, "nginx", "varnish", "streamedge"}, res)
	for _, want := range []string{
		"| origin requests per (playlist, msn, part, skip) | 1.00 | 1.50 | 1.20 | 1.00 | 0.83 (better) |",
		"| part available → first body byte p99 (ms) | 1.0 | 500.0 | 40.0 | 10.0 | 0.25 (better) |",
		"| segment players: segments whose first request hit (%) | 0.0 | 0.0 | 0.0 | 97.0 | better (best other 0) |",
	} {
		if !strings.Contains(tab, want) {
			t.Errorf("table lacks %q:\n%s", want, tab)
		}
	}
	ts := llTargets(res["streamedge"])
	for _, tg := range ts[:4] {
		if tg.Met == nil || !*tg.Met {
			t.Errorf("%s: %s not met", tg.Goal, tg.Got)
		}
	}
	if tg := llTargets(mk(1, 25, 90))[2]; tg.Met == nil || *tg.Met {
		t.Errorf("p99 25 ms judged %v", tg.Met)
	}
}
