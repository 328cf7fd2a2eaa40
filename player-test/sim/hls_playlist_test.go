package sim

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseMaster(t *testing.T) {
	body := "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\n360p/index.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=400000\r\nhttp://other/240p.m3u8\r\n"
	pl, err := ParsePlaylist([]byte(body), mustURL(t, "http://h/vod/master.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Variants) != 2 || pl.Media != nil {
		t.Fatalf("got %+v", pl)
	}
	v0, v1 := pl.Variants[0], pl.Variants[1]
	if v0.Bandwidth != 400000 || v0.URI.String() != "http://other/240p.m3u8" {
		t.Errorf("variant 0 = %+v", v0)
	}
	if v1.URI.String() != "http://h/vod/360p/index.m3u8" || v1.Codecs != "avc1.4d401e,mp4a.40.2" {
		t.Errorf("variant 1 = %+v (%s)", v1, v1.URI)
	}
}

func TestParseMedia(t *testing.T) {
	body := `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-MAP:URI="init.mp4",BYTERANGE="700@0"
#EXTINF:4.0,
#EXT-X-BYTERANGE:1000@700
all.mp4
#EXTINF:3.5,
#EXT-X-BYTERANGE:500
all.mp4
#EXT-X-DISCONTINUITY
#EXTINF:4,
#EXT-X-GAP
seg9.m4s
#EXT-X-ENDLIST
`
	pl, err := ParsePlaylist([]byte(body), mustURL(t, "http://h/a/index.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	m := pl.Media
	if m.TargetDuration != 4*time.Second || m.MediaSequence != 7 || !m.EndList || len(m.Segments) != 3 {
		t.Fatalf("got %+v", m)
	}
	s0, s1, s2 := m.Segments[0], m.Segments[1], m.Segments[2]
	if s0.MSN != 7 || *s0.Range != (ByteRange{Len: 1000, Off: 700}) || s0.Map.Range.Len != 700 {
		t.Errorf("seg 0 = %+v", s0)
	}
	if *s1.Range != (ByteRange{Len: 500, Off: 1700}) || s1.Duration != 3500*time.Millisecond {
		t.Errorf("seg 1 implicit offset = %+v", s1.Range)
	}
	if !s2.Discontinuity || !s2.Gap || s2.MSN != 9 || s2.URI.String() != "http://h/a/seg9.m4s" {
		t.Errorf("seg 2 = %+v", s2)
	}
	if m.nextMSN() != 10 || m.lastDuration() != 4*time.Second {
		t.Errorf("nextMSN %d lastDuration %v", m.nextMSN(), m.lastDuration())
	}
}

func TestParsePlaylistErrors(t *testing.T) {
	base := mustURL(t, "http://h/x.m3u8")
	for name, body := range map[string]string{
		"no header":          "#EXT-X-TARGETDURATION:2\n",
		"garbage":            "\x00\x01garbage",
		"no target duration": "#EXTM3U\n#EXTINF:2,\na.ts\n",
		"uri without extinf": "#EXTM3U\n#EXT-X-TARGETDURATION:2\na.ts\n",
		"dangling extinf":    "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n",
		"bad bandwidth":      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=x\na.m3u8\n",
		"implicit offset":    "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:10\na.ts\n",
		"mixed":              "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n",
		"unterminated quote": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI=\"init.mp4\n",
	} {
		if _, err := ParsePlaylist([]byte(body), base); err == nil {
			t.Errorf("%s: want error", name)
		}
	}
}

func FuzzParsePlaylist(f *testing.F) {
	f.Add("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI=\"i.mp4\",BYTERANGE=\"10@0\"\n#EXTINF:2,\n#EXT-X-BYTERANGE:5@10\na.mp4\n#EXTINF:2,\n#EXT-X-BYTERANGE:5\na.mp4\n#EXT-X-ENDLIST\n")
	f.Add("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"a,b\"\nv.m3u8\n")
	f.Add(llPlaylist)
	base, _ := url.Parse("http://h/p/x.m3u8")
	f.Fuzz(func(t *testing.T, body string) {
		pl, err := ParsePlaylist([]byte(body), base)
		if err != nil {
			return
		}
		if (pl.Media == nil) == (pl.Variants == nil) {
			t.Fatalf("exactly one of Media/Variants must be set: %+v", pl)
		}
		if pl.Media == nil {
			return
		}
		for i, s := range pl.Media.Segments {
			if s.MSN != pl.Media.MediaSequence+pl.Media.Skipped+uint64(i) || s.URI == nil {
				t.Fatalf("segment %d: %+v", i, s)
			}
			if s.Range != nil && (s.Range.Len <= 0 || s.Range.Off < 0) {
				t.Fatalf("segment %d range %+v", i, s.Range)
			}
		}
		if ll := pl.Media.LL; ll != nil && ll.PartTarget <= 0 {
			t.Fatalf("LL-HLS state without PART-TARGET: %+v", ll)
		}
		if !strings.HasPrefix(strings.TrimPrefix(body, "\xef\xbb\xbf"), "#EXTM3U") {
			t.Fatal("accepted a playlist without #EXTM3U")
		}
	})
}
