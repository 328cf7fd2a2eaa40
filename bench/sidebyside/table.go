package main

import (
	"fmt"
	"math"
	"strings"
)

// table is the printed comparison; Values keeps the numbers (nil = n/a).
type table struct {
	Columns []string   `json:"columns"`
	Rows    []tableRow `json:"rows"`
}

type tableRow struct {
	Measure string              `json:"measure"`
	Better  string              `json:"better"` // "higher", "lower" or ""
	Values  map[string]*float64 `json:"values"`
	Cells   []string            `json:"cells"`
	Ratio   string              `json:"ratio"` // streamedge ÷ best peer
}

// measure is one row: how to read it from a peer and from the ceiling.
type measure struct {
	name     string
	better   int // +1 higher is better, -1 lower is better, 0 no verdict
	decimals int
	peer     func(*peerResult) (float64, bool)
	ceiling  func(*ceilingResult) (float64, bool)
}

func buildTable(cfg config, res *results) table {
	t := table{Columns: append([]string{"ceiling"}, cfg.Peers...)}
	for _, m := range measures(cfg) {
		row := tableRow{Measure: m.name, Values: map[string]*float64{},
			Better: map[int]string{1: "higher", -1: "lower"}[m.better]}
		for _, col := range t.Columns {
			v, ok := 0.0, false
			switch {
			case col == "ceiling" && m.ceiling != nil && res.Ceiling != nil:
				v, ok = m.ceiling(res.Ceiling)
			case col != "ceiling" && res.Peers[col] != nil:
				v, ok = m.peer(res.Peers[col])
			}
			cell := "—"
			if ok {
				row.Values[col] = &v
				cell = fmt.Sprintf("%.*f", m.decimals, v)
			} else if col != "ceiling" || m.ceiling != nil {
				cell = "err"
			}
			row.Cells = append(row.Cells, cell)
		}
		row.Ratio = ratio(m, row.Values, cfg.Peers)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// ratio is streamedge's value ÷ the best other peer's, with a verdict.
func ratio(m measure, vals map[string]*float64, peers []string) string {
	se := vals["streamedge"]
	if se == nil || m.better == 0 {
		return "—"
	}
	best, bestName := 0.0, ""
	for _, p := range peers {
		v := vals[p]
		if p == "streamedge" || v == nil {
			continue
		}
		if bestName == "" || float64(m.better)*(*v-best) > 0 {
			best, bestName = *v, p
		}
	}
	switch {
	case bestName == "":
		return "—"
	case best == 0 && *se == 0:
		return fmt.Sprintf("= (%s 0)", bestName)
	case best == 0:
		return fmt.Sprintf("worse (%s 0)", bestName)
	}
	r := *se / best
	verdict := "≈"
	if gain := math.Pow(r, float64(m.better)); gain >= 1.05 {
		verdict = "better"
	} else if gain <= 0.95 {
		verdict = "worse"
	}
	return fmt.Sprintf("%.2f× %s (%s)", r, verdict, bestName)
}

func (t table) markdown() string {
	var b strings.Builder
	b.WriteString("| measure | " + strings.Join(t.Columns, " | ") + " | streamedge ÷ best peer |\n")
	b.WriteString("|---" + strings.Repeat("|---:", len(t.Columns)) + "|---|\n")
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.Measure, strings.Join(r.Cells, " | "), r.Ratio)
	}
	return b.String()
}

// footnotes explain the rows (printed under the table).
func (t table) footnotes() string {
	return `↑ higher is better, ↓ lower is better. "—": does not apply; "err": the phase failed (see the JSON).
Ratio: streamedge's figure ÷ the best of the other peers (better/worse/≈ within 5 %).
Ceiling: minimal Go net/http server with the bytes in memory; its herd is hot (no origin).
Live rows: origin media-playlist req/s = origin requests for …/index.m3u8 (all renditions) ÷ run
seconds; origin requests per segment = origin segment requests ÷ distinct segments requested.
`
}
