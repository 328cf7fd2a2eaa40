package sim

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

// liveByteRangeServer is a tiny live HLS origin: 1 s segments that are
// byte ranges of one growing TS file, a 6-segment window, 6 segments
// available at start.
func liveByteRangeServer(t *testing.T) *httptest.Server {
	const segLen, packets = 1880, 10
	start := time.Now()
	media := bytes.Repeat(append([]byte{0x47}, make([]byte, 187)...), packets*600)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /live/index.m3u8", func(w http.ResponseWriter, r *http.Request) {
		n := int(time.Since(start)/time.Second) + 6
		first := n - 6
		var b strings.Builder
		fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:%d\n", first)
		for i := first; i < n; i++ {
			fmt.Fprintf(&b, "#EXTINF:1.0,\n#EXT-X-BYTERANGE:%d@%d\nmedia.ts\n", segLen, i*segLen)
		}
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		_, _ = w.Write([]byte(b.String()))
	})
	mux.HandleFunc("GET /live/media.ts", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "media.ts", start, bytes.NewReader(media))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func runE2E(t *testing.T, url string, players int, d time.Duration) Report {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := Run(ctx, Config{URL: url, Players: players, Duration: d,
		Ramp: 200 * time.Millisecond, Player: PlayerConfig{Validate: true}})
	if err != nil {
		t.Error(err)
	}
	t.Logf("%s: %+v", url, rep)
	return rep
}

func checkHealthy(t *testing.T, rep Report, players int) {
	t.Helper()
	if rep.Errors != 0 {
		t.Errorf("errors = %d %v", rep.Errors, rep.ErrorsByKind)
	}
	if rep.PlayersStarted != int64(players) {
		t.Errorf("players started playback = %d, want %d", rep.PlayersStarted, players)
	}
	if rep.Segments == 0 || rep.StartupP50MS <= 0 {
		t.Errorf("no segments or startup: %+v", rep)
	}
	if rep.StallRatio > 0.2 {
		t.Errorf("stall ratio %.2f", rep.StallRatio)
	}
}

func TestE2ELiveHLSByteRanges(t *testing.T) {
	t.Parallel()
	srv := liveByteRangeServer(t)
	rep := runE2E(t, srv.URL+"/live/index.m3u8", 3, 4*time.Second)
	checkHealthy(t, rep, 3)
	if rep.RequestsByKind["playlist"] < 3*3 {
		t.Errorf("live playlist was not reloaded: %v", rep.RequestsByKind)
	}
}

func TestE2ETestOrigin(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(testorigin.New(testorigin.Options{Seed: 1}))
	t.Cleanup(srv.Close)
	cases := []struct {
		path    string
		players int
		d       time.Duration
	}{
		{"/live/hls_ts/master.m3u8", 5, 6 * time.Second},
		{"/live/hls_fmp4/master.m3u8", 2, 5 * time.Second},
		{"/live/dash/manifest.mpd", 2, 5 * time.Second},
		{"/vod/dash/manifest.mpd", 1, 3 * time.Second},
	}
	reps := make([]Report, len(cases))
	var wg sync.WaitGroup
	for i, tc := range cases { // concurrently: t.Parallel is capped at GOMAXPROCS
		wg.Go(func() { reps[i] = runE2E(t, srv.URL+tc.path, tc.players, tc.d) })
	}
	wg.Wait()
	for i, tc := range cases {
		t.Run(strings.ReplaceAll(tc.path, "/", "_"), func(t *testing.T) { checkHealthy(t, reps[i], tc.players) })
	}
}

func TestE2EFaultsAreCounted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(testorigin.New(testorigin.Options{Seed: 2, ErrorRate: 0.3, GarbageRate: 0.3}))
	t.Cleanup(srv.Close)
	rep := runE2E(t, srv.URL+"/vod/hls_ts/master.m3u8", 2, 3*time.Second)
	if rep.ErrorsByKind["http_5xx"] == 0 || rep.ErrorsByKind["parse"] == 0 {
		t.Errorf("faults not counted: %v", rep.ErrorsByKind)
	}
}
