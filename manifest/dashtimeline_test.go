package manifest

import (
	"testing"
	"time"
)

// dynamicMPD wraps periods in a dynamic MPD starting at 10:00:00 UTC.
func dynamicMPD(attrs, periods string) string {
	return `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" ` + attrs + `>` + periods + `</MPD>`
}

const testAST = `availabilityStartTime="2024-05-01T10:00:00Z"`

// TestNewestSegmentEnd: the end of the newest segment a dynamic MPD lists,
// the latest across Periods, AdaptationSets and Representations; nothing for
// segments available by the clock alone.
func TestNewestSegmentEnd(t *testing.T) {
	at := func(ms int64) time.Time {
		return time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(ms) * time.Millisecond)
	}
	tl := func(attrs, ss string) string {
		return `<SegmentTemplate media="$Time$.m4s" ` + attrs + `><SegmentTimeline>` + ss + `</SegmentTimeline></SegmentTemplate>`
	}
	as := func(inner string) string {
		return `<AdaptationSet>` + inner + `<Representation id="r"/></AdaptationSet>`
	}
	period := func(attrs, inner string) string { return `<Period ` + attrs + `>` + inner + `</Period>` }
	none := time.Time{}
	tests := []struct {
		name, body string
		want       time.Time
	}{
		{"number_template_is_time_based_no_signal", dynamicMPD(testAST, period(``, as(`<SegmentTemplate media="$Number$.m4s" duration="2" startNumber="1"/>`))), none},
		{"single_s", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000"/>`)))), at(2000)},
		{"repeats", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`)))), at(10_000)},
		{"implicit_t_follows_previous", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="4000" d="2000" r="1"/><S d="1000" r="2"/>`)))), at(11_000)},
		{"no_timescale_is_seconds", dynamicMPD(testAST, period(``, as(tl(``, `<S t="0" d="3" r="1"/>`)))), at(6000)},
		{"open_repeat_runs_to_next_t", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="-1"/><S t="9000" d="1000"/>`)))), at(10_000)},
		{"open_repeat_last_is_time_based_no_signal", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="-1"/>`)))), none},
		{"presentation_time_offset_and_period_start", dynamicMPD(testAST, period(`start="PT30S"`,
			as(tl(`timescale="90000" presentationTimeOffset="900000"`, `<S t="900000" d="180000" r="2"/>`)))), at(36_000)},
		{"max_across_adaptation_sets", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`))+
			as(tl(`timescale="48000"`, `<S t="0" d="96000" r="5"/>`)))), at(12_000)},
		{"max_across_representations", dynamicMPD(testAST, period(``, `<AdaptationSet>`+tl(`timescale="1000"`, `<S t="0" d="2000"/>`)+
			`<Representation id="a"/><Representation id="b">`+tl(``, `<S t="0" d="2000" r="2"/>`)+`</Representation></AdaptationSet>`)), at(6000)},
		{"representation_overrides_inherited_timescale", dynamicMPD(testAST, period(``, tl(`timescale="1000"`, `<S t="0" d="2000"/>`)+
			`<AdaptationSet><Representation id="a"><SegmentTemplate timescale="100"/></Representation></AdaptationSet>`)), at(20_000)},
		{"max_across_periods", dynamicMPD(testAST, period(`start="PT0S"`, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`)))+
			period(`start="PT10S"`, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="1"/>`)))), at(14_000)},
		{"period_without_start_follows_previous_duration", dynamicMPD(testAST, period(`start="PT0S" duration="PT10S"`, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`)))+
			period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="1"/>`)))), at(14_000)},
		{"period_of_unknown_start_left_out", dynamicMPD(testAST, period(`start="PT0S"`, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`)))+
			period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="9"/>`)))), at(10_000)},
		{"segment_list_of_urls", dynamicMPD(testAST, period(``, as(`<SegmentList timescale="10" duration="20"><SegmentURL media="a"/><SegmentURL media="b"/><SegmentURL media="c"/></SegmentList>`))), at(6000)},
		{"segment_list_with_timeline", dynamicMPD(testAST, period(``, as(`<SegmentList timescale="1000"><SegmentTimeline><S t="0" d="2500" r="3"/></SegmentTimeline><SegmentURL/></SegmentList>`))), at(10_000)},
		{"malformed_representation_left_out", dynamicMPD(testAST, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000" r="4"/>`))+
			as(tl(`timescale="1000"`, `<S t="0" d="x" r="9"/>`)))), at(10_000)},
		{"overflowing_repeat_left_out", dynamicMPD(testAST, period(``, as(tl(``, `<S t="9007199254740992" d="9007199254740992" r="2147483647"/>`)))), none},
		{"no_availability_start_time_no_signal", dynamicMPD(``, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000"/>`)))), none},
		{"publish_time_does_not_matter", dynamicMPD(testAST+` publishTime="2030-01-01T00:00:00Z"`, period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000"/>`)))), at(2000)},
		{"static_mpd_has_none", `<MPD type="static" ` + testAST + `>` + period(``, as(tl(`timescale="1000"`, `<S t="0" d="2000"/>`))) + `</MPD>`, none},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Parse(DASH, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if info.NewestSegmentEnd != tc.want {
				t.Fatalf("NewestSegmentEnd = %v, want %v", info.NewestSegmentEnd, tc.want)
			}
		})
	}
}

// TestNewestSegmentEndPackagerMPD: a packager's live MPD without publishTime
// (video $Time$ timeline with PTO, audio timeline with repeats): its newest
// segment is the audio one ending 60 s after availabilityStartTime.
func TestNewestSegmentEndPackagerMPD(t *testing.T) {
	info, err := Parse(DASH, readTestdata(t, "dynamic_timeline.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Format: DASH, Live: true, MinimumUpdatePeriod: 5 * time.Second,
		NewestSegmentEnd: time.Date(2024, 5, 1, 12, 1, 0, 0, time.UTC)}
	if info != want {
		t.Fatalf("Parse = %+v, want %+v", info, want)
	}
}
