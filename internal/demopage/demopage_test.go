package demopage

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/edge"
)

// edgeStats is what an edge reports after 12 client requests (8 from cache,
// 2 coalesced), 3 of which reached the origin.
func edgeStats() edge.Stats {
	return edge.Stats{ClientRequests: 12, CacheHits: 8, Coalesced: 2, OriginRequests: 3,
		ByResult: map[string]int64{"hit": 6, "refresh_hit": 1, "stale": 1, "miss": 2, "coalesced": 2}}
}

func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestStatsJSON(t *testing.T) {
	h := Handler(Config{Stats: edgeStats, OriginRequests: func() (int64, bool) { return 4, true }})
	res, body := get(t, h, "/demo/stats.json")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var s Stats
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	if s.ClientRequests != 12 || s.CacheHits != 8 || s.OriginRequests != 3 || s.Coalesced != 2 {
		t.Errorf("counts = client %d hits %d origin %d coalesced %d, want 12 8 3 2",
			s.ClientRequests, s.CacheHits, s.OriginRequests, s.Coalesced)
	}
	if s.ByCache["miss"] != 2 || s.ByCache["refresh_hit"] != 1 || len(s.ByCache) != 5 {
		t.Errorf("by_cache = %v", s.ByCache)
	}
	// Origin offload is the share of requests the origin was spared.
	if !near(s.HitRatio, 8.0/12) || !near(s.OriginOffload, 0.75) {
		t.Errorf("hit_ratio %v origin_offload %v, want %v 0.75", s.HitRatio, s.OriginOffload, 8.0/12)
	}
	if s.TestOriginRequests == nil || *s.TestOriginRequests != 4 || s.TestOriginOffload == nil || !near(*s.TestOriginOffload, 2.0/3) {
		t.Errorf("test origin = %v %v, want 4 and 2/3", s.TestOriginRequests, s.TestOriginOffload)
	}
}

func TestStatsEmptyRegistry(t *testing.T) {
	s := ComputeStats(edge.Stats{}, func() (int64, bool) { return 0, false })
	if s.ClientRequests != 0 || s.HitRatio != 0 || s.OriginOffload != 0 || s.TestOriginRequests != nil {
		t.Errorf("stats = %+v, want zeros", s)
	}
	if _, err := json.Marshal(s); err != nil { // no NaN
		t.Fatal(err)
	}
}

// fakeAssets makes a node_modules directory with both player libraries.
func fakeAssets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, rel := range vendorFiles {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("/* "+rel+" */"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIndexPage(t *testing.T) {
	h := Handler(Config{AssetsDir: fakeAssets(t), Streams: []Stream{
		{"live HLS (TS)", "/live/hls_ts/master.m3u8"}, {"live DASH", "/live/dash/manifest.mpd"}}})
	res, body := get(t, h, "/demo/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<option value="/live/hls_ts/master.m3u8">live HLS (TS)`, `/live/dash/manifest.mpd`,
		`<canvas id="chart"`, `id="hit-ratio"`, `id="origin-offload"`, `id="coalesced"`, `/demo/static/demo.js`} {
		if !strings.Contains(body, want) {
			t.Errorf("index page lacks %q", want)
		}
	}
	if strings.Contains(body, "vendor-missing") {
		t.Error("index page reports missing libraries although they are there")
	}
	for _, path := range []string{"/demo/static/demo.js", "/demo/static/player.js", "/demo/static/chart.js", "/demo/static/demo.css"} {
		if res, body := get(t, h, path); res.StatusCode != 200 || len(body) < 100 {
			t.Errorf("%s: status %d, %d bytes", path, res.StatusCode, len(body))
		}
	}
	if res, _ := get(t, h, "/demo"); res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/demo/" {
		t.Errorf("/demo: status %d location %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestPlayerPage(t *testing.T) {
	h := Handler(Config{AssetsDir: fakeAssets(t)})
	res, body := get(t, h, "/demo/player.html?lib=hls&src=/x.m3u8")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`<video id="v" muted autoplay playsinline>`, "window.fatal = null", "window.stalls", "StreamedgePlayer.play"} {
		if !strings.Contains(body, want) {
			t.Errorf("player page lacks %q", want)
		}
	}
}

func TestVendorServed(t *testing.T) {
	h := Handler(Config{AssetsDir: fakeAssets(t)})
	res, body := get(t, h, "/demo/vendor/hls.min.js")
	if res.StatusCode != 200 || body != "/* hls.js/dist/hls.min.js */" || !strings.Contains(res.Header.Get("Content-Type"), "javascript") {
		t.Errorf("hls.min.js: status %d type %q body %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res, _ := get(t, h, "/demo/vendor/shaka-player.compiled.js"); res.StatusCode != 200 {
		t.Errorf("shaka: status %d", res.StatusCode)
	}
	for _, path := range []string{"/demo/vendor/package.json", "/demo/vendor/..%2fpackage.json"} {
		if res, _ := get(t, h, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
	}
}

func TestVendorMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "node_modules")
	h := Handler(Config{AssetsDir: dir})
	_, body := get(t, h, "/demo/")
	if !strings.Contains(body, `id="vendor-missing"`) || !strings.Contains(body, "make demo") || !strings.Contains(body, dir) {
		t.Errorf("index page does not say how to install the libraries:\n%s", body)
	}
	res, body := get(t, h, "/demo/vendor/hls.min.js")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "make demo") {
		t.Errorf("vendor: status %d body %q", res.StatusCode, body)
	}
	_, body = get(t, h, "/demo/player.html?lib=hls&src=/x.m3u8")
	if !strings.Contains(body, `window.fatal = "vendor missing: hls.min.js shaka-player.compiled.js `) || !strings.Contains(body, "make demo") {
		t.Errorf("player page does not report the missing libraries:\n%s", body)
	}
}

func TestStatsWithoutEdgeStats(t *testing.T) {
	if res, _ := get(t, Handler(Config{}), "/demo/stats.json"); res.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", res.StatusCode)
	}
}
