package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func writeJSON(path string, res *results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

const sectionHeading = "## Side-by-side"

// sectionIntro is written once, when the section is created.
const sectionIntro = `
` + "`make bench`" + ` (bench/run.sh) runs streamedge beside nginx (proxy_cache), Varnish and Apache
Traffic Server, configured as in ../shared/peers, one at a time on the same machine, in front of the
test origin (` + "`player-test origin`" + `). Client, cache and origin share the CPUs; compare ratios
within one run, not absolute figures across machines. Each phase starts the cache cold.

- **Hits**: ` + "`wrk --latency`" + ` on a warmed 1 KiB playlist and a warmed 2 MiB segment. The ceiling
  columns are minimal Go servers with the bytes in memory (bench/ceiling): net/http and
  fasthttp v1.78.0.
- **HTTPS hits**: the same over TLS on one certificate made for the run: HTTP/1.1 with wrk, HTTP/2
  with h2load; nginx with an HTTPS listener on the peers' settings, streamedge ` + "`-tls-listen`" + `,
  the ceilings.
- **Cold herd**: bench/herd opens all connections first, then releases one GET each at the same
  instant for a never-requested 2 MiB object; the origin answers after 300 ms. Times run from the
  release to each client's first body byte and last byte (headers for reference only); "origin
  requests" is the origin's count for that object (1 = fully coalesced). The ceilings' herd is hot.
- **Live**: ` + "`player-test run`" + ` players on /live/hls_ts/master.m3u8 (3 renditions, 2 s segments),
  starts ramped over the first sixth of the run, once with the origin's default ` + "`max-age=1`" + `
  on live playlists and once with ` + "`max-age=3600`" + ` (a misconfigured origin). Origin
  media-playlist req/s = origin requests for …/index.m3u8 (all renditions) ÷ run seconds; origin
  requests per segment = origin segment requests ÷ distinct segments requested.

All figures of a run (wrk output, herd and player reports, origin counts) are in the JSON written to
$BENCH_OUT (default bench/out/bench.json).
`

// appendBenchmarks adds this run under "## Side-by-side", creating the
// file or the section if needed, and keeps everything else as it is.
func appendBenchmarks(path string, res *results) error {
	return appendSection(path, sectionHeading, sectionIntro, runBlock(res))
}

// appendSection adds block at the end of the section under heading (a
// "## " line) of the markdown file at path, creating the section (with
// intro) at the end of the file when missing.
func appendSection(path, sectionHeading, sectionIntro, block string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if doc == "" {
		doc = "# Benchmarks\n"
	}
	lines := strings.SplitAfter(doc, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == sectionHeading })
	if start < 0 {
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		doc += "\n" + sectionHeading + "\n" + sectionIntro + block
		return os.WriteFile(path, []byte(doc), 0o644)
	}
	// Insert before the next heading of the same or a higher level.
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "## ") || strings.HasPrefix(lines[i], "# ") {
			end = i
			break
		}
	}
	before := strings.TrimRight(strings.Join(lines[:end], ""), "\n") + "\n"
	after := strings.Join(lines[end:], "")
	if after != "" {
		block += "\n"
	}
	return os.WriteFile(path, []byte(before+block+after), 0o644)
}

// runBlock is one run: heading with date and machine, versions, table.
func runBlock(res *results) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n### %s — %s\n\n", res.Started.Format("2006-01-02 15:04 MST"), res.Machine)
	fmt.Fprintf(&b, "%s. Versions:", res.Config.summary())
	for _, name := range res.Config.Peers {
		if p := res.Peers[name]; p != nil {
			fmt.Fprintf(&b, " %s %s;", name, p.Version)
		}
	}
	fmt.Fprintf(&b, " %s. Duration %s; load average at start / end: %s; other work before a phase: "+
		"at most %.0f %% CPU.\n\n", res.Machine.Go, res.Finished.Sub(res.Started).Round(1e9),
		strings.Join(res.Machine.LoadAvg, " / "), 100*maxBusy(res))
	b.WriteString(res.Table.markdown())
	b.WriteString("\n" + res.Table.footnotes())
	if len(res.Targets) > 0 {
		b.WriteString("\n" + targetsMarkdown(res.Targets))
	}
	return b.String()
}

// maxBusy is the highest CPU use by other work measured before a phase.
func maxBusy(res *results) float64 {
	m := 0.0
	for _, c := range res.Ceilings {
		m = max(m, c.CPUBusy)
	}
	for _, p := range res.Peers {
		for _, v := range p.CPUBusy {
			m = max(m, v)
		}
	}
	return m
}
