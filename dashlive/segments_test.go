package dashlive

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var ast = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

var mpdURL, _ = url.Parse("https://cdn.test/live/x/manifest.mpd")

func mpd(attrs, inner string) []byte {
	return []byte(`<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2024-05-01T12:00:00Z" ` + attrs + `>
` + inner + `
<UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="https://time.test/now"/>
</MPD>`)
}

// numbers lists the segment numbers, URLs' last path element and
// availability offsets from the AST of segs.
func describe(segs []Segment) string {
	var b []string
	for _, s := range segs {
		b = append(b, fmt.Sprintf("%d %s @%v", s.Number, s.URL[strings.LastIndexByte(s.URL, '/')+1:], s.Available.Sub(ast)))
	}
	return strings.Join(b, "; ")
}

type segCase struct {
	name            string
	body            []byte
	at              time.Duration // now - AST
	opt             Options
	avail, upcoming string // describe() of the first Representation
}

func runCases(t *testing.T, cases []segCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reps, err := Segments(tc.body, mpdURL, ast.Add(tc.at), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if len(reps) == 0 {
				t.Fatal("no Representation listed")
			}
			if got := describe(reps[0].Available); got != tc.avail {
				t.Errorf("available:\n got %s\nwant %s", got, tc.avail)
			}
			if got := describe(reps[0].Upcoming); got != tc.upcoming {
				t.Errorf("upcoming:\n got %s\nwant %s", got, tc.upcoming)
			}
		})
	}
}

const numberTemplate = `<Period id="0" start="PT0S"><AdaptationSet id="0"><Representation id="0" bandwidth="2000000">
<SegmentTemplate timescale="90000" initialization="v/$RepresentationID$/init.mp4" media="v/$RepresentationID$/$Number%06d$.m4s" startNumber="1" duration="360000"/>
</Representation></AdaptationSet></Period>`

func TestNumberTemplate(t *testing.T) {
	runCases(t, []segCase{
		{name: "latest is the last segment that has ended", body: mpd(`timeShiftBufferDepth="PT1M"`, numberTemplate), at: 41 * time.Second,
			avail:    "3 000003.m4s @12s; 4 000004.m4s @16s; 5 000005.m4s @20s; 6 000006.m4s @24s; 7 000007.m4s @28s; 8 000008.m4s @32s; 9 000009.m4s @36s; 10 000010.m4s @40s",
			upcoming: "11 000011.m4s @44s; 12 000012.m4s @48s"},
		{name: "a segment is available exactly when it ends", body: mpd(``, numberTemplate), at: 8 * time.Second, opt: Options{Next: 1},
			avail: "1 000001.m4s @4s; 2 000002.m4s @8s", upcoming: "3 000003.m4s @12s"},
		{name: "timeShiftBufferDepth expires old segments", body: mpd(`timeShiftBufferDepth="PT1M"`, numberTemplate), at: 10 * time.Minute, opt: Options{Window: 100, Next: 1},
			avail:    "136 000136.m4s @9m4s; 137 000137.m4s @9m8s; 138 000138.m4s @9m12s; 139 000139.m4s @9m16s; 140 000140.m4s @9m20s; 141 000141.m4s @9m24s; 142 000142.m4s @9m28s; 143 000143.m4s @9m32s; 144 000144.m4s @9m36s; 145 000145.m4s @9m40s; 146 000146.m4s @9m44s; 147 000147.m4s @9m48s; 148 000148.m4s @9m52s; 149 000149.m4s @9m56s; 150 000150.m4s @10m0s",
			upcoming: "151 000151.m4s @10m4s"},
		{name: "before the first segment ends only upcoming ones", body: mpd(``, numberTemplate), at: time.Second,
			avail: "", upcoming: "1 000001.m4s @4s; 2 000002.m4s @8s"},
		{name: "Period@start, presentationTimeOffset and availabilityTimeOffset",
			body: mpd(``, `<Period id="p1" start="PT100S"><AdaptationSet><SegmentTemplate timescale="1000" presentationTimeOffset="5000" duration="2000" startNumber="7" availabilityTimeOffset="1.5" media="$Number$_$Time$.m4s"/><Representation id="a"/></AdaptationSet></Period>`),
			at:   110 * time.Second, opt: Options{Window: 2},
			avail: "10 10_11000.m4s @1m46.5s; 11 11_13000.m4s @1m48.5s", upcoming: "12 12_15000.m4s @1m50.5s; 13 13_17000.m4s @1m52.5s"},
		{name: "BaseURL@availabilityTimeOffset adds to the template's",
			body: mpd(``, `<BaseURL availabilityTimeOffset="1">https://o.test/</BaseURL><Period start="PT0S"><AdaptationSet><Representation id="r"><SegmentTemplate timescale="1" duration="4" availabilityTimeOffset="2" media="s$Number$.m4s"/></Representation></AdaptationSet></Period>`),
			at:   5 * time.Second, opt: Options{Next: 1},
			avail: "1 s1.m4s @1s; 2 s2.m4s @5s", upcoming: "3 s3.m4s @9s"},
		{name: "endNumber ends the list",
			body: mpd(``, `<Period start="PT0S"><AdaptationSet><Representation id="r"><SegmentTemplate timescale="1" duration="4" startNumber="1" endNumber="3" media="s$Number$.m4s"/></Representation></AdaptationSet></Period>`),
			at:   9 * time.Second, opt: Options{Next: 5},
			avail: "1 s1.m4s @4s; 2 s2.m4s @8s", upcoming: "3 s3.m4s @12s"},
		{name: "the Period's duration ends the list",
			body: mpd(``, `<Period start="PT0S" duration="PT10S"><AdaptationSet><Representation id="r"><SegmentTemplate timescale="1" duration="4" media="s$Number$.m4s"/></Representation></AdaptationSet></Period>`),
			at:   5 * time.Second, opt: Options{Next: 5},
			avail: "1 s1.m4s @4s", upcoming: "2 s2.m4s @8s; 3 s3.m4s @12s"},
	})
}

