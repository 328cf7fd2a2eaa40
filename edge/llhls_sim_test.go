package edge

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

// 200 LL-HLS players (the simulator's LL mode: blocking reloads, preload
// hints, delta updates) play the player-test origin through the edge: the
// origin sees one request per (playlist, msn, part, skip) and per part, and
// no player stalls. On both front ends.
func TestLLHLSSimulatorThroughTheEdgeOneOriginRequestPerPart(t *testing.T) {
	if testing.Short() {
		t.Skip("200 players for 6 s per front end")
	}
	onFronts(t, simThroughTheEdge)
}

func simThroughTheEdge(t *testing.T) {
	var off atomic.Int64
	o := testorigin.New(testorigin.Options{Now: func() time.Time { return time.Now().Add(time.Duration(off.Load())) }})
	off.Store(int64(20 * time.Second)) // a full window: delta updates skip
	var mu sync.Mutex
	uris := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uris[r.URL.RequestURI()]++
		mu.Unlock()
		o.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e := newTestEdge(t, srv.URL, edgeOpts{})
	const players = 200
	rep, err := sim.Run(context.Background(), sim.Config{URL: e.URL + llBase + "master.m3u8", Players: players,
		Duration: 6 * time.Second, Ramp: time.Second, Player: sim.PlayerConfig{LowLatency: sim.LLOn, Validate: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %+v", rep)
	mu.Lock()
	defer mu.Unlock()
	var blocking, parts int
	var dup []string
	for uri, n := range uris {
		isBlocking, isPart := strings.Contains(uri, "_HLS_msn="), strings.Contains(uri, ".part_")
		if isBlocking {
			blocking++
		}
		if isPart {
			parts++
		}
		if (isBlocking || isPart) && n != 1 {
			dup = append(dup, uri)
		}
	}
	sort.Strings(dup)
	if len(dup) > 0 {
		t.Errorf("%d origin targets asked more than once: %v", len(dup), dup)
	}
	if blocking == 0 || parts == 0 || rep.LLParts < players*4 {
		t.Errorf("%d blocking reloads, %d parts at the origin, %d parts played: not an LL-HLS run", blocking, parts, rep.LLParts)
	}
	// No stall on an idle machine; a loaded one (CI's race detector, other
	// jobs) has seen 2.4% of play time stalled: the bound is 5%.
	if rep.StallRatio > 0.05 || rep.Errors != 0 || rep.PlayersStarted != players {
		t.Errorf("stalls %d, errors %d %v, started %d of %d", rep.Stalls, rep.Errors, rep.ErrorsByKind, rep.PlayersStarted, players)
	}
	t.Logf("origin: %d blocking reloads, %d parts, %d targets for %d players; held now %d", blocking, parts, len(uris), players, e.h.ll.Held())
}
