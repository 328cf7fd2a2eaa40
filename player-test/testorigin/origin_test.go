package testorigin

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestRoutes(t *testing.T) {
	_, srv := start(t, Options{})
	tests := []struct {
		path, ctype string
		status      int
	}{
		{"/vod/hls_ts/master.m3u8", mimeHLS, 200},
		{"/vod/hls_ts/240p/index.m3u8", mimeHLS, 200},
		{"/vod/hls_ts/480p/seg_005.ts", mimeTS, 200},
		{"/vod/hls_fmp4/master.m3u8", mimeHLS, 200},
		{"/vod/hls_fmp4/360p/index.m3u8", mimeHLS, 200},
		{"/vod/hls_fmp4/360p/init.mp4", mimeVideoMP4, 200},
		{"/vod/hls_fmp4/360p/seg_000.m4s", mimeVideoMP4, 200},
		{"/vod/hls_fmp4/audio/seg_003.m4s", mimeAudioMP4, 200},
		{"/vod/dash/manifest.mpd", mimeDASH, 200},
		{"/vod/dash/480p/seg_002.m4s", mimeVideoMP4, 200},
		{"/vod/dash/audio/init.mp4", mimeAudioMP4, 200},
		{"/live/hls_ts/master.m3u8", mimeHLS, 200},
		{"/live/hls_ts/360p/index.m3u8", mimeHLS, 200},
		{"/live/hls_ts/360p/seg_5.ts", mimeTS, 200},
		{"/live/hls_fmp4/master.m3u8", mimeHLS, 200},
		{"/live/hls_fmp4/audio/index.m3u8", mimeHLS, 200},
		{"/live/hls_fmp4/240p/seg_0.m4s", mimeVideoMP4, 200},
		{"/live/dash/manifest.mpd", mimeDASH, 200},
		{"/live/dash/audio/seg_5.m4s", mimeAudioMP4, 200},
		{"/time", mimeText, 200},
		{"/synthetic/1KiB/a.ts", mimeTS, 200},
		{"/_stats", "application/json", 200},
		{"/vod/hls_ts/240p/seg_006.ts", "", 404},
		{"/vod/hls_ts/240p/seg_6.ts", "", 404},
		{"/vod/hls_ts/240p/init.mp4", "", 404},
		{"/vod/hls_ts/audio/index.m3u8", "", 404},
		{"/vod/hls_fmp4/1080p/index.m3u8", "", 404},
		{"/vod/dash/master.m3u8", "", 404},
		{"/live/hls_ts/240p/seg_005.ts", "", 404},
		{"/nope", "", 404},
	}
	for _, tc := range tests {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			resp, _ := fetch(t, srv.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); tc.ctype != "" && ct != tc.ctype {
				t.Errorf("Content-Type %q, want %q", ct, tc.ctype)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Error("no Access-Control-Allow-Origin: *")
			}
			if tc.status == 200 && !strings.HasPrefix(tc.path, "/_") &&
				(resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "") {
				t.Error("missing ETag or Last-Modified")
			}
		})
	}
}