func TestSegmentTimeline(t *testing.T) {
	tl := func(s string) []byte {
		return mpd(``, `<Period start="PT0S"><AdaptationSet><SegmentTemplate timescale="1000" startNumber="10" media="$Number$-$Time$.m4s"><SegmentTimeline>`+s+
			`</SegmentTimeline></SegmentTemplate><Representation id="r"/></AdaptationSet></Period>`)
	}
	runCases(t, []segCase{
		{name: "r=-1 in the last S repeats until now and beyond", body: tl(`<S t="1000" d="2000" r="2"/><S d="1000"/><S d="2000" r="-1"/>`), at: 13500 * time.Millisecond, opt: Options{Window: 10},
			avail:    "10 10-1000.m4s @3s; 11 11-3000.m4s @5s; 12 12-5000.m4s @7s; 13 13-7000.m4s @8s; 14 14-8000.m4s @10s; 15 15-10000.m4s @12s",
			upcoming: "16 16-12000.m4s @14s; 17 17-14000.m4s @16s"},
		{name: "r=-1 repeats up to the next S@t", body: tl(`<S t="0" d="2000" r="-1"/><S t="7000" d="1000" r="1"/>`), at: time.Minute, opt: Options{Window: 10},
			avail: "10 10-0.m4s @2s; 11 11-2000.m4s @4s; 12 12-4000.m4s @6s; 13 13-6000.m4s @8s; 14 14-7000.m4s @8s; 15 15-8000.m4s @9s", upcoming: ""},
		{name: "another negative r is open-ended too", body: tl(`<S t="0" d="3000" r="-7"/>`), at: 7 * time.Second, opt: Options{Next: 1},
			avail: "10 10-0.m4s @3s; 11 11-3000.m4s @6s", upcoming: "12 12-6000.m4s @9s"},
		{name: "positive r is an exact count; the timeline's end ends the list", body: tl(`<S t="0" d="2000" r="3"/>`), at: 5 * time.Second, opt: Options{Next: 5},
			avail: "10 10-0.m4s @2s; 11 11-2000.m4s @4s", upcoming: "12 12-4000.m4s @6s; 13 13-6000.m4s @8s"},
		{name: "S@n renumbers", body: tl(`<S t="0" d="2000" r="1"/><S n="100" d="2000" r="-1"/>`), at: 6 * time.Second, opt: Options{Next: 1},
			avail: "10 10-0.m4s @2s; 11 11-2000.m4s @4s; 100 100-4000.m4s @6s", upcoming: "101 101-6000.m4s @8s"},
	})
}

