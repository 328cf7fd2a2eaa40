package main

import (
	"fmt"
	"strings"
)

// target is one of issue 9's goals, judged from the table.
type target struct {
	Goal string `json:"goal"`
	Got  string `json:"got"`
	Met  *bool  `json:"met"` // nil: not measured
}

// evalTargets judges streamedge's figures against the goals: the hit
// rates and herd times against the best other peer, HTTPS against nginx
// with TLS, the live runs and memory against fixed bounds.
func evalTargets(cfg config, t table) []target {
	rows := map[string]tableRow{}
	for _, r := range t.Rows {
		rows[r.Key] = r
	}
	var others []string
	for _, p := range cfg.Peers {
		if p != "streamedge" {
			others = append(others, p)
		}
	}
	live := fmt.Sprintf("live %d players", cfg.FanoutPlayers)
	return []target{
		vsOthers(rows["hit1k.rps"], others, "1 KiB hit req/s ≥ 1.0× the best peer"),
		vsOthers(rows["hit2m.rps"], others, "2 MiB hit throughput ≥ 1.0× the best peer"),
		bounded(rows["herd.origin"], 1, "%.0f", "cold herd: 1 origin request"),
		vsOthers(rows["herd.body.p99"], others, "herd first-body-byte p99 ≤ the best peer's"),
		vsOthers(rows["herd.total.p99"], others, "herd last-byte (total) p99 ≤ the best peer's"),
		bounded(rows["herd.failed"], 0, "%.0f", "herd: 0 failed clients"),
		vsOthers(rows["https1.hit1k.rps"], []string{"nginx"}, "HTTPS/1.1 1 KiB hit req/s vs nginx with TLS (≥ 1.0×)"),
		vsOthers(rows["https1.hit2m.rps"], []string{"nginx"}, "HTTPS/1.1 2 MiB hit req/s vs nginx with TLS (≥ 1.0×)"),
		vsOthers(rows["h2.hit1k.rps"], []string{"nginx"}, "HTTP/2 1 KiB hit req/s vs nginx with TLS (≥ 1.0×)"),
		vsOthers(rows["h2.hit2m.rps"], []string{"nginx"}, "HTTP/2 2 MiB hit req/s vs nginx with TLS (≥ 1.0×)"),
		liveTarget(rows, "live1.", live+", max-age=1: 0 stalls, 0 errors, 1.00 origin requests per segment"),
		liveTarget(rows, "live3600.", live+", max-age=3600: 0 stalls, 0 errors, 1.00 origin requests per segment"),
		bounded(rows["mem.ratio"], 1.25, "%.2f", fmt.Sprintf("peak RSS ≤ cache bound + 25%% (%d MiB → ≤ 1.25)", cfg.CacheMB)),
	}
}

// vsOthers compares streamedge with the best of others in the row's
// direction; met at 1.0× or better (no tolerance).
func vsOthers(r tableRow, others []string, goal string) target {
	tg := target{Goal: goal}
	se := r.Values["streamedge"]
	better := map[string]float64{"higher": 1, "lower": -1}[r.Better]
	best, name := 0.0, ""
	for _, p := range others {
		if v := r.Values[p]; v != nil && (name == "" || better*(*v-best) > 0) {
			best, name = *v, p
		}
	}
	switch {
	case se == nil || r.Key == "":
		tg.Got = "no streamedge figure (see the table)"
		return tg
	case name == "":
		tg.Got = fmt.Sprintf("%s, no peer figure", num(*se))
		return tg
	}
	met := better*(*se-best) >= 0
	tg.Met = &met
	if best == 0 {
		tg.Got = fmt.Sprintf("%s vs %s %s", num(*se), name, num(best))
		return tg
	}
	tg.Got = fmt.Sprintf("%.2f× %s (%s vs %s)", *se/best, name, num(*se), num(best))
	return tg
}

// num prints req/s without decimals and milliseconds with one, so that
// two close figures that decide a verdict do not print alike.
func num(v float64) string {
	if v >= 1000 || v <= -1000 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// bounded is met when streamedge's figure is ≤ limit.
func bounded(r tableRow, limit float64, format, goal string) target {
	tg := target{Goal: goal, Got: "no streamedge figure (see the table)"}
	if se := r.Values["streamedge"]; se != nil {
		met := *se <= limit
		tg.Met, tg.Got = &met, fmt.Sprintf(format, *se)
	}
	return tg
}

// liveTarget needs 0 stalls, 0 player errors and ≤ 1.005 origin requests
// per segment (1.00 as printed).
func liveTarget(rows map[string]tableRow, prefix, goal string) target {
	tg := target{Goal: goal, Got: "no streamedge figure (see the table)"}
	st, er, ps := rows[prefix+"stalls"].Values["streamedge"], rows[prefix+"errors"].Values["streamedge"],
		rows[prefix+"per_segment"].Values["streamedge"]
	if st == nil || er == nil || ps == nil {
		return tg
	}
	met := *st == 0 && *er == 0 && *ps <= 1.005
	tg.Met = &met
	tg.Got = fmt.Sprintf("%.0f stalls, %.0f errors, %.2f per segment", *st, *er, *ps)
	return tg
}

func targetsMarkdown(ts []target) string {
	var b strings.Builder
	b.WriteString("Targets (issue 9), streamedge:\n\n")
	for _, t := range ts {
		verdict := "not measured"
		if t.Met != nil {
			verdict = map[bool]string{true: "**met**", false: "**missed**"}[*t.Met]
		}
		fmt.Fprintf(&b, "- %s: %s — %s\n", t.Goal, t.Got, verdict)
	}
	return b.String()
}
