package main

import (
	"fmt"
	"strings"
)

const llSectionHeading = "## LL-HLS side-by-side"

const llSectionIntro = `
Phase (f) of ` + "`make bench`" + ` (bench/run.sh; ` + "`BENCH_PHASES=llhls`" + ` runs only it): for each cache,
cold, in front of the test origin's LL-HLS stream (` + "`/live/llhls/`" + `: 2 s segments, parts of about
0.5 s, preload hints, blocking reloads, delta updates), ` + "`player-test run -ll`" + ` with the fan-out's
players and seconds, then as many segment players (` + "`-no-ll`" + `, whole segments of the same stream)
for half as long on the same cache. Origin figures come from the origin's counts (` + "`/_stats`" + `:
per path, and blocking reloads per playlist and directives). Holder times: the test origin
stamps each part, segment and blocking reload with ` + "`X-Part-Available-At`" + ` (its publication time on
the origin's schedule); for each request a player sent before that time, the player notes when the
first body byte (the first non-empty read of the body, not the header) and the last byte arrived
(` + "`sim.TestHeldTimesRunFromAvailabilityToTheFirstBodyByte`" + `). "First request hit": for each object, the
earliest-sent player request's ` + "`X-Cache`" + ` / ` + "`X-Cache-Status`" + ` (` + "`sim.TestFirstRequestIsTheEarliestSent`" + `).
Client, caches and origin share the machine's CPUs; compare within one run.
`

// llReport is phase (f)'s table and targets.
func llReport(cfg config, res *results) (string, []target) {
	by := map[string]*llResult{llDirect: res.LLDirect}
	for _, name := range cfg.Peers {
		if p := res.Peers[name]; p != nil && p.LL != nil {
			by[name] = p.LL
		}
	}
	cols := cfg.Peers
	if res.LLDirect != nil {
		cols = append([]string{llDirect}, cfg.Peers...)
	}
	return llTable(cols, by), llTargets(by["streamedge"])
}

func llTargetsMarkdown(ts []target) string {
	var b strings.Builder
	b.WriteString("Targets (issue 12, make bench), streamedge:\n\n")
	for _, t := range ts {
		verdict := "not measured"
		if t.Met != nil {
			verdict = map[bool]string{true: "**met**", false: "**missed**"}[*t.Met]
		}
		fmt.Fprintf(&b, "- %s: %s — %s\n", t.Goal, t.Got, verdict)
	}
	b.WriteString("- hls.js latency to the live edge through the edge < 3 s and within 0.5 s of direct: " +
		"measured by `make test-browser` (player-test/browser), not here\n")
	return b.String()
}

func appendLL(path string, res *results) error {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### %s — %s\n\n", res.Started.Format("2006-01-02 15:04 MST"), res.Machine)
	fmt.Fprintf(&b, "%d players × %ds (LL), then %d × %ds (segments). Versions:", res.Config.FanoutPlayers,
		res.Config.FanoutSeconds, res.Config.FanoutPlayers, llSegSeconds(res.Config))
	for _, name := range res.Config.Peers {
		if p := res.Peers[name]; p != nil {
			fmt.Fprintf(&b, " %s %s;", name, p.Version)
		}
	}
	fmt.Fprintf(&b, " %s. Load average at start / end: %s; other work before a phase: at most %.0f %% CPU.\n\n",
		res.Machine.Go, strings.Join(res.Machine.LoadAvg, " / "), 100*maxBusy(res))
	b.WriteString(res.LLTable)
	b.WriteString("\n" + llTargetsMarkdown(res.LLTargets))
	return appendSection(path, llSectionHeading, llSectionIntro, b.String())
}
