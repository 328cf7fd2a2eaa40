package resilience

import (
	"bufio"
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFaultOriginFlapping: the origin process is killed and restarted about
// every second for 6 s while 20 simulated players watch the live HLS stream
// through the edge. The edge must never crash nor stop answering /healthz,
// players must see few errors, and once the flapping stops the stream is
// served normally.
func TestFaultOriginFlapping(t *testing.T) {
	const (
		players  = 20
		playFor  = 8 * time.Second
		flapFor  = 6 * time.Second
		up, down = 700 * time.Millisecond, 300 * time.Millisecond
	)
	origin := startOrigin(t)
	edge := startEdge(t, origin.URL(), "-origin-timeout", "2s")
	wait := startPlayers(t, edge.URL("/live/hls_ts/master.m3u8"), players, playFor)

	stopProbe, probe := probeHealth(edge)
	time.Sleep(500 * time.Millisecond) // let the players start against a healthy origin
	flaps := 0
	for start := time.Now(); time.Since(start) < flapFor; flaps++ {
		time.Sleep(up)
		origin.kill()
		time.Sleep(down)
		origin.restart()
	}
	rep := wait()
	healthFails, healthChecks := stopProbe()
	t.Logf("%d flaps; players: %s", flaps, rep)
	t.Logf("/healthz: %d failures in %d checks", healthFails, healthChecks)

	edge.alive()
	if healthFails > 0 {
		t.Errorf("/healthz failed %d of %d times while the origin flapped:\n%s", healthFails, healthChecks, probe())
	}
	if rep.Started < int64(players) {
		t.Errorf("%d of %d players started playback", rep.Started, players)
	}
	// Bounded: at most one error per 20 requests. The edge answers from
	// cache or stale while the origin is down; what players can still see
	// is a segment the edge never had, asked for while the origin was down.
	if limit := max(5, rep.Requests/20); rep.Errors > limit {
		t.Errorf("players saw %d errors in %d requests (limit %d): %v", rep.Errors, rep.Requests, limit, rep.ErrorsByKind)
	}
	checkLiveServed(t, edge)
}

// probeHealth polls the edge's /healthz every 100 ms until stopped.
func probeHealth(edge *edgeProc) (stop func() (fails, checks int), lastErr func() string) {
	var (
		mu            sync.Mutex
		fails, checks int
		last          string
		wg            sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			err := edge.healthz()
			mu.Lock()
			checks++
			if err != nil {
				fails++
				last = err.Error()
			}
			mu.Unlock()
		}
	})
	stop = func() (int, int) {
		close(done)
		wg.Wait()
		return fails, checks
	}
	return stop, func() string { mu.Lock(); defer mu.Unlock(); return last }
}

// checkLiveServed wants the live master, a media playlist and its newest
// segment served with 200 and sane bodies, allowing the edge a few seconds to
// settle on the restarted origin's timeline.
func checkLiveServed(t *testing.T, edge *edgeProc) {
	t.Helper()
	c := newClient(t, 5*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	var problem string
	for time.Now().Before(deadline) {
		if problem = liveProblem(c, edge); problem == "" {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Errorf("after the flapping stopped, the live stream is not served normally: %s", problem)
}

func liveProblem(c *http.Client, edge *edgeProc) string {
	master := get(c, edge.URL("/live/hls_ts/master.m3u8"))
	if master.err != nil || master.status != http.StatusOK || !looksLikeManifest(master.body) {
		return "master: " + describe(master)
	}
	media := get(c, edge.URL(livePlaylist))
	if media.err != nil || media.status != http.StatusOK || !looksLikeManifest(media.body) {
		return "media playlist: " + describe(media)
	}
	var seg string
	sc := bufio.NewScanner(bytes.NewReader(media.body))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			seg = l
		}
	}
	if seg == "" {
		return "media playlist without segments"
	}
	s := get(c, edge.URL("/live/hls_ts/240p/"+seg))
	if s.err != nil || s.status != http.StatusOK || len(s.body) == 0 || s.body[0] != 0x47 {
		return seg + ": " + describe(s)
	}
	return ""
}

func describe(r reply) string {
	if r.err != nil {
		return r.err.Error()
	}
	return http.StatusText(r.status) + ", X-Cache " + r.xcache() + ", " + strings.TrimSpace(string(r.body[:min(len(r.body), 80)]))
}
