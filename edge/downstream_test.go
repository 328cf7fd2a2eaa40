package edge

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// dynamicMPD is a live DASH manifest with minimumUpdatePeriod 5s: the edge
// keeps it min(5s, 2s) = 2s.
const dynamicMPD = `<?xml version="1.0" encoding="utf-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic"
 minimumUpdatePeriod="PT5S" availabilityStartTime="2024-05-01T12:00:00Z" publishTime="2024-05-01T13:00:00Z"
 timeShiftBufferDepth="PT1M" maxSegmentDuration="PT2S" minBufferTime="PT4S">
 <Period id="0" start="PT0S"><AdaptationSet id="0" contentType="video">
  <Representation id="0" mimeType="video/mp4" codecs="avc1.64001f" bandwidth="2000000" width="1280" height="720">
   <SegmentTemplate timescale="90000" initialization="init.mp4" media="$Number$.m4s" startNumber="1" duration="180000"/>
  </Representation></AdaptationSet></Period>
</MPD>
`

// farFuture is what a misconfigured origin sends with max-age=3600.
var farFuture = time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)

// wantFreshness checks the freshness a client gets: one Cache-Control line
// equal to cc, no Expires, and an Age no larger than its max-age.
func wantFreshness(t *testing.T, r result, cc string, maxAge int) {
	t.Helper()
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("status %d err %v", r.status, r.err)
	}
	if got := r.header.Values("Cache-Control"); len(got) != 1 || got[0] != cc {
		t.Errorf("Cache-Control = %q, want %q (X-Cache %s)", got, cc, r.header.Get("X-Cache"))
	}
	if e := r.header.Get("Expires"); e != "" {
		t.Errorf("Expires = %q reaches the client, want none", e)
	}
	if age, err := strconv.Atoi(r.header.Get("Age")); err != nil || age > maxAge {
		t.Errorf("Age = %q, want at most max-age %d", r.header.Get("Age"), maxAge)
	}
}

func TestLiveManifestsTellClientsTheClampedLifetime(t *testing.T) {
	t.Parallel()
	var seq atomic.Int64
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600, s-maxage=3600")
		w.Header().Set("Expires", farFuture)
		switch r.URL.Path {
		case "/live/index.m3u8": // TARGETDURATION 2: the edge keeps it 1s
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			fmt.Fprint(w, livePlaylist(seq.Add(1)))
		case "/live/manifest.mpd":
			w.Header().Set("Content-Type", "application/dash+xml")
			fmt.Fprint(w, dynamicMPD)
		case "/vod/index.m3u8":
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			fmt.Fprint(w, livePlaylist(1)+"#EXT-X-ENDLIST\n")
		}
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	for _, tc := range []struct {
		path, cc string
		maxAge   int
	}{
		{"/live/index.m3u8", "max-age=1, public, s-maxage=1", 1},
		{"/live/manifest.mpd", "max-age=2, public, s-maxage=2", 2},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := e.get(t, "GET", tc.path)
			wantCache(t, r, "Miss")
			wantFreshness(t, r, tc.cc, tc.maxAge)
			r = e.get(t, "GET", tc.path)
			wantCache(t, r, "Hit")
			wantFreshness(t, r, tc.cc, tc.maxAge)
		})
	}
	var m dto.Metric
	if err := e.h.metrics.liveFreshnessClamped.Write(&m); err != nil || m.GetCounter().GetValue() != 2 {
		n := m.GetCounter().GetValue()
		t.Errorf("streamedge_live_freshness_clamped_total = %v, want 2 (one per fill)", n)
	}
	// A VOD playlist is not clamped: the origin's freshness reaches the client.
	r := e.get(t, "GET", "/vod/index.m3u8")
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=3600, s-maxage=3600" || r.header.Get("Expires") == "" {
		t.Errorf("VOD playlist: Cache-Control %q Expires %q, want the origin's", cc, r.header.Get("Expires"))
	}
}

// TestLivePlaylistRevalidatedKeepsClampedFreshness: a 304 refresh carrying
// the origin's max-age=3600 and Expires must not bring them back.
func TestLivePlaylistRevalidatedKeepsClampedFreshness(t *testing.T) {
	t.Parallel()
	body := livePlaylist(7)
	var notModified atomic.Int64
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Expires", farFuture)
		w.Header().Set("ETag", `"v7"`)
		if r.Header.Get("If-None-Match") == `"v7"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, body)
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	wantFreshness(t, e.get(t, "GET", "/live.m3u8"), "max-age=1", 1)
	time.Sleep(1100 * time.Millisecond) // past the clamped lifetime
	r := e.get(t, "GET", "/live.m3u8")
	wantCache(t, r, "RefreshHit")
	if notModified.Load() != 1 || r.body != body {
		t.Fatalf("304s = %d, body %q: want one revalidation of the stored playlist", notModified.Load(), r.body)
	}
	wantFreshness(t, r, "max-age=1", 1)
	wantFreshness(t, e.get(t, "GET", "/live.m3u8"), "max-age=1", 1)
}
