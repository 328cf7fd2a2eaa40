package edge

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// N players holding the same (playlist, msn, part) cost one origin request;
// each gets the playlist with that part once the origin publishes it.
func TestLLHLSHoldersOfOnePartCostOneOriginRequest(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		lo := newLLOrigin(t, nil)
		e := newTestEdge(t, lo.URL, edgeOpts{})
		pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
		msn, part := hintOf(t, pl.body)
		uri := blockingURI("240p", msn, part, "")
		const n = 30
		results := e.getAll(context.Background(), n, uri)
		waitFor(t, func() bool { return e.h.ll.Held() == n && lo.count(uri) > 0 })
		time.Sleep(50 * time.Millisecond) // any second origin request would show now
		if c := lo.count(uri); c != 1 {
			t.Fatalf("%d origin requests for %s while %d players are held, want 1", c, uri, n)
		}
		lo.advance(600 * time.Millisecond) // the part is published
		for range n {
			r := <-results
			if r.err != nil || r.status != http.StatusOK || !listsPart(r.body, msn, part) {
				t.Fatalf("held player got %d %v, part %d.%d listed: %v", r.status, r.err, msn, part, listsPart(r.body, msn, part))
			}
		}
		if c := lo.count(uri); c != 1 {
			t.Errorf("%d origin requests for %s, want 1", c, uri)
		}
		if e.h.ll.Held() != 0 {
			t.Errorf("%d still held", e.h.ll.Held())
		}
		// What the freshest playlist already holds is answered at once, from the edge.
		older := fmt.Sprintf("%s240p/index.m3u8?_HLS_msn=%d", llBase, msn-1)
		if r := e.get(t, http.MethodGet, older); r.status != 200 || lo.count(older) != 0 ||
			value(t, e.h.llm.releases.WithLabelValues(llImmediate)) != 1 {
			t.Errorf("%s: %d, %d origin requests; want 200 from the edge's playlist", older, r.status, lo.count(older))
		}
	})
}

// Holders are released by the first newer playlist the edge sees, from any
// fill of the rendition (here the bare playlist), before their own blocking
// request comes back.
func TestLLHLSHoldersReleasedByTheFirstNewerPlaylist(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	var gated string
	lo := newLLOrigin(t, func(r *http.Request) {
		if r.URL.RequestURI() == gated {
			<-gate
		}
	})
	defer close(gate)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	gated = blockingURI("240p", msn, part, "")
	const n = 10
	results := e.getAll(context.Background(), n, gated)
	waitFor(t, func() bool { return e.h.ll.Held() == n && lo.count(gated) == 1 })
	lo.advance(600 * time.Millisecond)
	time.Sleep(1100 * time.Millisecond) // the bare playlist's TTL (TD/2) passes
	if r := e.get(t, http.MethodGet, llBase+"240p/index.m3u8"); !listsPart(r.body, msn, part) {
		t.Fatalf("the refreshed playlist lacks part %d.%d", msn, part)
	}
	for range n {
		r := <-results
		if r.status != http.StatusOK || !listsPart(r.body, msn, part) {
			t.Fatalf("released player: %d, part listed %v", r.status, listsPart(r.body, msn, part))
		}
	}
	if got := value(t, e.h.llm.releases.WithLabelValues(llPlaylist)); got != n {
		t.Errorf("releases{reason=playlist} = %v, want %d", got, n)
	}
	if c := lo.count(gated); c != 1 {
		t.Errorf("%d origin requests for %s, want 1", c, gated)
	}
}

