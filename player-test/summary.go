package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/streamedge/streamedge/player-test/sim"
)

// printSummary writes the end-of-run table.
func printSummary(w io.Writer, r result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, f string, a ...any) { fmt.Fprintf(tw, "%s\t"+f+"\n", append([]any{k}, a...)...) }
	row("url", "%s", r.URL)
	row("players", "%d launched, %d started playback (of %d)", r.Launched, r.PlayersStarted, r.Players)
	row("duration", "%.1fs", r.ElapsedS)
	row("startup p50 / p99", "%.0f ms / %.0f ms", r.StartupP50MS, r.StartupP99MS)
	row("stall ratio", "%.4f (%.1fs stalled / %.1fs played)", r.StallRatio, r.StallTimeS, r.PlayTimeS)
	row("stalls", "%d", r.Stalls)
	row("errors", "%d%s", r.Errors, kinds(r.ErrorsByKind))
	row("segment latency p50 / p99", "%.1f ms / %.1f ms (TTFB %.1f / %.1f ms)",
		r.SegmentP50MS, r.SegmentP99MS, r.SegmentTTFBP50MS, r.SegmentTTFBP99MS)
	row("segments", "%d", r.Segments)
	row("bytes", "%d (%s)", r.Bytes, humanBytes(r.Bytes))
	row("requests", "%d (%.1f req/s)%s", r.Requests, r.ReqPerSec, kinds(r.RequestsByKind))
	row("rendition switches", "%d", r.Switches)
	row("stale playlists", "%d", r.StalePlaylists)
	if r.LLParts > 0 {
		row("LL-HLS parts", "%d", r.LLParts)
		row("latency to live edge p50 / p99", "%.0f ms / %.0f ms (%d samples)",
			r.LiveLatencyP50MS, r.LiveLatencyP99MS, r.LiveLatencySamples)
	}
	for _, h := range []struct {
		name string
		r    *sim.HeldReport
	}{{"held parts", r.HeldParts}, {"held blocking reloads", r.HeldPlaylists}} {
		if h.r != nil {
			row(h.name+": availability → first body byte p50 / p99", "%.1f ms / %.1f ms (last byte %.1f / %.1f ms; %d holders)",
				h.r.FirstP50MS, h.r.FirstP99MS, h.r.LastP50MS, h.r.LastP99MS, h.r.Count)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.FirstRequest)) {
		c := r.FirstRequest[k]
		row("first request a hit: "+k+"s", "%d of %d (%.1f%%)", c.FirstHit, c.Objects, 100*c.Share)
	}
	if r.OriginRequests != nil {
		row("origin requests", "%d", *r.OriginRequests)
	}
	if r.OriginOffload != nil {
		row("origin offload", "%.4f (share of player requests the origin was spared: 1 − origin ÷ player)", *r.OriginOffload)
	}
	_ = tw.Flush()
}

// kinds formats the non-zero entries of a by-kind map, sorted by name.
func kinds(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

func writeJSON(path string, r result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
