package livewindow

import (
	"strings"
	"testing"
)

// TestNextByNumber: the next MSN's URI is the last segment's URI with its
// own number (the last run of digits equal to its MSN) plus one, padding
// and query kept; a name without its number has no successor.
func TestNextByNumber(t *testing.T) {
	cases := []struct {
		name, uri string
		msn       uint64
		want      string
		ok        bool
	}{
		{"plain", "seg_41.ts", 41, "seg_42.ts", true},
		{"zero padded", "seg_00041.ts", 41, "seg_00042.ts", true},
		{"padding overflows", "seg_099.ts", 99, "seg_100.ts", true},
		{"unpadded grows", "seg_99.ts", 99, "seg_100.ts", true},
		{"query kept, digits in it ignored", "v/seg_41.m4s?t=41", 41, "v/seg_42.m4s?t=41", true},
		{"number not the last run", "720p/seg_41_2000k.ts", 41, "720p/seg_42_2000k.ts", true},
		{"directory digits left alone", "720/41.ts", 41, "720/42.ts", true},
		{"msn zero", "seg_0.ts", 0, "seg_1.ts", true},
		{"no number", "segment.ts", 41, "", false},
		{"another number", "seg_40.ts", 41, "", false},
		{"number only in the query", "seg.ts?n=41", 41, "", false},
		{"max msn", "seg_18446744073709551615.ts", ^uint64(0), "", false},
		{"too long", strings.Repeat("a", maxNumberURI) + "41", 41, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NextByNumber(tc.uri, tc.msn)
			if got != tc.want || ok != tc.ok {
				t.Errorf("NextByNumber(%q, %d) = %q, %v; want %q, %v", tc.uri, tc.msn, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func FuzzNextByNumber(f *testing.F) {
	f.Add("seg_41.ts", uint64(41))
	f.Add("v/0041/seg_00041.m4s?x=41", uint64(41))
	f.Add("", uint64(0))
	f.Fuzz(func(t *testing.T, uri string, msn uint64) {
		got, ok := NextByNumber(uri, msn)
		if !ok {
			if got != "" {
				t.Fatalf("not ok but %q", got)
			}
			return
		}
		if got == uri {
			t.Fatalf("%q: successor is itself", uri)
		}
		_, q1, h1 := strings.Cut(uri, "?")
		_, q2, h2 := strings.Cut(got, "?")
		if q1 != q2 || h1 != h2 {
			t.Fatalf("%q → %q: query changed", uri, got)
		}
	})
}