func TestVODPlaylists(t *testing.T) {
	_, srv := start(t, Options{})
	tests := []struct {
		path, want string
		count      int // lines containing want
	}{
		{"/vod/hls_ts/master.m3u8", "#EXT-X-STREAM-INF:", 3},
		{"/vod/hls_fmp4/master.m3u8", "#EXT-X-STREAM-INF:", 3},
		{"/vod/hls_fmp4/master.m3u8", `#EXT-X-MEDIA:TYPE=AUDIO`, 1},
		{"/vod/hls_ts/240p/index.m3u8", "#EXTINF:", 6},
		{"/vod/hls_ts/240p/index.m3u8", "#EXT-X-ENDLIST", 1},
		{"/vod/hls_fmp4/480p/index.m3u8", "#EXTINF:", 6},
		{"/vod/hls_fmp4/480p/index.m3u8", `#EXT-X-MAP:URI="init.mp4"`, 1},
		{"/vod/hls_fmp4/audio/index.m3u8", "#EXTINF:", 6},
	}
	for _, tc := range tests {
		resp, body := fetch(t, srv.URL+tc.path)
		s := string(body)
		if !strings.HasPrefix(s, "#EXTM3U\n") {
			t.Errorf("%s: does not start with #EXTM3U", tc.path)
		}
		if n := strings.Count(s, tc.want); n != tc.count {
			t.Errorf("%s: %d × %q, want %d", tc.path, n, tc.want, tc.count)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=86400") {
			t.Errorf("%s: Cache-Control %q", tc.path, cc)
		}
	}
	_, master := fetch(t, srv.URL+"/vod/hls_ts/master.m3u8")
	for _, attr := range []string{`CODECS="avc1.42c01f,mp4a.40.2"`, "RESOLUTION=426x240", "RESOLUTION=854x480", "BANDWIDTH="} {
		if !strings.Contains(string(master), attr) {
			t.Errorf("master lacks %s:\n%s", attr, master)
		}
	}
	_, mpd := fetch(t, srv.URL+"/vod/dash/manifest.mpd")
	for _, attr := range []string{`type="static"`, `mediaPresentationDuration="PT12S"`, `$Number%03d$`, `<Representation id="audio"`} {
		if !strings.Contains(string(mpd), attr) {
			t.Errorf("VOD MPD lacks %s", attr)
		}
	}
}

func TestConditionalAndRange(t *testing.T) {
	_, srv := start(t, Options{})
	for _, path := range []string{"/vod/hls_ts/240p/seg_001.ts", "/vod/hls_fmp4/master.m3u8", "/live/hls_ts/240p/index.m3u8", "/synthetic/100/x.bin"} {
		resp, body := fetch(t, srv.URL+path)
		etag, mod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if r, _ := fetch(t, srv.URL+path, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s If-None-Match: %d, want 304", path, r.StatusCode)
		}
		if r, _ := fetch(t, srv.URL+path, "If-Modified-Since", mod); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s If-Modified-Since: %d, want 304", path, r.StatusCode)
		}
		if r, _ := fetch(t, srv.URL+path, "If-None-Match", `"other"`); r.StatusCode != http.StatusOK {
			t.Errorf("%s other ETag: %d, want 200", path, r.StatusCode)
		}
		r, part := fetch(t, srv.URL+path, "Range", "bytes=10-19")
		if r.StatusCode != http.StatusPartialContent || string(part) != string(body[10:20]) {
			t.Errorf("%s Range: %d %q", path, r.StatusCode, r.Header.Get("Content-Range"))
		}
	}
}

func TestPreflight(t *testing.T) {
	_, srv := start(t, Options{ErrorRate: 1})
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/live/hls_ts/master.m3u8", nil)
	req.Header.Set("Origin", "http://player.test")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "range,cmcd-request")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "CMCD-Request") ||
		!strings.Contains(h.Get("Access-Control-Expose-Headers"), "Content-Range") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, h)
	}
}

func TestTime(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(1234 * 1e6)
	resp, body := fetch(t, srv.URL+"/time")
	if string(body) != "2026-01-02T03:04:06.234Z" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("/time = %q, Cache-Control %q", body, resp.Header.Get("Cache-Control"))
	}
}

func TestFixtureDurations(t *testing.T) {
	fx, err := loadedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	all := append(append(append([]*rendition(nil), fx.ts...), fx.video...), fx.audio)
	for _, r := range all {
		var total float64
		for _, s := range r.segs {
			if s.dur < 1.9 || s.dur > 2.1 {
				t.Errorf("%s: segment of %gs", r.name, s.dur)
			}
			total += s.dur
		}
		if total < 11.999 || total > 12.001 {
			t.Errorf("%s: %gs in total, want 12", r.name, total)
		}
	}
	if len(fx.video) != 3 || fx.video[0].width != 426 || fx.video[2].height != 480 {
		t.Errorf("renditions: %+v", fx.video)
	}
	if got := strconv.Itoa(int(fx.audio.sampleRate())); got != "32000" {
		t.Errorf("audio timescale %s", got)
	}
}
