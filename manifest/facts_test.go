package manifest

import (
	"bytes"
	"testing"
	"time"
)

func TestPublishTimeParsing(t *testing.T) {
	mpd := func(attr string) string { return `<MPD type="dynamic" ` + attr + `><Period/></MPD>` }
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name, body string
		want       time.Time
	}{
		{"utc_z", mpd(`publishTime="2024-05-01T10:00:00Z"`), at},
		{"fraction_and_offset_normalised_to_utc", mpd(`publishTime="2024-05-01T12:00:00.250+02:00"`), at.Add(250 * time.Millisecond)},
		{"no_zone_is_utc", mpd(`publishTime="2024-05-01T10:00:00"`), at},
		{"absent_is_zero", mpd(``), time.Time{}},
		{"unparsable_is_ignored_not_fatal", mpd(`publishTime="yesterday"`), time.Time{}},
		{"static_mpd_has_none", `<MPD type="static" publishTime="2024-05-01T10:00:00Z"><Period/></MPD>`, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Parse(DASH, []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if info.PublishTime != tc.want {
				t.Fatalf("PublishTime = %v, want %v", info.PublishTime, tc.want)
			}
		})
	}
}

func TestFactsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		info Info
	}{
		{"live_hls", Info{Format: HLS, Live: true, TargetDuration: 6 * time.Second, MediaSequence: 1<<40 + 7, Segments: 5}},
		{"master_hls", Info{Format: HLS, Master: true}},
		{"dynamic_dash", Info{Format: DASH, Live: true, MinimumUpdatePeriod: 500 * time.Millisecond,
			PublishTime: time.Date(2024, 5, 1, 10, 0, 0, 123, time.UTC)}},
		{"static_dash", Info{Format: DASH}},
		{"dynamic_dash_newest_segment_end", Info{Format: DASH, Live: true,
			NewestSegmentEnd: time.Date(2024, 5, 1, 10, 0, 12, 500_000_000, time.UTC)}},
		{"dynamic_dash_both_instants", Info{Format: DASH, Live: true, PublishTime: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
			NewestSegmentEnd: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)}},
		{"extremes", Info{Format: HLS, Live: true, TargetDuration: 1<<63 - 1, MediaSequence: 1<<64 - 1, Segments: 1<<31 - 1,
			MinimumUpdatePeriod: 1<<63 - 1, PublishTime: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
			NewestSegmentEnd: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeFacts(tc.info)
			if len(b) > MaxFactsLen {
				t.Fatalf("%d bytes, bound %d", len(b), MaxFactsLen)
			}
			if got := DecodeFacts(b); got != tc.info {
				t.Fatalf("DecodeFacts = %+v, want %+v", got, tc.info)
			}
		})
	}
	if EncodeFacts(Info{}) != nil {
		t.Fatal("a non-manifest has facts")
	}
}

func TestDecodeFactsGarbageIsNoFacts(t *testing.T) {
	valid := EncodeFacts(Info{Format: HLS, Live: true, TargetDuration: time.Second, MediaSequence: 9, Segments: 3})
	mutate := func(f func([]byte) []byte) []byte { return f(bytes.Clone(valid)) }
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"other_version", mutate(func(b []byte) []byte { b[0] = 3; return b })},
		{"version_0", mutate(func(b []byte) []byte { b[0] = 0; return b })},
		{"version_1_with_segment_end_flag", append([]byte{1, byte(DASH), factLive | factSegmentEnd, 0, 0, 0, 0}, appendInstant(nil, time.Unix(1, 0))...)},
		{"segment_end_flag_without_time", mutate(func(b []byte) []byte { b[2] |= factSegmentEnd; return b })},
		{"unknown_format", mutate(func(b []byte) []byte { b[1] = 9; return b })},
		{"unknown_flag", mutate(func(b []byte) []byte { b[2] |= 0x80; return b })},
		{"truncated", valid[:len(valid)-1]},
		{"trailing_byte", append(bytes.Clone(valid), 0)},
		{"publish_flag_without_time", mutate(func(b []byte) []byte { b[2] |= factPublish; return b })},
		{"too_long", bytes.Repeat([]byte{1}, MaxFactsLen+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeFacts(tc.b); got != (Info{}) {
				t.Fatalf("DecodeFacts(%x) = %+v, want no facts", tc.b, got)
			}
		})
	}
}

// TestDecodeFactsVersion1: a blob written before NewestSegmentEnd existed
// (version 1, as stored entries and snapshots of the previous release hold)
// still decodes to the same Info.
func TestDecodeFactsVersion1(t *testing.T) {
	pub := time.Date(2024, 5, 1, 10, 0, 0, 123, time.UTC)
	tests := []struct {
		name string
		b    []byte
		want Info
	}{
		{"live_hls", []byte{1, byte(HLS), factLive, 6, 100, 5, 0}, Info{Format: HLS, Live: true, TargetDuration: 6, MediaSequence: 100, Segments: 5}},
		{"dynamic_dash_publish_time", append([]byte{1, byte(DASH), factLive | factPublish, 0, 0, 0, 0}, appendInstant(nil, pub)...),
			Info{Format: DASH, Live: true, PublishTime: pub}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecodeFacts(tc.b); got != tc.want {
				t.Fatalf("DecodeFacts(%x) = %+v, want %+v", tc.b, got, tc.want)
			}
		})
	}
}

// FuzzDecodeFacts: any blob decodes without panic to no facts or to an Info
// that survives its own round trip within the bound.
func FuzzDecodeFacts(f *testing.F) {
	f.Add(EncodeFacts(Info{Format: HLS, Live: true, TargetDuration: 6 * time.Second, MediaSequence: 100, Segments: 5}))
	f.Add(EncodeFacts(Info{Format: DASH, Live: true, PublishTime: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)}))
	f.Add([]byte{})
	f.Add([]byte{1, 2, 7, 0xff, 0xff, 0xff})
	f.Add([]byte{1, byte(HLS), factLive, 6, 100, 5, 0})
	f.Add(EncodeFacts(Info{Format: DASH, Live: true, PublishTime: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		NewestSegmentEnd: time.Date(2024, 5, 1, 10, 0, 30, 0, time.UTC)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		info := DecodeFacts(b)
		if info == (Info{}) {
			return
		}
		enc := EncodeFacts(info)
		if len(enc) > MaxFactsLen {
			t.Fatalf("re-encoded %d bytes, bound %d", len(enc), MaxFactsLen)
		}
		if got := DecodeFacts(enc); got != info {
			t.Fatalf("round trip %+v -> %+v", info, got)
		}
	})
}
