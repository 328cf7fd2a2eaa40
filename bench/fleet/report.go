package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/streamedge/streamedge/player-test/sim"
)

// maxPerObject is how close to one origin request per segment the fleet
// must stay while the shield is up (1.00 to two decimals).
const maxPerObject = 1.005

// check returns what the run got wrong (empty: it passed).
func check(res *result, ps *players, f *fleet) []string {
	var bad []string
	rep := res.Report.(sim.Report)
	if rep.Errors != 0 {
		bad = append(bad, fmt.Sprintf("players saw %d errors %v", rep.Errors, rep.ErrorsByKind))
	}
	if rep.PlayersStarted != int64(f.o.Players) {
		bad = append(bad, fmt.Sprintf("%d of %d players started playback", rep.PlayersStarted, f.o.Players))
	}
	if len(res.Phases) != 5 {
		return append(bad, fmt.Sprintf("%d phases measured, want 5", len(res.Phases)))
	}
	for _, i := range []int{0, 1, 3} { // shield up; 2 is the invalidation's own refetches
		p := res.Phases[i]
		if p.SegObjects == 0 && p.Seconds < res.SegmentS {
			continue // shorter than a segment (a short run with link latency): no new segment is due
		}
		if p.SegObjects == 0 || p.SegPerObj > maxPerObject {
			bad = append(bad, fmt.Sprintf("%s: origin requests per segment %.3f over %d segments, want 1.00", p.Name, p.SegPerObj, p.SegObjects))
		}
	}
	last := res.Phases[4]
	if last.SegObjects == 0 || last.PlayerRequests == 0 {
		bad = append(bad, fmt.Sprintf("%s: the origin served %d segments and the players made %d requests: the edges did not fail over", last.Name, last.SegObjects, last.PlayerRequests))
	}
	if live := float64(len(f.edges) - 1); last.SegPerObj > live {
		bad = append(bad, fmt.Sprintf("%s: origin requests per segment %.2f, more than one per live edge (%v)", last.Name, last.SegPerObj, live))
	}
	// With peering an edge may own no key fetched after the kill; every
	// POP's owners must have failed over.
	perPOP := map[int]float64{}
	for _, e := range f.edges {
		if n, ok := res.EdgeFailovers[e.Name]; ok {
			perPOP[e.POP] += n
		}
	}
	for pop := 1; pop <= f.o.POPs; pop++ {
		if perPOP[pop] == 0 {
			bad = append(bad, fmt.Sprintf("POP %d: no edge's streamedge_origin_failovers_total off the shield grew after the shield's kill", pop))
		}
	}
	for _, r := range res.Invalidation {
		if r.MissMS < 0 || r.MissMS > 1000 || r.Err != "" {
			bad = append(bad, fmt.Sprintf("invalidation: edge %s first missed at %.0f ms (want <= 1000) %s", r.Node, r.MissMS, r.Err))
		}
	}
	if fi := res.Fleet; fi != nil && (fi.CompletedMS < 0 || fi.CompletedMS > 1000) {
		bad = append(bad, fmt.Sprintf("invalidation %s: GetInvalidation on %s said Completed at %.0f ms (want <= 1000; last %q)", fi.ID, fi.Via, fi.CompletedMS, fi.Status))
	}
	return bad
}

func printResult(w io.Writer, res *result) {
	rep := res.Report.(sim.Report)
	fmt.Fprintf(w, "\nfleet: %d players on %d s of live HLS (%.0f s segments), %s shield, peering in each POP: %s; link latency: %s; origin latency %.0f ms before headers\n",
		res.Players, int(res.DurationS), res.SegmentS, res.Shield, res.PeerHot, res.Latency, res.OriginLatMS)
	fmt.Fprintf(w, "load average (1, 5, 15 min) at the start: %s, at the end: %s (2 cores, shared)\n", res.LoadAvg[0], res.LoadAvg[1])
	fmt.Fprintf(w, "players: started %d, errors %d, stalls %d (stall ratio %.4f), requests %d, segment p99 %.0f ms\n\n",
		rep.PlayersStarted, rep.Errors, rep.Stalls, rep.StallRatio, rep.Requests, rep.SegmentP99MS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\ts\torigin segs\torigin seg reqs\treqs/segment\torigin reqs/s/playlist\treqs/playlist version\tplayer reqs\tplayer errors\tfailovers")
	for _, p := range res.Phases {
		fmt.Fprintf(tw, "%s\t%.1f\t%d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\n", p.Name, p.Seconds, p.SegObjects, p.SegRequests,
			p.SegPerObj, p.PlaylistReqPerS, p.PerVersion, p.PlayerRequests, p.PlayerErrors, p.Failovers)
	}
	tw.Flush()
	fmt.Fprintf(w, "\ninvalidation of /live/* on %s:\n", res.Invalidated)
	applied := "invalidation answered ms"
	if fi := res.Fleet; fi != nil {
		fmt.Fprintf(w, "%s created on %s (%d members in its /fleet), CreateInvalidation answered at %.0f ms, GetInvalidation %s at %.0f ms\n",
			fi.ID, fi.Via, fi.Members, fi.CreatedMS, fi.Status, fi.CompletedMS)
		applied = "created (via) / in its /invalidations ms"
	}
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "edge\tbefore\tafter\t"+applied+"\tmissing probe sent ms\tmiss answered ms")
	for _, r := range res.Invalidation {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.0f\t%.0f\n", r.Node, r.Before, r.After, r.AppliedMS, r.SentMS, r.MissMS)
	}
	tw.Flush()
	fmt.Fprint(w, "\nedges' streamedge_origin_failovers_total off the shield (origin group) at the end:")
	for _, e := range sortedKeys(res.EdgeFailovers) {
		fmt.Fprintf(w, " %s %.0f", e, res.EdgeFailovers[e])
	}
	fmt.Fprintln(w)
	if len(res.Failures) == 0 {
		fmt.Fprintln(w, "\nPASS")
		return
	}
	fmt.Fprintln(w, "\nFAIL:")
	for _, f := range res.Failures {
		fmt.Fprintln(w, "  "+f)
	}
}

func writeJSON(path string, res *result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func sortedKeys(m map[string]float64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