// TestTemplatesAndBaseURLs: identifiers, formats, inheritance from
// AdaptationSet to Representation, BaseURLs resolved level by level.
func TestTemplatesAndBaseURLs(t *testing.T) {
	body := mpd(``, `<BaseURL>https://cdn.test/base/</BaseURL><BaseURL>https://backup.test/</BaseURL>
<Period id="p" start="PT0S"><BaseURL>p1/</BaseURL>
 <AdaptationSet id="v"><BaseURL>video/</BaseURL>
  <SegmentTemplate timescale="1" duration="2" startNumber="0" initialization="$RepresentationID$/init-$Bandwidth$.mp4" media="$RepresentationID$/$Bandwidth%09d$/$Number%04d$-$Time%06d$$$.m4s"/>
  <Representation id="hi" bandwidth="3000000"><BaseURL>../hi-dir/</BaseURL><SegmentTemplate startNumber="5"/></Representation>
  <Representation id="lo" bandwidth="800000"/>
 </AdaptationSet></Period>`)
	reps, err := Segments(body, mpdURL, ast.Add(3*time.Second), Options{Window: 1, Next: 1})
	if err != nil || len(reps) != 2 {
		t.Fatalf("%d reps, %v", len(reps), err)
	}
	hi, lo := reps[0], reps[1]
	for _, c := range []struct{ got, want string }{
		{hi.Init, "https://cdn.test/base/p1/hi-dir/hi/init-3000000.mp4"},
		{hi.Available[0].URL, "https://cdn.test/base/p1/hi-dir/hi/003000000/0005-000000$.m4s"},
		{hi.Upcoming[0].URL, "https://cdn.test/base/p1/hi-dir/hi/003000000/0006-000002$.m4s"},
		{lo.Init, "https://cdn.test/base/p1/video/lo/init-800000.mp4"},
		{lo.Available[0].URL, "https://cdn.test/base/p1/video/lo/000800000/0000-000000$.m4s"},
		{hi.Period + "/" + hi.AdaptationSet + "/" + hi.ID, "p/v/hi"},
	} {
		if c.got != c.want {
			t.Errorf("got %s\nwant %s", c.got, c.want)
		}
	}
}

// TestProblemsAreReported: an MPD that is not live or not readable gives
// no list; a Representation this package cannot list is reported while the
// others are still listed.
func TestProblemsAreReported(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want error
	}{
		{"static", `<MPD type="static"><Period/></MPD>`, ErrNotDynamic},
		{"not XML", `<MPD type="dynamic"`, ErrInvalid},
		{"not an MPD", `<html/>`, ErrInvalid},
		{"no availabilityStartTime", `<MPD type="dynamic"><Period/></MPD>`, ErrInvalid},
		{"bad Period@start", string(mpd(``, `<Period start="soon"/>`)), ErrInvalid},
	} {
		if _, err := Segments([]byte(tc.body), mpdURL, ast, Options{}); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	body := mpd(``, `<Period start="PT0S"><AdaptationSet>
<Representation id="sub"><SegmentTemplate duration="2" media="$SubNumber$.m4s"/></Representation>
<Representation id="inf"><SegmentTemplate duration="2" availabilityTimeOffset="INF" media="$Number$.m4s"/></Representation>
<Representation id="base"><SegmentBase indexRange="0-10"/></Representation>
<Representation id="ok"><SegmentTemplate duration="2" media="$Number$.m4s"/></Representation>
</AdaptationSet></Period>`)
	reps, err := Segments(body, mpdURL, ast.Add(time.Minute), Options{})
	if !errors.Is(err, ErrTemplate) || !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrTemplate and ErrUnsupported", err)
	}
	if len(reps) != 1 || reps[0].ID != "ok" {
		t.Errorf("listed %+v, want only ok", reps)
	}
}

