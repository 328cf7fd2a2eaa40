package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestFillLimitFlags(t *testing.T) {
	c, err := parseFlags("serve", []string{"-origin", "http://o"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxFills != 1000 || c.OriginMaxFills != 0 || c.FillWait.Seconds() != 1 || c.maxFillBytes() != 256<<20 {
		t.Fatalf("defaults: max-fills %d origin-max-fills %d fill-wait %s fill bytes %d", c.MaxFills, c.OriginMaxFills, c.FillWait, c.maxFillBytes())
	}
	c, err = parseFlags("serve", []string{"-origin", "http://o", "-max-fill-bytes", "100MiB"}, &bytes.Buffer{})
	if err != nil || c.maxFillBytes() != 100<<20 {
		t.Fatalf("-max-fill-bytes 100MiB: %d %v", c.maxFillBytes(), err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-max-fills", "0"}, "-max-fills 0: at least 1"},
		{[]string{"-origin-max-fills", "-1"}, "-origin-max-fills -1: must not be negative"},
		{[]string{"-fill-wait", "0s"}, "-fill-wait 0s: must be positive"},
		{[]string{"-max-fill-bytes", "1MiB"}, "-max-fill-bytes 1MiB: at least -max-object-size"},
	} {
		var stderr bytes.Buffer
		if _, err := parseFlags("serve", append([]string{"-origin", "http://o"}, tc.args...), &stderr); !errors.Is(err, errUsage) ||
			!strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: %v %q, want %q", tc.args, err, stderr.String(), tc.want)
		}
	}
}
