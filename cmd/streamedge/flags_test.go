package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func TestParseFlagsRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"unknown_flag", []string{"-origin", "http://o", "-bogus"}, "flag provided but not defined: -bogus"},
		{"missing_origin", nil, "-origin (or -config) is required"},
		{"origin_scheme", []string{"-origin", "ftp://o"}, "want http(s)://host[:port]"},
		{"origin_no_host", []string{"-origin", "http://"}, "want http(s)://host[:port]"},
		{"cache_too_small", []string{"-origin", "http://o", "-cache-size", "16MiB"}, "-cache-size 16MiB: at least 128MiB"},
		{"bad_size", []string{"-origin", "http://o", "-cache-size", "lots"}, "invalid size"},
		{"object_too_big", []string{"-origin", "http://o", "-max-object-size", "900MiB"}, "-max-object-size"},
		{"negative_ttl", []string{"-origin", "http://o", "-default-ttl", "-1s"}, "-default-ttl -1s: must not be negative"},
		{"zero_timeout", []string{"-origin", "http://o", "-origin-timeout", "0s"}, "-origin-timeout 0s: must be positive"},
		{"bad_duration", []string{"-origin", "http://o", "-negative-ttl", "soon"}, "invalid value"},
		{"bad_log_level", []string{"-origin", "http://o", "-log-level", "loud"}, "-log-level"},
		{"stray_argument", []string{"-origin", "http://o", "extra"}, "unexpected argument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := parseFlags("serve", tc.args, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want errUsage", err)
			}
			out := stderr.String()
			if strings.Count(out, "\n") != 1 || !strings.Contains(out, tc.want) {
				t.Fatalf("stderr = %q, want one line containing %q", out, tc.want)
			}
		})
	}
}

func TestParseFlagsDefaultsAndHelp(t *testing.T) {
	c, err := parseFlags("serve", []string{"-origin", "http://o:8080", "-ignore-query", "a, b,,c"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8080" || c.Admin != "127.0.0.1:9090" || c.CacheSize != 1<<30 || c.MaxObjectSize != 64<<20 ||
		c.DefaultTTL.Hours() != 24 || c.NegativeTTL.Seconds() != 1 {
		t.Fatalf("defaults: %+v", c)
	}
	if q := c.ignoreQuery(); strings.Join(q, "|") != "a|b|c" {
		t.Fatalf("ignore-query = %q", q)
	}
	var out bytes.Buffer
	if _, err := parseFlags("serve", []string{"-h"}, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, f := range []string{"-origin", "-cache-size", "-stale-if-error", "-cache-file"} {
		if !strings.Contains(out.String(), f) {
			t.Fatalf("usage lacks %s", f)
		}
	}
}

func TestByteSize(t *testing.T) {
	tests := map[string]int64{
		"1GiB": 1 << 30, "64MiB": 64 << 20, "512MB": 512e6, "1048576": 1 << 20, "2k": 2048, "1.5GiB": 3 << 29, " 10 KiB ": 10240, "7B": 7,
	}
	for in, want := range tests {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1MiB", "1XB", "1e30", "NaN"} {
		if _, err := parseByteSize(bad); err == nil {
			t.Errorf("parseByteSize(%q) accepted", bad)
		}
	}
}

func FuzzParseFlags(f *testing.F) {
	f.Add("-origin http://o -cache-size 1GiB -stale-if-error 5m")
	f.Add("-origin http://o:1/x -listen :0 -ignore-query CMCD,* -max-object-size 1k")
	f.Add("-bogus -- -h")
	f.Fuzz(func(t *testing.T, line string) {
		var stderr bytes.Buffer
		c, err := parseFlags("serve", strings.Fields(line), &stderr)
		if err != nil {
			return
		}
		// Whatever is accepted is within the bounds validate promises.
		if c.CacheSize < 128<<20 || c.MaxObjectSize <= 0 || c.MaxObjectSize > c.CacheSize/8 || c.Origin == "" {
			t.Fatalf("accepted out-of-bounds config %+v", c)
		}
	})
}
