package distribution

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/segments"
)

const slatePlaylist = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nslate.ts\n#EXT-X-ENDLIST\n"

// TestBuildAppliesCustomErrorResponses: the file's custom error responses
// reach the edge (a missing error_caching_min_ttl is 10s), and a live
// playlist whose origin answers 503 gets the slate, fetched once through
// the /slates/* behavior from another origin.
func TestBuildAppliesCustomErrorResponses(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	count := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			asked[r.URL.Path]++
			mu.Unlock()
			h(w, r)
		}
	}
	live := httptest.NewServer(count(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "packager down", http.StatusServiceUnavailable)
	}))
	defer live.Close()
	slates := httptest.NewServer(count(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, slatePlaylist)
	}))
	defer slates.Close()
	d := build(t, `origins:
  live: {url: `+live.URL+`}
  slates: {url: `+slates.URL+`}
behaviors:
  - {path: /slates/*, origin: slates}
default_behavior: {origin: live}
custom_error_responses:
  - {status: 503, page_path: /slates/offline.m3u8, response_status: 200, error_caching_min_ttl: 1s}
  - {status: 404}
`)
	ers := d.Routes.ErrorResponses()
	sort.Slice(ers, func(i, j int) bool { return ers[i].Status < ers[j].Status })
	want := []edge.ErrorResponse{{Status: 404, ResponseStatus: 404, MinTTL: 10 * time.Second},
		{Status: 503, PagePath: "/slates/offline.m3u8", ResponseStatus: 200, MinTTL: time.Second}}
	if fmt.Sprint(ers) != fmt.Sprint(want) {
		t.Fatalf("error responses %+v, want %+v", ers, want)
	}
	h, err := edge.New(edge.Config{Store: segments.New(segments.Config{MaxBytes: 8 << 20, HotBytes: 1 << 20}),
		Routes: d.Routes, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for i := range 3 {
		resp, err := http.Get(srv.URL + "/live/index.m3u8")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != slatePlaylist {
			t.Fatalf("request %d: %d %q, want the slate with 200", i, resp.StatusCode, b)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if asked["/slates/offline.m3u8"] != 1 || asked["/live/index.m3u8"] != 1 {
		t.Fatalf("origin requests %v: want the slate once and the 503 once (kept 1s)", asked)
	}
}
