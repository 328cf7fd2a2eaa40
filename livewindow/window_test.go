package livewindow

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

const llPlaylist = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:4
#EXT-X-PART-INF:PART-TARGET=1.0
#EXT-X-MEDIA-SEQUENCE:100
#EXTINF:4,
seg_100.m4s
#EXT-X-GAP
#EXTINF:4,
seg_101.m4s
#EXTINF:4,
http://elsewhere.example/seg_102.m4s
#EXT-X-PART:DURATION=1.0,URI="seg_103.part0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=1.0,URI="seg_103.part1.m4s",GAP=YES
#EXTINF:4,
/abs/seg_103.m4s?tok=a
#EXT-X-PART:DURATION=1.0,URI="seg_104.part0.m4s"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_104.part1.m4s"
`

func parse(t *testing.T, f manifest.Format, body string) manifest.Info {
	t.Helper()
	info, err := manifest.Parse(f, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// TestFromManifestHLS: a live media playlist's window is its segment and
// EXT-X-PART URIs (GAP ones and other hosts' left out), its next ones the
// EXT-X-PRELOAD-HINT URIs and the next MSN's URI, each held up to the
// target duration; a playlist that ended, a master playlist and VOD give
// nothing.
func TestFromManifestHLS(t *testing.T) {
	w := FromManifest(parse(t, manifest.HLS, llPlaylist), []byte(llPlaylist), "/live/v1/index.m3u8?_HLS_msn=3", time.Now())
	var listed, next []string
	for _, s := range w.Segments {
		if s.Hold != 4*time.Second {
			t.Errorf("%s: hold %v, want the target duration", s.Target, s.Hold)
		}
		switch s.Kind {
		case Listed:
			listed = append(listed, s.Target)
		case Next:
			next = append(next, s.Target)
		default:
			t.Errorf("%s: kind %v", s.Target, s.Kind)
		}
	}
	wantListed := []string{"/live/v1/seg_100.m4s", "/abs/seg_103.m4s?tok=a", "/live/v1/seg_103.part0.m4s", "/live/v1/seg_104.part0.m4s"}
	wantNext := []string{"/live/v1/seg_104.part1.m4s", "/abs/seg_104.m4s?tok=a"}
	if !slices.Equal(listed, wantListed) || !slices.Equal(next, wantNext) {
		t.Errorf("listed %q\nwant   %q\nnext %q\nwant %q", listed, wantListed, next, wantNext)
	}
	if w.TTL != 12*time.Second {
		t.Errorf("TTL %v, want 3 target durations", w.TTL)
	}
	for name, body := range map[string]string{
		"ended":  "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n",
		"vod":    "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4,\na.ts\n",
		"master": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1/index.m3u8\n",
	} {
		if w := FromManifest(parse(t, manifest.HLS, body), []byte(body), "/live/index.m3u8", time.Now()); len(w.Segments) != 0 {
			t.Errorf("%s: %d segments", name, len(w.Segments))
		}
	}
}

// TestFromManifestDASH: the test origin's live MPD gives per Representation
// dashlive's available segments as listed (held up to their 2 s duration)
// and its upcoming ones with their availability times, all on the MPD's
// origin.
func TestFromManifestDASH(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := httptest.NewServer(testorigin.New(testorigin.Options{Now: func() time.Time { return now }}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/live/dash/manifest.mpd")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	w := FromManifest(parse(t, manifest.DASH, string(body)), body, "/live/dash/manifest.mpd", now)
	var listed, upcoming int
	for _, s := range w.Segments {
		if !strings.HasPrefix(s.Target, "/live/dash/") {
			t.Errorf("target %q not on the MPD's origin", s.Target)
		}
		switch s.Kind {
		case Listed:
			listed++
			if s.Hold != 2*time.Second {
				t.Errorf("%s: hold %v, want the 2 s segment duration", s.Target, s.Hold)
			}
		case Upcoming:
			upcoming++
			if !s.Available.After(now) || s.Available.Sub(now) > 4*time.Second {
				t.Errorf("%s: available at %v, now %v", s.Target, s.Available, now)
			}
		}
	}
	if listed != 4*6 || upcoming != 4*MaxUpcoming || w.Segments[0].Kind != Upcoming {
		t.Errorf("%d listed, %d upcoming; want 6 and %d for each of 4 Representations", listed, upcoming, MaxUpcoming)
	}
	if w.TTL != 6*time.Second {
		t.Errorf("TTL %v, want 3 × minimumUpdatePeriod", w.TTL)
	}
}

func FuzzFromManifest(f *testing.F) {
	f.Add(llPlaylist)
	f.Add("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:9\n#EXTINF:2,\nseg_9.ts\n")
	f.Fuzz(func(t *testing.T, body string) {
		info, err := manifest.Parse(manifest.HLS, []byte(body))
		if err != nil {
			return
		}
		w := FromManifest(info, []byte(body), "/live/index.m3u8", time.Now())
		if len(w.Segments) > 3*MaxListed+1 {
			t.Fatalf("%d segments listed", len(w.Segments))
		}
		for _, s := range w.Segments {
			if !strings.HasPrefix(s.Target, "/") {
				t.Fatalf("target %q is not path-absolute", s.Target)
			}
		}
	})
}
