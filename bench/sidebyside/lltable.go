package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/streamedge/streamedge/player-test/sim"
)

// llRow is one measure of phase (f); fig returns false when there is none.
type llRow struct {
	name   string
	format string
	better int // -1 lower is better, +1 higher, 0 no verdict
	fig    func(*llResult) (float64, bool)
}

func held(pick func(*sim.Report) *sim.HeldReport, v func(*sim.HeldReport) float64) func(*llResult) (float64, bool) {
	return func(r *llResult) (float64, bool) {
		if r.Player == nil || pick(r.Player) == nil {
			return 0, false
		}
		return v(pick(r.Player)), true
	}
}

func firstHit(seg bool, class string) func(*llResult) (float64, bool) {
	return func(r *llResult) (float64, bool) {
		rep := r.Player
		if seg {
			rep = r.Segment
		}
		if rep == nil || rep.FirstRequest[class].Objects == 0 {
			return 0, false
		}
		return 100 * rep.FirstRequest[class].Share, true
	}
}

func llPlayer(seg bool, v func(*sim.Report) float64) func(*llResult) (float64, bool) {
	return func(r *llResult) (float64, bool) {
		rep := r.Player
		if seg {
			rep = r.Segment
		}
		if rep == nil {
			return 0, false
		}
		return v(rep), true
	}
}

func spread(pick func(*llResult) originSpread, perObject bool) func(*llResult) (float64, bool) {
	return func(r *llResult) (float64, bool) {
		s := pick(r)
		if s.Distinct == 0 {
			return 0, false
		}
		if perObject {
			return s.Per, true
		}
		return float64(s.Max), true
	}
}

var (
	heldParts     = func(r *sim.Report) *sim.HeldReport { return r.HeldParts }
	heldPlaylists = func(r *sim.Report) *sim.HeldReport { return r.HeldPlaylists }
	blockingOf    = func(r *llResult) originSpread { return r.Blocking }
	partsOf       = func(r *llResult) originSpread { return r.Parts }
	segmentsOf    = func(r *llResult) originSpread { return r.SegSegments }
)

var llRows = []llRow{
	{"origin requests per (playlist, msn, part, skip)", "%.2f", -1, spread(blockingOf, true)},
	{"… most for one (playlist, msn, part, skip)", "%.0f", -1, spread(blockingOf, false)},
	{"origin requests per part", "%.2f", -1, spread(partsOf, true)},
	{"… most for one part", "%.0f", -1, spread(partsOf, false)},
	{"origin non-blocking playlist requests", "%.0f", -1, func(r *llResult) (float64, bool) { return float64(r.PlainPlaylists), r.Player != nil }},
	{"held part requests (sent before the part existed)", "%.0f", 0, held(heldParts, func(h *sim.HeldReport) float64 { return float64(h.Count) })},
	{"part available → first body byte p50 (ms)", "%.1f", -1, held(heldParts, func(h *sim.HeldReport) float64 { return h.FirstP50MS })},
	{"part available → first body byte p99 (ms)", "%.1f", -1, held(heldParts, func(h *sim.HeldReport) float64 { return h.FirstP99MS })},
	{"part available → first body byte max (ms)", "%.1f", -1, held(heldParts, func(h *sim.HeldReport) float64 { return h.FirstMaxMS })},
	{"part available → last byte p99 (ms)", "%.1f", -1, held(heldParts, func(h *sim.HeldReport) float64 { return h.LastP99MS })},
	{"held blocking reloads", "%.0f", 0, held(heldPlaylists, func(h *sim.HeldReport) float64 { return float64(h.Count) })},
	{"awaited part available → reload's first body byte p99 (ms)", "%.1f", -1, held(heldPlaylists, func(h *sim.HeldReport) float64 { return h.FirstP99MS })},
	{"LL players' latency to the live edge p50 (ms)", "%.0f", -1, llPlayer(false, func(r *sim.Report) float64 { return r.LiveLatencyP50MS })},
	{"LL players' latency to the live edge p99 (ms)", "%.0f", -1, llPlayer(false, func(r *sim.Report) float64 { return r.LiveLatencyP99MS })},
	{"LL players: stalls", "%.0f", -1, llPlayer(false, func(r *sim.Report) float64 { return float64(r.Stalls) })},
	{"LL players: errors", "%.0f", -1, llPlayer(false, func(r *sim.Report) float64 { return float64(r.Errors) })},
	{"LL players: parts whose first request hit (%)", "%.1f", +1, firstHit(false, "part")},
	{"segment players: segments whose first request hit (%)", "%.1f", +1, firstHit(true, "segment")},
	{"segment players: origin requests per segment", "%.2f", -1, spread(segmentsOf, true)},
	{"segment players: stalls", "%.0f", -1, llPlayer(true, func(r *sim.Report) float64 { return float64(r.Stalls) })},
	{"segment players: errors", "%.0f", -1, llPlayer(true, func(r *sim.Report) float64 { return float64(r.Errors) })},
}