// TestHugeValuesStayBounded: numbers in the MPD never make the work or the
// lists grow.
func TestHugeValuesStayBounded(t *testing.T) {
	body := mpd(`timeShiftBufferDepth="P100Y"`, `<Period start="PT0S"><AdaptationSet><SegmentTemplate timescale="90000" media="$Number$.m4s"><SegmentTimeline>
<S t="0" d="1" r="2147483647"/><S d="1" r="-1"/></SegmentTimeline></SegmentTemplate><Representation id="r"/></AdaptationSet></Period>`)
	start := time.Now()
	reps, err := Segments(body, mpdURL, ast.Add(50*365*24*time.Hour), Options{Window: 1 << 30, Next: 1 << 30})
	if err != nil || len(reps) != 1 || len(reps[0].Available) != MaxListed || len(reps[0].Upcoming) != MaxListed {
		t.Fatalf("err %v, %d reps", err, len(reps))
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	if _, err := Segments(make([]byte, MaxBytes+1), mpdURL, ast, Options{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("oversized MPD: %v", err)
	}
}

func TestFuturePeriodIsOnlyUpcoming(t *testing.T) {
	body := mpd(``, `<Period id="a" start="PT0S"><AdaptationSet><Representation id="r"><SegmentTemplate duration="2" media="a$Number$.m4s"/></Representation></AdaptationSet></Period>
<Period id="b" start="PT10S"><AdaptationSet><Representation id="r"><SegmentTemplate duration="2" media="b$Number$.m4s"/></Representation></AdaptationSet></Period>`)
	reps, err := Segments(body, mpdURL, ast.Add(9*time.Second), Options{Next: 2})
	if err != nil || len(reps) != 2 {
		t.Fatalf("%d reps, %v", len(reps), err)
	}
	if got := describe(reps[0].Available) + " | " + describe(reps[0].Upcoming); got != "1 a1.m4s @2s; 2 a2.m4s @4s; 3 a3.m4s @6s; 4 a4.m4s @8s | 5 a5.m4s @10s" {
		t.Errorf("period a: %s", got)
	}
	if got := describe(reps[1].Available) + " | " + describe(reps[1].Upcoming); got != " | 1 b1.m4s @12s; 2 b2.m4s @14s" {
		t.Errorf("period b: %s", got)
	}
}

// TestRewriterGoldenMPD: the live MPD of the rewriter's golden files
// (MPD-level BaseURL, SegmentTimeline r=-1 at AdaptationSet level, an
// escaped query in @media, a Representation BaseURL on another host).
func TestRewriterGoldenMPD(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "rewrite", "testdata", "live_timeline.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	reps, err := Segments(body, mpdURL, ast.Add(time.Hour+500*time.Millisecond), Options{Window: 1, Next: 1})
	if err != nil || len(reps) != 3 {
		t.Fatalf("%d reps, %v", len(reps), err)
	}
	for i, want := range []string{
		"https://origin.example.com/live/video/v720/323820000.m4s?v=1&k=3000000",
		"https://other.example.org/v360/video/v360/323820000.m4s?v=1&k=800000",
		"https://origin.example.com/live/audio/a128/01800.m4s",
	} {
		if got := reps[i].Available[0].URL; got != want {
			t.Errorf("%s: newest %s, want %s", reps[i].ID, got, want)
		}
	}
	if got := reps[0].Init; got != "https://origin.example.com/live/video/v720/init.mp4" {
		t.Errorf("init %s", got)
	}
}
