package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		name, file string
		f          Format
		want       Info
	}{
		{"ffmpeg_vod_ts", "vod_ts.m3u8", HLS, Info{Format: HLS, TargetDuration: 10 * time.Second, Segments: 4}},
		{"ffmpeg_live_sliding_with_program_date_time", "live_sliding.m3u8", HLS,
			Info{Format: HLS, Live: true, TargetDuration: 4 * time.Second, MediaSequence: 1234, Segments: 5}},
		{"ffmpeg_fmp4_with_ext_x_map", "vod_fmp4.m3u8", HLS, Info{Format: HLS, TargetDuration: 6 * time.Second, Segments: 3}},
		{"master_with_media_and_stream_inf", "master.m3u8", HLS, Info{Format: HLS, Master: true}},
		{"event_without_endlist_is_live", "event.m3u8", HLS, Info{Format: HLS, Live: true, TargetDuration: 6 * time.Second, Segments: 2}},
		{"llhls_parts_not_counted_as_segments", "llhls.m3u8", HLS,
			Info{Format: HLS, Live: true, TargetDuration: 4 * time.Second, MediaSequence: 266, Segments: 3}},
		{"llhls_delta_counts_skipped_segments", "llhls_delta.m3u8", HLS,
			Info{Format: HLS, Live: true, TargetDuration: 4 * time.Second, MediaSequence: 260, Segments: 8}},
		{"ffmpeg_static_mpd", "static.mpd", DASH, Info{Format: DASH}},
		{"dynamic_mpd_minimum_update_period_and_publish_time", "dynamic.mpd", DASH, Info{Format: DASH, Live: true,
			MinimumUpdatePeriod: 2 * time.Second, PublishTime: time.Date(2024, 5, 1, 13, 0, 0, 0, time.UTC)}},
		{"dynamic_mpd_with_types_go_dash_rejects", "dynamic_gpac.mpd", DASH,
			Info{Format: DASH, Live: true, MinimumUpdatePeriod: 5 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.f, readTestdata(t, tc.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tc.want {
				t.Errorf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseHLS(t *testing.T) {
	tests := []struct {
		name, body string
		want       Info
	}{
		{"bom_and_crlf_tolerated", "\ufeff#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,\r\na.ts\r\n#EXT-X-ENDLIST\r\n",
			Info{Format: HLS, TargetDuration: 6 * time.Second, Segments: 1}},
		{"vod_type_without_endlist_is_not_live", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6,\na.ts\n",
			Info{Format: HLS, TargetDuration: 6 * time.Second, Segments: 1}},
		{"event_with_endlist_is_not_live", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n",
			Info{Format: HLS, TargetDuration: 6 * time.Second, Segments: 1}},
		{"declared_target_duration_not_longest_extinf", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:7.5,\na.ts\n",
			Info{Format: HLS, Live: true, TargetDuration: 6 * time.Second, Segments: 1}},
		{"empty_live_playlist", "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n",
			Info{Format: HLS, Live: true, TargetDuration: 2 * time.Second, MediaSequence: 7}},
		{"byterange_segments", "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\n#EXT-X-BYTERANGE:1000@0\nall.ts\n#EXTINF:6,\n#EXT-X-BYTERANGE:1000\nall.ts\n#EXT-X-ENDLIST\n",
			Info{Format: HLS, TargetDuration: 6 * time.Second, Segments: 2}},
		{"key_and_discontinuity_tags", "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128,URI=\"k.bin\"\n#EXTINF:6,\na.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:6,\nb.ts\n",
			Info{Format: HLS, Live: true, TargetDuration: 6 * time.Second, Segments: 2}},
		{"master_with_version_last", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXT-X-VERSION:3\n", Info{Format: HLS, Master: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(HLS, []byte(tc.body))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tc.want {
				t.Errorf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseHLSLargeVOD(t *testing.T) {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "#EXTINF:4.000000,\nseg%05d.ts\n", i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	got, err := Parse(HLS, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Format: HLS, TargetDuration: 4 * time.Second, Segments: 2000}
	if got != want {
		t.Errorf("Parse = %+v, want %+v", got, want)
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name string
		f    Format
		body string
	}{
		{"hls_empty_body", HLS, ""},
		{"hls_garbage", HLS, "\x00\x01\x02garbage"},
		{"hls_html_error_page", HLS, "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"},
		{"hls_missing_extm3u", HLS, "#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n"},
		{"hls_extm3u_not_first_line", HLS, "\n#EXTM3U\n#EXT-X-TARGETDURATION:6\n"},
		{"hls_only_extm3u", HLS, "#EXTM3U\n"},
		{"hls_media_without_targetduration", HLS, "#EXTM3U\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n"},
		{"hls_bad_targetduration", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:six\n#EXTINF:6,\na.ts\n"},
		{"hls_negative_targetduration", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:-6\n#EXTINF:6,\na.ts\n"},
		{"hls_both_master_and_media_tags", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXTINF:6,\na.ts\n"},
		{"hls_bad_skip", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-SKIP:SKIPPED-SEGMENTS=x\n"},
		{"hls_uri_without_extinf_after_key", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=NONE\nfoo.ts\n"},
		{"hls_uri_without_extinf_after_map", HLS, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MAP:URI=\"i.mp4\"\nfoo.ts\n"},
		{"dash_empty_body", DASH, ""},
		{"dash_garbage", DASH, "garbage"},
		{"dash_html_error_page", DASH, "<html><body>404 Not Found</body></html>"},
		{"dash_html_mentioning_mpd", DASH, "<html><body><pre>&lt;MPD</pre><MPD/></body></html>"},
		{"dash_truncated", DASH, `<?xml version="1.0"?><MPD type="static"><Period id="0"><AdaptationSet>`},
		{"dash_no_period", DASH, `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static"></MPD>`},
		{"dash_text_before_root", DASH, `junk<MPD type="static"><Period/></MPD>`},
		{"dash_unknown_type", DASH, `<MPD type="live"><Period/></MPD>`},
		{"dash_bad_minimum_update_period", DASH, `<MPD type="dynamic" minimumUpdatePeriod="2s"><Period/></MPD>`},
		{"dash_bad_int_in_truncated_doc", DASH, `<MPD type="static"><Period><AdaptationSet><Representation bandwidth="x">`},
		{"hls_body_as_dash", DASH, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n"},
		{"dash_body_as_hls", HLS, "<MPD type=\"static\"><Period/></MPD>"},
		{"format_none", None, "#EXTM3U\n#EXT-X-TARGETDURATION:6\n"},
		{"format_unknown", Format(9), "#EXTM3U\n#EXT-X-TARGETDURATION:6\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Parse(tc.f, []byte(tc.body))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse = %+v, %v; want ErrInvalid", info, err)
			}
			if info != (Info{}) {
				t.Errorf("Parse returned %+v with error", info)
			}
		})
	}
}

func TestParseXSDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT2S", 2 * time.Second, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"PT1M30S", 90 * time.Second, true},
		{"P1DT2H", 26 * time.Hour, true},
		{"P0Y0M0DT0H0M2.000S", 2 * time.Second, true},
		{"P1W", 7 * 24 * time.Hour, true},
		{" PT2S ", 2 * time.Second, true},
		{"", 0, false},
		{"P", 0, false},
		{"PT", 0, false},
		{"2S", 0, false},
		{"-PT2S", 0, false},
		{"PT2", 0, false},
		{"PTS", 0, false},
		{"PT1H T2S", 0, false},
		{"PT2X", 0, false},
		{"P2S", 0, false},
		{"PT1e3S", 0, false},
		{"P999999999Y", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseXSDuration(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("parseXSDuration(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseDASHBeyondGoDashTypes(t *testing.T) {
	tests := []struct{ name, body string }{
		{"segment_alignment_group_number", `<MPD><Period><AdaptationSet segmentAlignment="2"/></Period></MPD>`},
		{"audio_sampling_rate_range", `<MPD><Period><AdaptationSet><Representation audioSamplingRate="44100 48000"/></AdaptationSet></Period></MPD>`},
		{"duration_with_years_and_months", `<MPD><Period start="P0Y0M0DT0H0M0.000S"/></MPD>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(DASH, []byte(tc.body))
			if want := (Info{Format: DASH}); err != nil || got != want {
				t.Errorf("Parse = %+v, %v; want %+v", got, err, want)
			}
		})
	}
}
