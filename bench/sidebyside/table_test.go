package main

import (
	"strings"
	"testing"

	"github.com/streamedge/streamedge/internal/herdreport"
)

// tableFixture: two ceilings, nginx with HTTPS, varnish without, and a
// streamedge whose HTTPS phase was skipped (no -tls-listen).
func tableFixture() (config, *results) {
	cfg := config{Peers: []string{"nginx", "varnish", "streamedge"}, HerdClients: 500, FanoutPlayers: 10, CacheMB: 1000}
	hits := func(rps1k, rps2m float64) *hitsResult {
		return &hitsResult{Playlist: &wrkResult{ReqPerSec: rps1k}, Segment: &wrkResult{ReqPerSec: rps2m}}
	}
	herd := func(body, total float64) *herdResult {
		return &herdResult{OriginRequests: 1, Report: &herdreport.Report{Clients: 500, OK: 500, DistinctBodies: 1,
			FirstBodyMS: herdreport.Dist{P99: body}, TotalMS: herdreport.Dist{P99: total}, HeaderMS: herdreport.Dist{P99: 1}}}
	}
	res := &results{
		Ceilings: []*ceilingResult{
			{Lib: "net/http", Hits: hits(80, 1800), Herd: herd(400, 430),
				HTTPS: &httpsResult{H1: hits(40, 900), H2: hits(30, 800)}},
			{Lib: "fasthttp", Hits: hits(120, 2000), Herd: herd(380, 420),
				HTTPS: &httpsResult{H1: hits(60, 1000)}},
		},
		Peers: map[string]*peerResult{
			"nginx": {Hits: hits(100, 1700), Herd: herd(1000, 1100),
				HTTPS: &httpsResult{H1: hits(50, 950), H2: hits(45, 900), Memory: &memSample{PeakMiB: 90}}},
			"varnish": {Hits: hits(60, 2200), Herd: herd(900, 950)},
			"streamedge": {Hits: hits(66, 1500), Herd: herd(1200, 1300),
				HTTPS:    &httpsResult{Skipped: "no -tls-listen"},
				Live:     &fanoutResult{PerSegment: 1, Player: &playerReport{}, Memory: &memSample{PeakMiB: 300}},
				LiveLong: &fanoutResult{PerSegment: 1.2, Player: &playerReport{Stalls: 3}}},
		},
	}
	res.Peers["streamedge"].Herd.Memory = &memSample{PeakMiB: 1300}
	return cfg, res
}

func TestTableHasBothCeilingsAndHTTPSCells(t *testing.T) {
	cfg, res := tableFixture()
	tb := buildTable(cfg, res)
	want := []string{"ceiling net/http", "ceiling fasthttp", "nginx", "varnish", "streamedge"}
	if strings.Join(tb.Columns, ",") != strings.Join(want, ",") {
		t.Fatalf("columns %v, want %v", tb.Columns, want)
	}
	rows := map[string]tableRow{}
	for _, r := range tb.Rows {
		rows[r.Key] = r
	}
	cells := func(key string) string { return strings.Join(rows[key].Cells, " ") }
	cases := []struct{ key, cells, ratio, ceiling string }{
		{"hit1k.rps", "80 120 100 60 66", "0.66× worse (nginx)", "0.55× worse (ceiling fasthttp)"},
		{"https1.hit1k.rps", "40 60 50 — skip", "—", "—"},
		{"h2.hit2m.rps", "800 — 900 — skip", "—", "—"},
		{"herd.body.p99", "400 380 1000 900 1200", "1.33× worse (varnish)", "3.16× worse (ceiling fasthttp)"},
		{"mem.peak", "— — 90 err 1300", "—", "—"},
	}
	for _, c := range cases {
		r := rows[c.key]
		if got := cells(c.key); got != c.cells || r.Ratio != c.ratio || r.Ceiling != c.ceiling {
			t.Errorf("%s: cells %q ratio %q ceiling %q; want %q %q %q", c.key, got, r.Ratio, r.Ceiling, c.cells, c.ratio, c.ceiling)
		}
	}
	md := tb.markdown()
	if !strings.Contains(md, "| streamedge ÷ best peer | streamedge ÷ best Go ceiling |") {
		t.Errorf("markdown header:\n%s", md)
	}
}

func TestTargetsJudgeStreamedgeAgainstTheBestPeer(t *testing.T) {
	cfg, res := tableFixture()
	got := map[string]target{}
	for _, tg := range evalTargets(cfg, buildTable(cfg, res)) {
		got[tg.Goal] = tg
	}
	check := func(prefix, gotText string, met *bool) {
		t.Helper()
		for goal, tg := range got {
			if strings.HasPrefix(goal, prefix) {
				if tg.Got != gotText || (met == nil) != (tg.Met == nil) || (met != nil && *met != *tg.Met) {
					t.Errorf("%s: got %q met %v; want %q %v", goal, tg.Got, ptr(tg.Met), gotText, ptr(met))
				}
				return
			}
		}
		t.Errorf("no target %q", prefix)
	}
	yes, no := true, false
	check("1 KiB hit req/s", "0.66× nginx (66.0 vs 100.0)", &no)
	check("2 MiB hit throughput", "0.68× varnish (1500 vs 2200)", &no)
	check("cold herd: 1 origin request", "1", &yes)
	check("herd first-body-byte p99", "1.33× varnish (1200 vs 900.0)", &no)
	check("HTTPS/1.1 1 KiB", "no streamedge figure (see the table)", nil)
	check("live 10 players, max-age=1", "0 stalls, 0 errors, 1.00 per segment", &yes)
	check("live 10 players, max-age=3600", "3 stalls, 0 errors, 1.20 per segment", &no)
	check("peak RSS", "1.30", &no)
	if md := targetsMarkdown(evalTargets(cfg, buildTable(cfg, res))); !strings.Contains(md, "— **missed**") ||
		!strings.Contains(md, "— not measured") {
		t.Errorf("markdown:\n%s", md)
	}
}

func ptr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
