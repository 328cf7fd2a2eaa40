package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

// TestDemoFrontsASeparateOrigin runs `streamedge demo -origin URL` in front
// of a test origin on its own server (as `make demo` runs bin/player-test
// origin as its own process): it prints the URLs, plays a stream through
// the edge and the demo page's stats agree with the origin's own count.
func TestDemoFrontsASeparateOrigin(t *testing.T) {
	org := testorigin.New(testorigin.Options{})
	osrv := httptest.NewServer(org)
	defer osrv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "-origin", osrv.URL, "-listen", "127.0.0.1:0", "-admin", "off",
			"-cache-size", "256MiB", "-max-object-size", "8MiB", "-demo-assets", t.TempDir()}, stdout, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
	}()
	base := waitForURL(t, stdout, `(http://127\.0\.0\.1:\d+)/demo/`)
	if !strings.Contains(stdout.String(), base+"/live/hls_ts/master.m3u8") || !strings.Contains(stdout.String(), osrv.URL) {
		t.Fatalf("demo output lacks the stream URLs or the origin:\n%s", stdout)
	}
	for range 3 {
		if code, _, _ := get(t, base+"/live/hls_ts/master.m3u8"); code != 200 {
			t.Fatalf("master playlist through the demo edge: %d", code)
		}
	}
	var s struct {
		Client  int64    `json:"client_requests"`
		Origin  int64    `json:"origin_requests"`
		Test    *int64   `json:"test_origin_requests"`
		Offload *float64 `json:"origin_offload"`
	}
	var body string
	for deadline := time.Now().Add(2 * time.Second); s.Client < 3 && time.Now().Before(deadline); {
		var code int
		code, body, _ = get(t, base+"/demo/stats.json") // a request is counted just after its response
		if err := json.Unmarshal([]byte(body), &s); code != 200 || err != nil {
			t.Fatalf("stats.json: %d %v\n%s", code, err, body)
		}
	}
	// Three requests, one origin fetch; the origin counted the same.
	if s.Client != 3 || s.Origin != 1 || s.Offload == nil || *s.Offload < 0.66 || s.Test == nil || *s.Test != 1 {
		t.Fatalf("stats = %s (origin counted %d)", body, org.Stats().Requests)
	}
}

func TestDemoWithoutOriginSaysHowToStartIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := waitOrigin(ctx, "http://127.0.0.1:1", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "bin/player-test origin") {
		t.Fatalf("err = %v, want a hint to start the demo origin", err)
	}
}

// TestBinaryShipsWithoutTestMedia: the production binary does not link the
// test origin and its embedded fixtures.
func TestBinaryShipsWithoutTestMedia(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	if strings.Contains(string(out), "testorigin") {
		t.Fatal("cmd/streamedge depends on player-test/testorigin (test media in the binary)")
	}
}

func waitForURL(t *testing.T, out *syncBuffer, pattern string) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no URL matching %s in:\n%s", pattern, out)
	return ""
}

// TestDemoConfigServesTheExampleDistribution runs `streamedge demo -config
// deploy/demo.yaml` (its origins pointed at a test origin): live and VOD
// play through their behaviors with the CORS policy, and while the live
// origin answers 503 its viewers get the slate playlist with status 200.
func TestDemoConfigServesTheExampleDistribution(t *testing.T) {
	org := testorigin.New(testorigin.Options{})
	var down atomic.Bool
	osrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && strings.HasPrefix(r.URL.Path, "/live/") {
			http.Error(w, "packager down", http.StatusServiceUnavailable)
			return
		}
		org.ServeHTTP(w, r)
	}))
	defer osrv.Close()
	yaml, err := os.ReadFile("../../deploy/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "demo.yaml")
	writeFile(t, cfgPath, strings.ReplaceAll(string(yaml), "http://127.0.0.1:8081", osrv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "-config", cfgPath, "-listen", "127.0.0.1:0", "-admin", "off",
			"-cache-size", "256MiB", "-max-object-size", "8MiB", "-demo-assets", t.TempDir()}, stdout, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v", err)
		}
	}()
	base := waitForURL(t, stdout, `(http://127\.0\.0\.1:\d+)/demo/`)
	for _, p := range []string{"/live/hls_ts/master.m3u8", "/live/hls_ts/240p/index.m3u8", "/vod/hls_ts/master.m3u8", "/live/dash/manifest.mpd"} {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Origin", "https://player.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d, Access-Control-Allow-Origin %q", p, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	down.Store(true)
	code, body, _ := get(t, base+"/live/hls_fmp4/master.m3u8") // not cached yet: the origin's 503
	if code != 200 || !strings.Contains(body, "/vod/hls_ts/240p/seg_000.ts") || !strings.Contains(body, "#EXT-X-ENDLIST") {
		t.Errorf("live origin down: %d %q, want the slate playlist with 200", code, body)
	}
}
