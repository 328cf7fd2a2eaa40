package prefetch

import (
	"slices"
	"strings"
	"testing"
)

// TestScanPlaylistAttributes: EXT-X-PART and EXT-X-PRELOAD-HINT URIs are
// read from their attribute lists (quoted values with commas, other
// attributes ending in URI ignored), GAP parts and EXT-X-GAP segments left
// out, the newest n of each kept.
func TestScanPlaylistAttributes(t *testing.T) {
	body := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n" +
		"#EXTINF:2,\na.ts\n#EXT-X-GAP\n#EXTINF:2,\nb.ts\n#EXTINF:2,\nc.ts\n" +
		`#EXT-X-PART:DURATION=0.5,X-URI="no.m4s",URI="p,0.m4s",INDEPENDENT=YES` + "\n" +
		`#EXT-X-PART:GAP=YES,DURATION=0.5,URI="gap.m4s"` + "\n" +
		`#EXT-X-PART:DURATION=0.5,URI="p1.m4s"` + "\n" +
		`#EXT-X-PART:DURATION=0.5,URI="p2.m4s"` + "\n" +
		`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p3.m4s",BYTERANGE-START=0` + "\n"
	p := ScanPlaylist([]byte(body), 2)
	if !slices.Equal(p.Segments, []string{"a.ts", "c.ts"}) || !slices.Equal(p.Parts, []string{"p1.m4s", "p2.m4s"}) ||
		!slices.Equal(p.Hints, []string{"p3.m4s"}) || p.Master || p.Ended {
		t.Errorf("%+v", p)
	}
	if p := ScanPlaylist([]byte(body), 8); !slices.Equal(p.Parts, []string{"p,0.m4s", "p1.m4s", "p2.m4s"}) {
		t.Errorf("parts %q", p.Parts)
	}
}

func FuzzScanPlaylist(f *testing.F) {
	f.Add("#EXTM3U\n#EXTINF:2,\na.ts\n#EXT-X-PART:URI=\"p.m4s\"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"q.m4s\"\n", 2)
	f.Add("#EXT-X-PART:URI=\"unterminated\n#EXT-X-PART:=,=\"\",URI\n", 3)
	f.Fuzz(func(t *testing.T, body string, n int) {
		n = n % 16
		p := ScanPlaylist([]byte(body), n)
		for _, list := range [][]string{p.Segments, p.Parts, p.Hints} {
			if len(list) > max(n, 0) {
				t.Fatalf("%d URIs listed, n %d", len(list), n)
			}
			for _, u := range list {
				if u == "" || strings.ContainsAny(u, "\n") {
					t.Fatalf("bad URI %q", u)
				}
			}
		}
	})
}
