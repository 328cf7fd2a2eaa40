package edge

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// publishedMPD is a live MPD published sec seconds after a fixed instant.
func publishedMPD(sec int64) string {
	pt := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second).Format(time.RFC3339)
	return fmt.Sprintf(`<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2024-05-01T10:00:00Z"
     publishTime="%s" minimumUpdatePeriod="PT1S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="p0" start="PT0S"><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1000"/></AdaptationSet></Period>
</MPD>`, pt)
}

// An origin pool where one server lags: refreshes alternate between a newer
// MPD and an older one. The edge never replaces its cached MPD with one
// published earlier, and takes every newer one.
func TestDynamicMPDNeverReplacedByOlder(t *testing.T) {
	t.Parallel()
	var published atomic.Int64
	published.Store(100)
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/dash+xml")
		w.Header().Set("Cache-Control", "max-age=1")
		fmt.Fprint(w, publishedMPD(published.Load()))
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	refresh := func(pub int64) result {
		t.Helper()
		published.Store(pub)
		time.Sleep(1100 * time.Millisecond) // past the MPD's 1 s lifetime
		return e.get(t, "GET", "/live/manifest.mpd")
	}
	first := e.get(t, "GET", "/live/manifest.mpd")
	wantCache(t, first, "Miss")
	steps := []struct {
		origin, want int64 // publishTime the origin sends, publishTime the edge must serve
	}{
		{90, 100},  // lagging server: keep the cached one
		{102, 102}, // newer: replace
		{95, 102},  // lagging again
		{104, 104},
	}
	for i, s := range steps {
		r := refresh(s.origin)
		if r.status != 200 || r.body != publishedMPD(s.want) {
			t.Fatalf("step %d: origin sent publishTime +%ds, edge served %d %q, want +%ds", i, s.origin, r.status,
				r.body[strings.Index(r.body, "publishTime"):][:40], s.want)
		}
	}
	if n := o.count("/live/manifest.mpd"); n != 1+len(steps) {
		t.Fatalf("origin requests = %d, want %d", n, 1+len(steps))
	}
	if got := counterValue(e.h.metrics.regressions); got != 2 {
		t.Fatalf("regressions counted = %v, want 2", got)
	}
}