// The edge answers 400 itself for _HLS_part without _HLS_msn, values that
// are not decimal integers and an MSN more than two segments past the end
// of its freshest playlist; nothing reaches the origin.
func TestLLHLSRefusesImpossibleDirectives(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, _ := hintOf(t, pl.body) // the segment in progress: last complete is msn-1
	for _, tc := range []struct{ name, query string }{
		{"part without msn", "_HLS_part=1"},
		{"msn not decimal", "_HLS_msn=1e3"},
		{"part not decimal", fmt.Sprintf("_HLS_msn=%d&_HLS_part=-1", msn)},
		{"skip unknown", fmt.Sprintf("_HLS_msn=%d&_HLS_skip=NO", msn)},
		{"more than two segments past the end", fmt.Sprintf("_HLS_msn=%d", msn-1+4)},
		{"a delta update more than two segments past the full playlist's end", fmt.Sprintf("_HLS_msn=%d&_HLS_skip=YES", msn-1+4)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(t, http.MethodGet, llBase+"240p/index.m3u8?"+tc.query)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, "LL-HLS") {
				t.Fatalf("%s: %d %q, want 400", tc.query, r.status, r.body)
			}
		})
	}
	for uri := range lo.counts() {
		if strings.Contains(uri, "_HLS_") {
			t.Errorf("a refused request reached the origin: %s", uri)
		}
	}
	if got := value(t, e.h.llm.refusals.WithLabelValues("400", "too_far")); got != 2 {
		t.Errorf("refusals{400,too_far} = %v, want 2", got)
	}
	// Two past the end is a valid request: held, not refused.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if r := e.do(ctx, http.MethodGet, llBase+"240p/index.m3u8?"+fmt.Sprintf("_HLS_msn=%d", msn-1+2)); r.err == nil {
		t.Errorf("msn two past the end answered %d at once, want held", r.status)
	}
}

// A request the origin cannot satisfy is answered 503 after three target
// durations (6 s here) and the holder leaves; held_ms is logged.
func TestLLHLSHeldRequestGets503AfterThreeTargetDurations(t *testing.T) {
	t.Parallel()
	lo := newLLOrigin(t, nil) // its clock never moves: the part never comes
	e := newTestEdge(t, lo.URL, edgeOpts{})
	var log syncBuffer
	e.h.cfg.AccessLog = &log
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	start := time.Now()
	r := e.get(t, http.MethodGet, blockingURI("240p", msn, part, ""))
	took := time.Since(start)
	if r.status != http.StatusServiceUnavailable || took < 6*time.Second || took > 8*time.Second {
		t.Fatalf("got %d after %v, want 503 after 6s (3 × TD)", r.status, took)
	}
	if e.h.ll.Held() != 0 || value(t, e.h.llm.refusals.WithLabelValues("503", "timeout")) != 1 {
		t.Errorf("held %d, refusals{503,timeout} %v", e.h.ll.Held(), value(t, e.h.llm.refusals.WithLabelValues("503", "timeout")))
	}
	var rec accessRecord
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rec); err != nil || rec.HeldMS < 6000 || rec.Status != 503 {
		t.Errorf("access log %q: held_ms %v", lines[len(lines)-1], rec.HeldMS)
	}
}

// A held request whose client leaves is released at once (net/http: the
// request's context ends with the connection).
func TestLLHLSHolderWhoseClientLeavesIsReleased(t *testing.T) {
	if frontOf(t) == FrontFast {
		t.Skip("fasthttp does not tell a handler its client left: a held request stays held until its release or 3 × TD (README, LL-HLS)")
	}
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	ctx, cancel := context.WithCancel(context.Background())
	results := e.getAll(ctx, 5, blockingURI("240p", msn, part, ""))
	waitFor(t, func() bool { return e.h.ll.Held() == 5 })
	cancel()
	for range 5 {
		<-results
	}
	waitFor(t, func() bool { return e.h.ll.Held() == 0 })
	waitFor(t, func() bool { return value(t, e.h.llm.releases.WithLabelValues(llClientGone)) == 5 })
}

// Holders are bounded per playlist: beyond, 503 with Retry-After.
func TestLLHLSHoldersBeyondTheBoundGet503(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{llhls: llhlsBound(3)})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_ = e.getAll(ctx, 3, blockingURI("240p", msn, part, ""))
	waitFor(t, func() bool { return e.h.ll.Held() == 3 })
	r := e.get(t, http.MethodGet, blockingURI("240p", msn, part, ""))
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("a fourth holder: %d Retry-After %q, want 503 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
	if got := value(t, e.h.llm.refusals.WithLabelValues("503", "holders")); got != 1 {
		t.Errorf("refusals{503,holders} = %v", got)
	}
}
