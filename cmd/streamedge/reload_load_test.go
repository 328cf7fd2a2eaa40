package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

// TestReloadUnderLoad: 100 configuration reloads while players play live
// HLS and DASH through the edge: no player error, no failed request, every
// reload applied.
func TestReloadUnderLoad(t *testing.T) {
	org := httptest.NewServer(testorigin.New(testorigin.Options{Seed: 3}))
	t.Cleanup(org.Close)
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	yaml := func(i int) string {
		primary, secondary := "a", "b"
		if i%2 == 1 {
			primary, secondary = "b", "a"
		}
		return fmt.Sprintf(`origins:
  a: {url: %s}
  b: {url: %s}
origin_groups:
  live: {primary: %s, secondary: %s}
behaviors:
  - path: /live/*
    origin: live
    cache_policy: {default_ttl: %ds}
default_behavior:
  origin: %s
`, org.URL, org.URL, primary, secondary, 60+i, primary)
	}
	writeFile(t, cfgPath, yaml(0))
	e := startEdge(t, "-config", cfgPath)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	reps := make([]sim.Report, 2)
	for i, path := range []string{"/live/hls_ts/master.m3u8", "/live/dash/manifest.mpd"} {
		wg.Go(func() {
			rep, err := sim.Run(ctx, sim.Config{URL: e.edge + path, Players: 10, Duration: 8 * time.Second,
				Ramp: 200 * time.Millisecond, Player: sim.PlayerConfig{Validate: true}})
			if err != nil {
				t.Error(err)
			}
			reps[i] = rep
		})
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 1; i <= 100; i++ {
		writeFile(t, cfgPath, yaml(i))
		resp, err := client.Post(e.admin+"/-/reload", "", nil)
		if err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("reload %d: %d %s", i, resp.StatusCode, body)
		}
		time.Sleep(60 * time.Millisecond)
	}
	wg.Wait()
	for i, rep := range reps {
		if rep.Errors != 0 || rep.PlayersStarted != 10 || rep.Segments == 0 {
			t.Errorf("stream %d during reloads: %d errors %v, %d of 10 players started, %d segments",
				i, rep.Errors, rep.ErrorsByKind, rep.PlayersStarted, rep.Segments)
		}
	}
	if m := scrape(t, e.admin); !containsLine(m, `streamedge_config_reloads_total{result="ok"} 100`) {
		t.Errorf("reloads counted: %s", grepLines(m, "streamedge_config_reloads_total"))
	}
}

func containsLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func grepLines(text, substr string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
