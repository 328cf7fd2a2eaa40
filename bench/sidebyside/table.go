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
	Key     string              `json:"key"`
	Measure string              `json:"measure"`
	Better  string              `json:"better"` // "higher", "lower" or ""
	Values  map[string]*float64 `json:"values"`
	Cells   []string            `json:"cells"`
	Ratio   string              `json:"ratio"`         // streamedge ÷ best peer
	Ceiling string              `json:"ratio_ceiling"` // streamedge ÷ best Go ceiling
}

// measure is one row: how to read it from a peer and from a ceiling, and
// (optionally) what to print when there is no figure ("err" by default).
type measure struct {
	key       string
	name      string
	better    int // +1 higher is better, -1 lower is better, 0 no verdict
	decimals  int
	peer      func(*peerResult) (float64, bool)
	ceiling   func(*ceilingResult) (float64, bool)
	peerNA    func(*peerResult) string
	ceilingNA func(*ceilingResult) string
}

func buildTable(cfg config, res *results) table {
	var ceilings []string
	byCol := map[string]*ceilingResult{}
	for _, c := range res.Ceilings {
		ceilings = append(ceilings, c.column())
		byCol[c.column()] = c
	}
	t := table{Columns: append(ceilings, cfg.Peers...)}
	for _, m := range measures(cfg) {
		row := tableRow{Key: m.key, Measure: m.name, Values: map[string]*float64{},
			Better: map[int]string{1: "higher", -1: "lower"}[m.better]}
		for _, col := range t.Columns {
			row.Cells = append(row.Cells, cell(m, col, byCol[col], res.Peers[col], row.Values))
		}
		row.Ratio = ratio(m, row.Values, cfg.Peers)
		row.Ceiling = "—"
		if m.ceiling != nil {
			row.Ceiling = ratio(m, row.Values, append(ceilings, "streamedge"))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// cell is one column's figure (recorded in vals) or why there is none.
func cell(m measure, col string, c *ceilingResult, p *peerResult, vals map[string]*float64) string {
	v, ok, na := 0.0, false, "err"
	switch {
	case c != nil && m.ceiling == nil:
		return "—"
	case c != nil:
		if v, ok = m.ceiling(c); !ok && m.ceilingNA != nil {
			na = m.ceilingNA(c)
		}
	case p != nil:
		if v, ok = m.peer(p); !ok && m.peerNA != nil {
			na = m.peerNA(p)
		}
	}
	if !ok {
		return na
	}
	vals[col] = &v
	return fmt.Sprintf("%.*f", m.decimals, v)
}

// ratio is streamedge's value ÷ the best of the others (peers, or
// ceilings), with a verdict.
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
	b.WriteString("| measure | " + strings.Join(t.Columns, " | ") + " | streamedge ÷ best peer | streamedge ÷ best Go ceiling |\n")
	b.WriteString("|---" + strings.Repeat("|---:", len(t.Columns)) + "|---|---|\n")
	for _, r := range t.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.Measure, strings.Join(r.Cells, " | "), r.Ratio, r.Ceiling)
	}
	return b.String()
}

// footnotes explain the rows (printed under the table).
func (t table) footnotes() string {
	return `↑ higher is better, ↓ lower is better. "—": does not apply; "err": the phase failed (see the JSON);
"skip": not run (streamedge without -tls-listen); "no h2": the server offered no HTTP/2 (ALPN).
Ratios: streamedge's figure ÷ the best of the other peers, and ÷ the best Go ceiling (better/worse/≈
within 5 %). Ceilings: minimal Go servers with the bytes in memory (bench/ceiling), net/http and
fasthttp v1.78.0 (HTTP/1.1 only: no HTTP/2 figure); their herd is hot (no origin).
HTTPS: one ECDSA P-256 certificate for every server; nginx with an HTTPS listener (ssl http2) on
the peers' settings; HTTP/1.1 by wrk, HTTP/2 by h2load; Varnish and ATS are not measured ("—").
Herd: times from the release of all requests, per client; first body byte = the first non-empty
read of the body (what a player can use); last byte = the body complete, its length checked; the
header byte is shown for reference only (a server can send headers early and the body late).
Live rows: origin media-playlist req/s = origin requests for …/index.m3u8 (all renditions) ÷ run
seconds; origin requests per segment = origin segment requests ÷ distinct segments requested.
Memory: peak RSS (VmHWM) at the end of each phase, summed over the cache's processes, the highest
phase; every cache is bounded to the same size (streamedge -cache-size, the peers' CACHE_MB).
`
}
