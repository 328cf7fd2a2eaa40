package edge

import (
	"strconv"
	"strings"
	"testing"
)

func TestRangeStart(t *testing.T) {
	for cr, want := range map[string]int64{
		"bytes 100-199/200": 100, "bytes 0-0/1": 0, "bytes 5-/*": 5, "bytes */200": -1,
		"items 1-2/3": -1, "": -1, "bytes -1-2/3": -1, "bytes 99999999999999999999-1/2": -1, "bytes +1-2/3": -1,
	} {
		if got := rangeStart(cr); got != want {
			t.Errorf("rangeStart(%q) = %d, want %d", cr, got, want)
		}
	}
}

// FuzzRangeStart: an origin's Content-Range never panics the parser, and a
// start it reports is the decimal it was given.
func FuzzRangeStart(f *testing.F) {
	for _, s := range []string{"bytes 100-199/200", "bytes */1", "bytes -5-1/2", "bytes +1-2/3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cr string) {
		n := rangeStart(cr)
		if n < -1 {
			t.Fatalf("rangeStart(%q) = %d", cr, n)
		}
		if n >= 0 && !strings.HasPrefix(cr, "bytes ") {
			t.Fatalf("rangeStart(%q) = %d without the bytes unit", cr, n)
		}
		if n >= 0 {
			a, _, _ := strings.Cut(strings.TrimPrefix(cr, "bytes "), "-")
			if v, err := strconv.ParseInt(a, 10, 64); err != nil || v != n || strings.Trim(a, "0123456789") != "" {
				t.Fatalf("rangeStart(%q) = %d, first-pos %q", cr, n, a)
			}
		}
	})
}
