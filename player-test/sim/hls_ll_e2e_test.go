package sim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

func runLLE2E(t *testing.T, url string, players int, d time.Duration, cfg PlayerConfig) Report {
	t.Helper()
	cfg.Validate = true
	rep, err := Run(context.Background(), Config{URL: url, Players: players, Duration: d,
		Ramp: 300 * time.Millisecond, Player: cfg})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %+v", url, rep)
	return rep
}

func TestE2ELLHLSPlaysPartsNearTheLiveEdge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		cfg         PlayerConfig
		skip, hints bool
	}{
		{"hints and delta updates", PlayerConfig{}, true, true},
		{"blocking reloads only", PlayerConfig{LowLatency: LLOn, LLNoHints: true, LLNoSkip: true}, false, false},
		{"segments only (-no-ll)", PlayerConfig{LowLatency: LLOff}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const players = 4
			srv, q := llOrigin(t) // one each: held requests of a run may end after it
			rep := runLLE2E(t, srv.URL+"/live/llhls/master.m3u8", players, 5*time.Second, tc.cfg)
			checkHealthy(t, rep, players)
			if tc.cfg.LowLatency == LLOff {
				if rep.LLParts != 0 || q.blocking.Load() != 0 || rep.Segments == 0 {
					t.Errorf("-no-ll: %d parts, %d blocking reloads, %d segments", rep.LLParts, q.blocking.Load(), rep.Segments)
				}
				return
			}
			if q.blocking.Load() < players*6 || (q.skip.Load() > 0) != tc.skip || (q.held.Load() > 0) != tc.hints {
				t.Errorf("requests: %d blocking, %d delta, %d parts held; want delta %v, hints %v",
					q.blocking.Load(), q.skip.Load(), q.held.Load(), tc.skip, tc.hints)
			}
			if rep.Stalls != 0 {
				t.Errorf("stalls = %d", rep.Stalls)
			}
			if rep.LiveLatencySamples == 0 || rep.LiveLatencyP99MS >= 3000 || rep.LiveLatencyP50MS <= 0 {
				t.Errorf("latency to the live edge p50 %.0f ms p99 %.0f ms (%d samples), want (0, 3 s)",
					rep.LiveLatencyP50MS, rep.LiveLatencyP99MS, rep.LiveLatencySamples)
			}
			// About two parts per second per player, each one fetch and one playlist.
			if rep.LLParts < players*6 {
				t.Errorf("%d parts played by %d players in 5 s", rep.LLParts, players)
			}
		})
	}
}

func TestE2ELLModeRequiredFailsOnAPlainPlaylist(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(testorigin.New(testorigin.Options{}))
	t.Cleanup(srv.Close)
	rep := runLLE2E(t, srv.URL+"/live/hls_fmp4/master.m3u8", 1, time.Second, PlayerConfig{LowLatency: LLOn})
	if rep.ErrorsByKind["parse"] != 1 || rep.LLParts != 0 {
		t.Errorf("-ll on a playlist without parts: errors %v, parts %d", rep.ErrorsByKind, rep.LLParts)
	}
}

// llQueries counts the LL-HLS requests players make.
type llQueries struct{ blocking, skip, held atomic.Int64 }

// llOrigin serves the test origin with its clock 20 s on, so the LL-HLS
// playlist already lists its full 24 s window and delta updates skip.
func llOrigin(t *testing.T) (*httptest.Server, *llQueries) {
	var off atomic.Int64
	o := testorigin.New(testorigin.Options{Now: func() time.Time { return time.Now().Add(time.Duration(off.Load())) }})
	off.Store(int64(20 * time.Second))
	q := &llQueries{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		if v.Has("_HLS_msn") {
			q.blocking.Add(1)
		}
		if v.Has("_HLS_skip") {
			q.skip.Add(1)
		}
		start := time.Now()
		o.ServeHTTP(w, r)
		if strings.Contains(r.URL.Path, ".part_") && time.Since(start) > 50*time.Millisecond {
			q.held.Add(1)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, q
}

func TestParseTheTestOriginsLLHLSPlaylists(t *testing.T) {
	t.Parallel()
	srv, _ := llOrigin(t)
	for _, q := range []string{"", "?_HLS_skip=YES", "?_HLS_skip=v2"} {
		for _, r := range []string{"240p", "audio"} {
			u, _ := url.Parse(srv.URL + "/live/llhls/" + r + "/index.m3u8" + q)
			resp, err := http.Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			pl, err := ParsePlaylist(body, u)
			if err != nil {
				t.Fatalf("%s: %v\n%s", u, err, body)
			}
			m := pl.Media
			if m == nil || m.LL == nil || m.LL.Hint == nil || !m.LL.CanBlock || len(m.Segments[len(m.Segments)-1].Parts) == 0 {
				t.Fatalf("%s: not parsed as LL-HLS: %+v", u, m)
			}
			if (m.Skipped > 0) != (q != "") {
				t.Errorf("%s: skipped %d segments", u, m.Skipped)
			}
		}
	}
}
