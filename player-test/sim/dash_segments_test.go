package sim

import (
	"testing"
	"time"
)

func u64(v uint64) *uint64 { return &v }

func TestSegmentAtNumber(t *testing.T) {
	tmpl := SegTemplate{Timescale: 90000, Duration: 180000, StartNumber: 5}
	s := time.Second
	tests := []struct {
		pos, periodDur time.Duration
		wantNum        uint64
		wantStart      time.Duration
		ok             bool
	}{
		{0, 0, 5, 0, true},
		{2 * s, 0, 6, 2 * s, true},                      // continuing exactly at a boundary
		{2*s - 500*time.Microsecond, 0, 6, 2 * s, true}, // rounding just below a boundary
		{3 * s, 0, 6, 2 * s, true},
		{10 * s, 10 * s, 0, 0, false}, // period end
	}
	for _, tc := range tests {
		got, ok := tmpl.SegmentAt(tc.pos, tc.periodDur)
		if ok != tc.ok || (ok && (got.Number != tc.wantNum || got.Start != tc.wantStart || got.Dur != 2*s)) {
			t.Errorf("SegmentAt(%v) = %+v %v, want #%d @%v %v", tc.pos, got, ok, tc.wantNum, tc.wantStart, tc.ok)
		}
	}
}

func TestSegmentAtTimeline(t *testing.T) {
	s := time.Second
	bounded := SegTemplate{Timescale: 1000, StartNumber: 1, PTO: 1000, Timeline: []TimelineS{
		{T: u64(1000), D: 2000, R: 2}, {D: 1000}, {T: u64(9000), D: 2000, R: -1}, {T: u64(13000), D: 2000},
	}}
	open := SegTemplate{Timescale: 1000, StartNumber: 10, Timeline: []TimelineS{{T: u64(0), D: 2000, R: -1}}}
	tests := []struct {
		name       string
		t          SegTemplate
		pos, pdur  time.Duration
		num, time_ uint64
		ok         bool
	}{
		{"first", bounded, 0, 0, 1, 1000, true},
		{"repeat", bounded, 4 * s, 0, 3, 5000, true},
		{"after repeats", bounded, 6 * s, 0, 4, 7000, true},
		{"gap before next t", bounded, 7*s + 500*time.Millisecond, 0, 5, 9000, true},
		{"r=-1 up to next t", bounded, 10 * s, 0, 6, 11000, true},
		{"last S", bounded, 12 * s, 0, 7, 13000, true},
		{"past timeline", bounded, 14 * s, 0, 0, 0, false},
		{"open r=-1 far", open, 1000 * s, 0, 510, 1000000, true},
		{"open r=-1 bounded by period", open, 10 * s, 10 * s, 0, 0, false},
	}
	for _, tc := range tests {
		got, ok := tc.t.SegmentAt(tc.pos, tc.pdur)
		if ok != tc.ok || (ok && (got.Number != tc.num || got.Time != tc.time_)) {
			t.Errorf("%s: got %+v %v, want #%d t=%d %v", tc.name, got, ok, tc.num, tc.time_, tc.ok)
		}
	}
	if end, ok := bounded.timelineEnd(); !ok || end != 14*s {
		t.Errorf("timelineEnd = %v %v, want 14s", end, ok)
	}
	if _, ok := open.timelineEnd(); ok {
		t.Error("open timeline has no end")
	}
}

func TestParseMPD(t *testing.T) {
	body := `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2024-01-01T00:00:00Z"
     minimumUpdatePeriod="PT2S" timeShiftBufferDepth="PT30S" suggestedPresentationDelay="PT6S">
  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:http-xsdate:2014" value="/time"/>
  <BaseURL>cdn/</BaseURL>
  <Period id="p0" start="PT0S">
    <AdaptationSet contentType="audio"><Representation id="a" bandwidth="64000">
      <SegmentTemplate media="a/$Number$.m4s" duration="2"/></Representation></AdaptationSet>
    <AdaptationSet mimeType="video/mp4">
      <BaseURL>video/</BaseURL>
      <SegmentTemplate timescale="90000" duration="180000" startNumber="0"
        media="$RepresentationID$/$Number%05d$.m4s" initialization="$RepresentationID$/init.mp4"/>
      <Representation id="720p" bandwidth="3000000"/>
      <Representation id="360p" bandwidth="800000"><SegmentTemplate startNumber="7"/></Representation>
    </AdaptationSet>
  </Period>
</MPD>`
	m, err := ParseMPD([]byte(body), mustURL(t, "http://h/live/manifest.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Dynamic || m.MUP != 2*time.Second || m.TSBD != 30*time.Second || m.SPD != 6*time.Second || len(m.UTCTiming) != 1 {
		t.Fatalf("header %+v", m)
	}
	reps := m.Periods[0].Reps
	if len(reps) != 2 || reps[0].ID != "360p" || reps[0].T.StartNumber != 7 || reps[1].T.StartNumber != 0 {
		t.Fatalf("reps %+v", reps)
	}
	if got := reps[0].Base.String(); got != "http://h/live/cdn/video/" {
		t.Errorf("base = %s", got)
	}
	if reps[0].T.Timescale != 90000 || reps[0].T.Media != "$RepresentationID$/$Number%05d$.m4s" {
		t.Errorf("merged template %+v", reps[0].T)
	}
	if _, err := ParseMPD([]byte("<MPD><Period/></MPD>"), mustURL(t, "http://h/x.mpd")); err == nil {
		t.Error("want error for a Period without AdaptationSets")
	}
}

func TestParseXSDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"PT2S": 2 * time.Second, "PT1M30.5S": 90500 * time.Millisecond, "P1DT1H": 25 * time.Hour, "PT0S": 0,
	} {
		if got, err := ParseXSDuration(in); err != nil || got != want {
			t.Errorf("%s: got %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2S", "PT", "P", "PTS", "PT1X", "-PT1S", "PT1S1S"} {
		if _, err := ParseXSDuration(bad); err == nil {
			t.Errorf("%q: want error", bad)
		}
	}
}

func FuzzParseXSDuration(f *testing.F) {
	for _, s := range []string{"PT2S", "P1Y2M3DT4H5M6.7S", "PT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseXSDuration(s); err == nil && d < 0 {
			t.Fatalf("%q → negative %v", s, d)
		}
	})
}

func TestABRChoose(t *testing.T) {
	bws := []int64{3_000_000, 400_000, 1_200_000}
	tests := []struct {
		name    string
		samples [][2]int64 // bytes, ms
		want    int
	}{
		{"no samples → lowest", nil, 1},
		{"slow → lowest", [][2]int64{{10_000, 1000}}, 1},
		{"2 Mbit/s → 1.2M (≤1.6M)", [][2]int64{{250_000, 1000}}, 2},
		{"10 Mbit/s → top", [][2]int64{{1_250_000, 1000}}, 0},
		{"one slow sample after fast ones", [][2]int64{{1_250_000, 1000}, {12_500, 1000}}, 0},
	}
	for _, tc := range tests {
		a := NewABR()
		for _, s := range tc.samples {
			a.Sample(s[0], time.Duration(s[1])*time.Millisecond)
		}
		if got := a.Choose(bws); got != tc.want {
			t.Errorf("%s: got %d (est %.0f), want %d", tc.name, got, a.Estimate(), tc.want)
		}
	}
	if NewABR().Choose(nil) != -1 {
		t.Error("empty → -1")
	}
}
