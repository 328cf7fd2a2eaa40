package byterange

import (
	"errors"
	"strings"
	"testing"
)

func TestParseResolve(t *testing.T) {
	const size = 1000
	tests := []struct {
		name       string
		h          string
		err        error
		start, end int64
		ok         bool
	}{
		{"first_last", "bytes=0-99", nil, 0, 99, true},
		{"open_ended", "bytes=900-", nil, 900, 999, true},
		{"suffix", "bytes=-100", nil, 900, 999, true},
		{"suffix_larger_than_size", "bytes=-5000", nil, 0, 999, true},
		{"last_clamped", "bytes=10-5000", nil, 10, 999, true},
		{"llhls_2pow53", "bytes=500-9007199254740991", nil, 500, 999, true},
		{"unsatisfiable_start", "bytes=1000-1001", nil, 0, 0, false},
		{"zero_suffix", "bytes=-0", nil, 0, 0, false},
		{"spaces", " bytes = 1 - 2 ", nil, 1, 2, true},
		{"unit_case", "Bytes=1-2", nil, 1, 2, true},
		{"multi", "bytes=0-1,5-6", ErrMulti, 0, 0, false},
		{"reversed", "bytes=5-1", ErrSyntax, 0, 0, false},
		{"other_unit", "items=0-1", ErrSyntax, 0, 0, false},
		{"no_dash", "bytes=5", ErrSyntax, 0, 0, false},
		{"negative", "bytes=-1-5", ErrSyntax, 0, 0, false},
		{"overflow", "bytes=99999999999999999999-", ErrSyntax, 0, 0, false},
		{"plus_sign", "bytes=+1-2", ErrSyntax, 0, 0, false},
		{"empty", "", ErrSyntax, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.h)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Parse(%q) err = %v, want %v", tc.h, err, tc.err)
			}
			if err != nil {
				return
			}
			start, end, ok := s.Resolve(size)
			if ok != tc.ok || (ok && (start != tc.start || end != tc.end)) {
				t.Fatalf("Resolve = %d-%d %v, want %d-%d %v", start, end, ok, tc.start, tc.end, tc.ok)
			}
		})
	}
}

func TestIfRange(t *testing.T) {
	const lm = "Wed, 21 Oct 2015 07:28:00 GMT"
	tests := []struct {
		name, ifRange, etag string
		want                bool
	}{
		{"absent", "", `"a"`, true},
		{"etag_match", `"a"`, `"a"`, true},
		{"etag_mismatch", `"b"`, `"a"`, false},
		{"weak_never_matches", `W/"a"`, `W/"a"`, false},
		{"date_match", lm, `"a"`, true},
		{"date_mismatch", "Wed, 21 Oct 2015 07:28:01 GMT", `"a"`, false},
		{"garbage", "yesterday", `"a"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IfRangeMatches(tc.ifRange, tc.etag, lm); got != tc.want {
				t.Fatalf("got %v want %v", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"bytes=0-99", "bytes=-5", "bytes=5-", "bytes=0-1,2-3", "bytes=9007199254740991-", "x"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		s, err := Parse(h)
		if err != nil {
			return
		}
		start, end, ok := s.Resolve(size)
		if ok && (start < 0 || end < start || end >= size) {
			t.Fatalf("Resolve(%q, %d) = %d-%d", h, size, start, end)
		}
	})
}

func FuzzIfRange(f *testing.F) {
	f.Add(`"a"`, `"a"`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", `W/"x"`, "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(`W/"a"`, `W/"a"`, "")
	f.Fuzz(func(t *testing.T, ifRange, etag, lastModified string) {
		ok := IfRangeMatches(ifRange, etag, lastModified)
		if strings.HasPrefix(etag, "W/") && strings.HasPrefix(strings.TrimSpace(ifRange), `"`) && ok {
			t.Fatalf("a weak ETag %q matched If-Range %q (needs a strong comparison)", etag, ifRange)
		}
	})
}
