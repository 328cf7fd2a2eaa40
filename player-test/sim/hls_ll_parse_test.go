package sim

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

const llPlaylist = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.536,CAN-SKIP-UNTIL=12.000
#EXT-X-PART-INF:PART-TARGET=0.512
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-MAP:URI="init.mp4"
#EXT-X-SKIP:SKIPPED-SEGMENTS=2
#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:04:05.000Z
#EXT-X-PART:DURATION=0.500,URI="seg_12.part_0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.500,URI="seg_12.part_1.m4s"
#EXTINF:1.000,
seg_12.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-01-02T03:04:06.000Z
#EXT-X-PART:DURATION=0.500,URI="seg_13.part_0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_13.part_1.m4s"
#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=13,LAST-PART=0
`

func TestParseLLHLSTags(t *testing.T) {
	base, _ := url.Parse("http://o/live/llhls/240p/index.m3u8")
	pl, err := ParsePlaylist([]byte(llPlaylist), base)
	if err != nil {
		t.Fatal(err)
	}
	m := pl.Media
	ll := m.LL
	if ll == nil || ll.PartTarget != 512*time.Millisecond || ll.PartHoldBack != 1536*time.Millisecond ||
		!ll.CanBlock || ll.CanSkipUntil != 12*time.Second {
		t.Fatalf("LL = %+v", ll)
	}
	if m.Skipped != 2 || len(m.Segments) != 1 || m.Segments[0].MSN != 12 || m.nextMSN() != 13 {
		t.Fatalf("skipped %d, segments %+v", m.Skipped, m.Segments)
	}
	s := m.Segments[0]
	if len(s.Parts) != 2 || !s.Parts[0].Independent || s.Parts[1].Independent ||
		s.Parts[1].URI.String() != "http://o/live/llhls/240p/seg_12.part_1.m4s" || s.PDT.Second() != 5 {
		t.Errorf("segment 12 = %+v", s)
	}
	if len(ll.Trailing) != 1 || ll.TrailingStart.Second() != 6 || !strings.HasSuffix(ll.Hint.Path, "seg_13.part_1.m4s") {
		t.Errorf("trailing %+v from %v, hint %v", ll.Trailing, ll.TrailingStart, ll.Hint)
	}
}

func TestParseRejectsPartsWithoutPartInf(t *testing.T) {
	body := strings.Replace(llPlaylist, "#EXT-X-PART-INF:PART-TARGET=0.512\n", "", 1)
	if _, err := ParsePlaylist([]byte(body), &url.URL{}); err == nil {
		t.Error("EXT-X-PART without EXT-X-PART-INF accepted")
	}
}

func TestMergeDeltaTakesSkippedSegmentsFromThePreviousPlaylist(t *testing.T) {
	seg := func(msn uint64) Segment { return Segment{MSN: msn, Duration: time.Second} }
	prev := &MediaPlaylist{MediaSequence: 9, Segments: []Segment{seg(9), seg(10), seg(11), seg(12)}}
	delta := &MediaPlaylist{MediaSequence: 10, Skipped: 2, Segments: []Segment{seg(12), seg(13)}}
	got, err := mergeDelta(prev, delta)
	if err != nil {
		t.Fatal(err)
	}
	if got.Skipped != 0 || got.MediaSequence != 10 || len(got.Segments) != 4 || got.Segments[0].MSN != 10 || got.nextMSN() != 14 {
		t.Errorf("merged = %+v", got)
	}
	short := &MediaPlaylist{MediaSequence: 11, Segments: []Segment{seg(11)}}
	if _, err := mergeDelta(short, delta); err == nil {
		t.Error("delta skipping MSN 10, which the previous playlist lacks, was merged")
	}
}
