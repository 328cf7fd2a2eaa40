package config

import (
	"strings"
	"testing"
)

// TestParseSize: the one size parser (edge.yaml sizes and the command
// line's size flags) reads bytes and binary or decimal units, any case,
// around spaces; it refuses empty, unit-only, negative, unknown-unit, NaN
// and over-2^50 sizes with a message naming the value.
func TestParseSize(t *testing.T) {
	good := map[string]Size{
		"1GiB": 1 << 30, "64MiB": 64 << 20, "512MB": 512e6, "1048576": 1 << 20, "2k": 2048, "1.5GiB": 3 << 29,
		" 10 KiB ": 10240, "7B": 7, "1TiB": 1 << 40, "1tb": 1e12, "0": 0,
	}
	for in, want := range good {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1MiB", "1XB", "1e30", "NaN", "inf", "2000TiB"} {
		_, err := ParseSize(bad)
		if err == nil || !strings.Contains(err.Error(), "want a size") || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseSize(%q): %v, want a refusal naming the value", bad, err)
		}
	}
}

// FuzzParseSize: any string is a size in [0, 2^50] or an error, never a
// panic nor a negative or wrapped-around count.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"1GiB", "64MiB", "512MB", "12", "1.5k", "-1", "1e18", "inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err == nil && (n < 0 || n > 1<<50) {
			t.Fatalf("ParseSize(%q) = %d", s, n)
		}
	})
}
