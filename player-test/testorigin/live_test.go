package testorigin

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var mediaSeqRE = regexp.MustCompile(`#EXT-X-MEDIA-SEQUENCE:(\d+)`)

func mediaSequence(t *testing.T, pl []byte) string {
	t.Helper()
	m := mediaSeqRE.FindSubmatch(pl)
	if m == nil {
		t.Fatalf("no media sequence:\n%s", pl)
	}
	return string(m[1])
}

// segmentURIs maps MSN → URI for a live media playlist.
func segmentURIs(t *testing.T, pl []byte) map[int]string {
	t.Helper()
	var first int
	fmt.Sscan(mediaSequence(t, pl), &first)
	out := map[int]string{}
	for _, line := range strings.Split(string(pl), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			out[first+len(out)] = line
		}
	}
	return out
}

func TestLiveHLSWindow(t *testing.T) {
	for _, pkg := range []string{"hls_ts", "hls_fmp4"} {
		t.Run(pkg, func(t *testing.T) {
			clk := newFakeClock()
			_, srv := start(t, Options{Now: clk.Now})
			url := srv.URL + "/live/" + pkg + "/360p/index.m3u8"
			resp, pl := fetch(t, url)
			before := segmentURIs(t, pl)
			if len(before) != liveWindow || mediaSequence(t, pl) != "0" || strings.Contains(string(pl), "ENDLIST") {
				t.Fatalf("initial playlist:\n%s", pl)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "max-age=1" {
				t.Errorf("Cache-Control %q, want max-age=1", cc)
			}
			clk.Advance(7 * segDur) // crosses the 12 s wrap
			_, pl = fetch(t, url)
			after := segmentURIs(t, pl)
			if mediaSequence(t, pl) != "7" || len(after) != liveWindow {
				t.Fatalf("after 14 s:\n%s", pl)
			}
			for msn, uri := range after {
				if old, ok := before[msn]; ok && old != uri {
					t.Errorf("MSN %d: URI %q then %q", msn, old, uri)
				}
				if r, _ := fetch(t, srv.URL+"/live/"+pkg+"/360p/"+uri); r.StatusCode != 200 {
					t.Errorf("%s: %d", uri, r.StatusCode)
				}
			}
			if strings.Contains(string(pl), "DISCONTINUITY") {
				t.Errorf("restamped stream should need no discontinuity:\n%s", pl)
			}
		})
	}
}

func TestLiveSegmentAvailability(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(40 * segDur) // produced: MSN 0..45
	tests := []struct {
		msn    int
		status int
	}{
		{45, 200},                  // live edge
		{46, 404},                  // not complete yet
		{100, 404},                 // far future
		{40, 200},                  // in the window
		{46 - liveRetain, 200},     // oldest retained
		{46 - liveRetain - 1, 404}, // gone
	}
	for _, tc := range tests {
		for _, p := range []string{"hls_ts/240p/seg_%d.ts", "hls_fmp4/240p/seg_%d.m4s", "dash/audio/seg_%d.m4s"} {
			resp, _ := fetch(t, srv.URL+"/live/"+fmt.Sprintf(p, tc.msn))
			if resp.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d", fmt.Sprintf(p, tc.msn), resp.StatusCode, tc.status)
			}
		}
	}
}

func TestLiveDASH(t *testing.T) {
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(20*segDur + segDur/2)
	resp, mpd := fetch(t, srv.URL+"/live/dash/manifest.mpd")
	s := string(mpd)
	for _, want := range []string{`type="dynamic"`, `availabilityStartTime="2026-01-02T03:03:53.000Z"`,
		`minimumUpdatePeriod="PT2S"`, `timeShiftBufferDepth="PT12S"`, `suggestedPresentationDelay="PT6S"`,
		`media="$RepresentationID$/seg_$Number$.m4s"`, `startNumber="0"`,
		`<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="` + srv.URL + `/time"/>`} {
		if !strings.Contains(s, want) {
			t.Errorf("MPD lacks %s:\n%s", want, s)
		}
	}
	if resp.Header.Get("Cache-Control") != "max-age=1" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	// AST + (N+1)·2 s <= now: N = 25 is the newest (now = AST + 52 s).
	for n, want := range map[int]int{25: 200, 24: 200, 26: 404, 27: 404} {
		for _, r := range []string{"240p", "480p", "audio"} {
			if resp, _ := fetch(t, fmt.Sprintf("%s/live/dash/%s/seg_%d.m4s", srv.URL, r, n)); resp.StatusCode != want {
				t.Errorf("%s seg %d: %d, want %d", r, n, resp.StatusCode, want)
			}
		}
	}
}

