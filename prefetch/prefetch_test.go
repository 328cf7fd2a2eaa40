package prefetch

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

func TestTargetsHLS(t *testing.T) {
	live := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:10\n" +
		"#EXTINF:2,\nseg_10.ts\n#EXTINF:2,\nseg_11.ts?v=1\n#EXTINF:2,\n/other/seg_12.ts\n#EXTINF:2,\nhttps://cdn.example/seg_13.ts\n"
	for _, tc := range []struct {
		name, body string
		n          int
		want       []string
	}{
		{"newest_n_on_the_origin", live, 3, []string{"/live/a/seg_11.ts?v=1", "/other/seg_12.ts"}},
		{"n_one", live, 1, nil}, // the newest is on another host
		{"n_zero_is_off", live, 0, nil},
		{"vod_playlist_none", live + "#EXT-X-ENDLIST\n", 2, nil},
		{"master_none", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv/index.m3u8\n", 2, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Targets(manifest.HLS, []byte(tc.body), "/live/a/index.m3u8?token=x", tc.n, time.Now())
			if !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTargetsDASH(t *testing.T) {
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	mpd := `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-01T12:00:00Z" minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT30S">
<Period id="p" start="PT0S"><AdaptationSet><SegmentTemplate media="$RepresentationID$/seg_$Number$.m4s" initialization="$RepresentationID$/init.mp4" duration="2" startNumber="1"/>
<Representation id="v1" bandwidth="1"/></AdaptationSet></Period></MPD>`
	got := Targets(manifest.DASH, []byte(mpd), "/live/dash/manifest.mpd", 2, start.Add(21*time.Second))
	want := []string{"/live/dash/v1/seg_9.m4s", "/live/dash/v1/seg_10.m4s"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestHints(t *testing.T) {
	h := http.Header{}
	h.Add("Link", `</live/seg_2.ts>; rel="next", <https://other.example/x>; rel=next, <seg_9.ts>; rel="prefetch"`)
	h.Add("Link", `<seg_3.ts>;rel="preload next"`)
	h.Set("CDN-Origin-Assist-Prefetch-Path", `/live/seg_4.ts, "seg_5.ts"`)
	got := Hints(h, "/live/seg_1.ts")
	want := []string{"/live/seg_2.ts", "/live/seg_3.ts", "/live/seg_4.ts", "/live/seg_5.ts"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	h.Set("CDN-Origin-Assist-Prefetch-Path", strings.Repeat("/a,", 100))
	if n := len(Hints(h, "/x")); n > MaxHints {
		t.Fatalf("%d hints kept, bound %d", n, MaxHints)
	}
}

func TestTrackerHitsAndWaste(t *testing.T) {
	var wasted int64
	tr := NewTracker(2, time.Minute, func(b int64) { wasted += b })
	now := time.Now()
	tr.Add("/a", 10, now)
	tr.Add("/b", 20, now)
	if !tr.Used("/a") || tr.Used("/a") {
		t.Fatal("a used once")
	}
	tr.Add("/c", 30, now)
	tr.Add("/d", 40, now) // over the bound: /b dropped unused
	if wasted != 20 || tr.Len() != 2 {
		t.Fatalf("wasted %d, len %d", wasted, tr.Len())
	}
	tr.Add("/e", 1, now.Add(2*time.Minute)) // /c and /d expire unused
	if wasted != 90 || tr.Len() != 1 {
		t.Fatalf("after expiry: wasted %d, len %d", wasted, tr.Len())
	}
}

func FuzzHints(f *testing.F) {
	f.Add(`</a>; rel="next", <b>; rel=next`, "/x, y")
	f.Add("<<>>;;rel=", ",,\"")
	f.Fuzz(func(t *testing.T, link, assist string) {
		h := http.Header{"Link": {link}, "Cdn-Origin-Assist-Prefetch-Path": {assist}}
		for _, tgt := range Hints(h, "/live/x.ts") {
			if !strings.HasPrefix(tgt, "/") {
				t.Fatalf("target %q is not on the origin", tgt)
			}
		}
	})
}

func FuzzTargetsHLS(f *testing.F) {
	f.Add("#EXTM3U\n#EXTINF:1,\na.ts\n")
	f.Fuzz(func(t *testing.T, body string) {
		if got := Targets(manifest.HLS, []byte(body), "/l/i.m3u8", 3, time.Now()); len(got) > 3 {
			t.Fatalf("%d targets for n=3", len(got))
		}
	})
}
