package llhls

import (
	"errors"
	"testing"

	"github.com/streamedge/streamedge/failure"
)

func TestParseDirectivesFollowsTheSpecsRules(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		want        Directives
		bad         bool
	}{
		{"no directives", "token=abc", Directives{}, false},
		{"msn alone", "_HLS_msn=12", Directives{MSN: 12, HasMSN: true}, false},
		{"msn and part", "_HLS_msn=12&_HLS_part=3", Directives{MSN: 12, Part: 3, HasMSN: true, HasPart: true}, false},
		{"skip YES", "_HLS_msn=1&_HLS_skip=YES", Directives{MSN: 1, HasMSN: true, Skip: SkipYes}, false},
		{"skip v2 alone", "_HLS_skip=v2", Directives{Skip: SkipV2}, false},
		{"part without msn is 400", "_HLS_part=1", Directives{}, true},
		{"negative msn is 400", "_HLS_msn=-1", Directives{}, true},
		{"signed msn is 400", "_HLS_msn=+1", Directives{}, true},
		{"hex part is 400", "_HLS_msn=1&_HLS_part=0x1", Directives{}, true},
		{"empty msn is 400", "_HLS_msn=", Directives{}, true},
		{"msn out of range is 400", "_HLS_msn=99999999999999999999", Directives{}, true},
		{"repeated msn is 400", "_HLS_msn=1&_HLS_msn=2", Directives{}, true},
		{"bad skip is 400", "_HLS_skip=yes", Directives{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.query)
			if tc.bad {
				if !errors.Is(err, failure.ErrBadDirective) {
					t.Fatalf("Parse(%q) = %+v, %v; want ErrBadDirective", tc.query, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse(%q) = %+v, %v; want %+v", tc.query, got, err, tc.want)
			}
		})
	}
}

func TestRenditionDropsOnlyTheDirectives(t *testing.T) {
	for key, want := range map[string]string{
		"/a/index.m3u8":                                  "/a/index.m3u8",
		"/a/index.m3u8?_HLS_msn=3&_HLS_part=1":           "/a/index.m3u8",
		"/a/index.m3u8?_HLS_msn=3&_HLS_skip=YES&token=x": "/a/index.m3u8?token=x",
		"/a/index.m3u8?a=1&_HLS_msn=3&b=2":               "/a/index.m3u8?a=1&b=2",
		"/a/index.m3u8?_HLS_msnx=3":                      "/a/index.m3u8?_HLS_msnx=3",
	} {
		if got := Rendition(key); got != want {
			t.Errorf("Rendition(%q) = %q, want %q", key, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"_HLS_msn=1&_HLS_part=2&_HLS_skip=YES", "_HLS_part=1", "_HLS_msn=%31", "a=b&&_HLS_msn"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		d, err := Parse(q)
		if err != nil {
			if !errors.Is(err, failure.ErrBadDirective) {
				t.Fatalf("error %v does not wrap ErrBadDirective", err)
			}
			return
		}
		if d.HasPart && !d.HasMSN || d.MSN < 0 || d.Part < 0 || d.Part > maxPart {
			t.Fatalf("Parse(%q) = %+v", q, d)
		}
		_ = Rendition("/p.m3u8?" + q)
	})
}