func TestLivePlaylistMaxAge(t *testing.T) {
	_, srv := start(t, Options{LivePlaylistMaxAge: time.Hour})
	for _, p := range []string{"/live/hls_ts/240p/index.m3u8", "/live/dash/manifest.mpd"} {
		if resp, _ := fetch(t, srv.URL+p); resp.Header.Get("Cache-Control") != "max-age=3600" {
			t.Errorf("%s: Cache-Control %q", p, resp.Header.Get("Cache-Control"))
		}
	}
}

// A cycled fMP4 segment is the fixture with tfdt (and sidx) moved on by
// exactly one cycle in the track's timescale.
func TestLiveFMP4Restamped(t *testing.T) {
	fx, _ := loadedFixtures()
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(cycleDur)
	for _, r := range []*rendition{fx.video[0], fx.audio} {
		_, seg := fetch(t, srv.URL+"/live/hls_fmp4/"+r.name+"/seg_8.m4s") // cycle 1, fixture 2
		got, err := baseDecodeTime(seg)
		if err != nil {
			t.Fatal(err)
		}
		orig, _ := baseDecodeTime(r.segs[2].data)
		if want := orig + 12*uint64(r.timescales[1]); got != want {
			t.Errorf("%s tfdt %d, want %d (fixture %d)", r.name, got, want, orig)
		}
		mfhd, _ := find(seg, 0, len(seg), "moof", "mfhd")
		if seq := binary.BigEndian.Uint32(seg[mfhd.body+4:]); seq != 9 {
			t.Errorf("%s mfhd sequence %d, want 9", r.name, seq)
		}
		if len(seg) != len(r.segs[2].data) {
			t.Errorf("%s: size changed", r.name)
		}
	}
}

// A cycled TS segment has PTS moved on by 12 s and continuity counters that
// follow on from the previous cycle.
func TestLiveTSRestamped(t *testing.T) {
	fx, _ := loadedFixtures()
	clk := newFakeClock()
	_, srv := start(t, Options{Now: clk.Now})
	clk.Advance(cycleDur)
	r := fx.ts[0]
	_, prev := fetch(t, srv.URL+"/live/hls_ts/240p/seg_5.ts")
	_, seg := fetch(t, srv.URL+"/live/hls_ts/240p/seg_6.ts")
	if got, want := firstPTS(t, seg), firstPTS(t, r.segs[0].data)+12*tsClock; got != want {
		t.Errorf("first PTS %d, want %d", got, want)
	}
	last := map[uint16]byte{}
	for p := 0; p < len(prev); p += tsPacket {
		if prev[p+3]&0x10 != 0 {
			last[uint16(prev[p+1]&0x1f)<<8|uint16(prev[p+2])] = prev[p+3] & 0x0f
		}
	}
	seen := map[uint16]bool{}
	for p := 0; p < len(seg); p += tsPacket {
		pid := uint16(seg[p+1]&0x1f)<<8 | uint16(seg[p+2])
		if seg[p+3]&0x10 == 0 || seen[pid] {
			continue
		}
		seen[pid] = true
		if cc, ok := last[pid]; ok && seg[p+3]&0x0f != (cc+1)&0x0f {
			t.Errorf("PID %#x: continuity counter %d after %d", pid, seg[p+3]&0x0f, cc)
		}
	}
}

// firstPTS is the PTS of the first PES header in a TS segment.
func firstPTS(t *testing.T, seg []byte) uint64 {
	t.Helper()
	for p := 0; p+tsPacket <= len(seg); p += tsPacket {
		pkt := seg[p : p+tsPacket]
		off := 4
		if pkt[3]&0x20 != 0 {
			off += 1 + int(pkt[4])
		}
		pes := pkt[off:]
		if pkt[1]&0x40 != 0 && len(pes) > 14 && pes[0] == 0 && pes[1] == 0 && pes[2] == 1 && pes[3] >= 0xc0 {
			b := pes[9:14]
			return uint64(b[0]>>1&7)<<30 | uint64(b[1])<<22 | uint64(b[2]>>1)<<15 | uint64(b[3])<<7 | uint64(b[4]>>1)
		}
	}
	t.Fatal("no PES header")
	return 0
}

func TestLiveMasterAndTimeURLBehindProxy(t *testing.T) {
	_, srv := start(t, Options{})
	_, mpd := fetch(t, srv.URL+"/live/dash/manifest.mpd", "X-Forwarded-Host", "edge.test:8080", "X-Forwarded-Proto", "https")
	if !strings.Contains(string(mpd), `value="https://edge.test:8080/time"`) {
		t.Errorf("UTCTiming should follow X-Forwarded-*:\n%s", mpd)
	}
	resp, pl := fetch(t, srv.URL+"/live/hls_fmp4/master.m3u8")
	if resp.StatusCode != http.StatusOK || strings.Count(string(pl), "#EXT-X-STREAM-INF") != 3 {
		t.Errorf("live master: %d\n%s", resp.StatusCode, pl)
	}
}