// llTable is phase (f) as markdown: one column per peer (llDirect: the
// players on the origin, no cache), then streamedge ÷ the best other cache
// with a verdict.
func llTable(peers []string, res map[string]*llResult) string {
	var b strings.Builder
	b.WriteString("| LL-HLS measure | " + strings.Join(peers, " | ") + " | streamedge ÷ best other |\n")
	b.WriteString("|---" + strings.Repeat("|---:", len(peers)+1) + "|\n")
	for _, row := range llRows {
		cells := []string{row.name}
		for _, p := range peers {
			cells = append(cells, llCell(row, res[p]))
		}
		cells = append(cells, llRatio(row, peers, res))
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	return b.String()
}

func llCell(row llRow, r *llResult) string {
	if r == nil {
		return "-"
	}
	if v, ok := row.fig(r); ok {
		return fmt.Sprintf(row.format, v)
	}
	if r.Error != "" {
		return "err"
	}
	return "n/a"
}

// llRatio is streamedge's figure ÷ the best other peer's (the lowest when
// lower is better), with better/worse/≈ (within 5 %).
func llRatio(row llRow, peers []string, res map[string]*llResult) string {
	se, ok := figOf(row, res["streamedge"])
	if !ok || row.better == 0 {
		return "-"
	}
	best, found := 0.0, false
	for _, p := range peers {
		if v, ok := figOf(row, res[p]); ok && p != "streamedge" && p != llDirect {
			if !found || (row.better < 0 && v < best) || (row.better > 0 && v > best) {
				best, found = v, true
			}
		}
	}
	switch {
	case !found:
		return "-"
	case best == 0 && se == 0:
		return "= (both 0)"
	case best == 0:
		if row.better < 0 {
			return "worse (best other 0)"
		}
		return "better (best other 0)"
	}
	q := se / best
	verdict := "≈"
	if math.Abs(q-1) > 0.05 {
		if (q < 1) == (row.better < 0) {
			verdict = "better"
		} else {
			verdict = "worse"
		}
	}
	return fmt.Sprintf("%.2f (%s)", q, verdict)
}

func figOf(row llRow, r *llResult) (float64, bool) {
	if r == nil {
		return 0, false
	}
	return row.fig(r)
}

// llTargets judges streamedge's phase (f) against issue 12's targets.
func llTargets(r *llResult) []target {
	if r == nil {
		return nil
	}
	var out []target
	add := func(name string, fig func(*llResult) (float64, bool), format string, ok func(float64) bool) {
		t := target{Goal: name, Got: "n/a"}
		if v, have := fig(r); have {
			met := ok(v)
			t.Got, t.Met = fmt.Sprintf(format, v), &met
		}
		out = append(out, t)
	}
	add("LL-HLS: 1 origin request per (playlist, msn, part, skip)", spread(blockingOf, true), "%.2f", func(v float64) bool { return v <= 1.0 })
	add("LL-HLS: 1 origin request per part", spread(partsOf, true), "%.2f", func(v float64) bool { return v <= 1.0 })
	add("LL-HLS: part available → first body byte at every holder, p99 < 20 ms",
		held(heldParts, func(h *sim.HeldReport) float64 { return h.FirstP99MS }), "%.1f ms", func(v float64) bool { return v < 20 })
	add("prefetch: the first player's segment request is a hit in > 95 % (segment players)", firstHit(true, "segment"), "%.1f %%",
		func(v float64) bool { return v > 95 })
	add("LL-HLS players: 0 stalls", llPlayer(false, func(r *sim.Report) float64 { return float64(r.Stalls) }), "%.0f",
		func(v float64) bool { return v == 0 })
	add("LL-HLS players: 0 errors", llPlayer(false, func(r *sim.Report) float64 { return float64(r.Errors) }), "%.0f",
		func(v float64) bool { return v == 0 })
	return out
}
