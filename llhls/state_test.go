package llhls

import (
	"testing"
	"time"
)

// llPlaylist is shaped like the test origin's /live/llhls playlists: parts
// for the last complete segments and the one in progress, a preload hint.
const llPlaylist = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.536,CAN-SKIP-UNTIL=12.000
#EXT-X-PART-INF:PART-TARGET=0.512
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-MAP:URI="init.mp4"
#EXTINF:2.000,
seg_10.m4s
#EXT-X-PART:DURATION=0.500,URI="seg_11.part_0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.500,URI="seg_11.part_1.m4s"
#EXT-X-PART:DURATION=0.500,URI="seg_11.part_2.m4s"
#EXT-X-PART:DURATION=0.500,URI="seg_11.part_3.m4s"
#EXTINF:2.000,
seg_11.m4s
#EXT-X-PART:DURATION=0.500,URI="seg_12.part_0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.500,URI="seg_12.part_1.m4s"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_12.part_2.m4s"
#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=12,LAST-PART=1
`

const deltaPlaylist = `#EXTM3U
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-SKIP:SKIPPED-SEGMENTS=5
#EXTINF:2.000,
seg_15.m4s
#EXT-X-PART:DURATION=0.500,URI="seg_16.part_0.m4s"
`

func TestParseStateReadsSegmentsPartsAndHints(t *testing.T) {
	s, ok := ParseState([]byte(llPlaylist))
	want := State{TargetDuration: 2 * time.Second, PartTarget: 512 * time.Millisecond, LastMSN: 11,
		PartMSN: 12, PartIndex: 1}
	if !ok || s.TargetDuration != want.TargetDuration || s.PartTarget != want.PartTarget ||
		s.LastMSN != want.LastMSN || s.PartMSN != want.PartMSN || s.PartIndex != want.PartIndex || s.Ended {
		t.Fatalf("ParseState = %+v, %v; want %+v", s, ok, want)
	}
	if len(s.Hints) != 1 || s.Hints[0] != "seg_12.part_2.m4s" {
		t.Errorf("hints = %q", s.Hints)
	}
	d, ok := ParseState([]byte(deltaPlaylist))
	if !ok || d.LastMSN != 15 || d.PartMSN != 16 || d.PartIndex != 0 {
		t.Errorf("delta update: %+v, %v; want last 15, part 16.0 (EXT-X-SKIP counted)", d, ok)
	}
	ended, ok := ParseState([]byte(llPlaylist + "#EXT-X-ENDLIST\n"))
	if !ok || !ended.Ended || !ended.Newer(s) {
		t.Errorf("ENDLIST: %+v", ended)
	}
	for _, bad := range []string{"", "garbage", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", "#EXTM3U\nseg.ts\n"} {
		if _, ok := ParseState([]byte(bad)); ok {
			t.Errorf("ParseState(%q) ok, want not a media playlist", bad)
		}
	}
}

func TestHasHoldsUntilThePartOrSegmentIsListed(t *testing.T) {
	s, _ := ParseState([]byte(llPlaylist)) // segments ..11, parts of 12: 0..1
	msn := func(m int64) Directives { return Directives{MSN: m, HasMSN: true} }
	part := func(m int64, p int) Directives { return Directives{MSN: m, Part: p, HasMSN: true, HasPart: true} }
	for _, tc := range []struct {
		name string
		d    Directives
		want bool
	}{
		{"an old segment", msn(3), true},
		{"the last segment", msn(11), true},
		{"the segment in progress", msn(12), false},
		{"a part of a complete segment", part(11, 3), true},
		{"past the last part of a complete segment is part 0 of the next", part(11, 4), true},
		{"the newest part", part(12, 1), true},
		{"the hinted part", part(12, 2), false},
		{"a part of the next segment", part(13, 0), false},
	} {
		if got := s.Has(tc.d); got != tc.want {
			t.Errorf("%s: Has(%+v) = %v, want %v", tc.name, tc.d, got, tc.want)
		}
	}
}

func TestTooFarIsMoreThanTwoSegmentsPastTheEnd(t *testing.T) {
	s, _ := ParseState([]byte(llPlaylist)) // last segment 11, TD 2 s
	msn := func(m int64) Directives { return Directives{MSN: m, HasMSN: true} }
	if s.TooFar(msn(13), 0) || !s.TooFar(msn(14), 0) {
		t.Errorf("fresh playlist: 13 refused %v (want false), 14 refused %v (want true)", s.TooFar(msn(13), 0), s.TooFar(msn(14), 0))
	}
	if s.TooFar(msn(14), time.Second) || !s.TooFar(msn(15), time.Second) {
		t.Error("a playlist 1 s old (half a TD) allows one more segment, no more")
	}
	if s.TooFar(msn(15), 3*time.Second) || !s.TooFar(msn(16), 3*time.Second) {
		t.Error("a playlist 3 s old (two TDs begun) allows two more segments, no more")
	}
}

func FuzzParseState(f *testing.F) {
	f.Add([]byte(llPlaylist))
	f.Add([]byte(deltaPlaylist))
	f.Add([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PART:URI=\"a,b\"\n#EXT-X-SKIP:SKIPPED-SEGMENTS=-3\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		s, ok := ParseState(body)
		if !ok {
			return
		}
		if s.TargetDuration <= 0 || len(s.Hints) > maxHints || s.LastMSN < -1 {
			t.Fatalf("ParseState = %+v", s)
		}
		d := Directives{MSN: s.LastMSN + 1, HasMSN: true}
		_ = s.Has(d)
		_ = s.TooFar(d, time.Second)
	})
}
