package edge

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// timelineMPD is a live MPD without publishTime, as many packagers write it:
// video and audio SegmentTimelines listing n 4 s segments (S@r repeats).
func timelineMPD(n int64) string {
	return fmt.Sprintf(`<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2024-05-01T10:00:00Z"
     minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT60S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="p0" start="PT0S">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="90000" media="v_$Time$.m4s" initialization="v_init.mp4">
        <SegmentTimeline><S t="0" d="360000" r="%d"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="v" bandwidth="1000000"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4">
      <SegmentTemplate timescale="48000" media="a_$Time$.m4s" initialization="a_init.mp4">
        <SegmentTimeline><S t="0" d="192000" r="%d"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="a" bandwidth="128000"/>
    </AdaptationSet>
  </Period>
</MPD>`, n-1, n-1)
}

// listedSegments reads back what timelineMPD(n) was given, for messages.
func listedSegments(body string) string {
	_, after, ok := strings.Cut(body, `r="`)
	var r int64
	if _, err := fmt.Sscanf(after, "%d", &r); !ok || err != nil {
		return "no timeline"
	}
	return fmt.Sprint(r + 1)
}

// A pool of origins where one lags, serving dynamic MPDs without
// publishTime: a refresh listing fewer segments than the cached MPD (its
// newest segment ends earlier) never replaces it; viewers keep the cached
// copy (X-Cache: Stale, counted in streamedge_live_playlist_regressions_total)
// and get every newer one. The origin says max-age=0, so each request is a
// refresh: no waiting on lifetimes.
func TestDynamicMPDWithoutPublishTimeNeverReplacedByLaggingOrigin(t *testing.T) {
	t.Parallel()
	onFronts(t, func(t *testing.T) {
		var segments atomic.Int64
		segments.Store(10)
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/dash+xml")
			w.Header().Set("Cache-Control", "max-age=0")
			fmt.Fprint(w, timelineMPD(segments.Load()))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		const path = "/live/manifest.mpd"
		wantCache(t, e.get(t, "GET", path), "Miss")
		steps := []struct {
			origin, want int64 // segments the origin lists, segments the viewer must get
			cache        string
		}{
			{8, 10, "Stale"}, // lagging origin: fewer segments, keep the cached MPD
			{12, 12, "Miss"}, // newer: replace
			{11, 12, "Stale"},
			{12, 12, "Miss"}, // the same listing replaces (nothing older about it)
			{14, 14, "Miss"},
		}
		for i, s := range steps {
			segments.Store(s.origin)
			r := e.get(t, "GET", path)
			if r.status != 200 || r.body != timelineMPD(s.want) {
				t.Fatalf("step %d: origin listed %d segments, edge served %d listing %s, want %d", i, s.origin, r.status,
					listedSegments(r.body), s.want)
			}
			wantCache(t, r, s.cache)
			if n := o.count(path); n != 2+i {
				t.Fatalf("step %d: origin requests = %d, want %d (every request refreshes)", i, n, 2+i)
			}
		}
		if got := counterValue(e.h.metrics.regressions); got != 2 {
			t.Fatalf("regressions counted = %v, want 2", got)
		}
	})
}
