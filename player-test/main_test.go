package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

func call(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // substring of the one stderr line
	}{
		{[]string{"bogus"}, "unknown command"},
		{[]string{"run"}, "-url is required"},
		{[]string{"run", "-url", "ftp://x/a.m3u8"}, "want an http(s) URL"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-players", "0"}, "-players 0"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-players", "30000"}, "-max-players 20000"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-duration", "0s"}, "-duration"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-duration", "5s", "-ramp", "10s"}, "-ramp"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-reset-origin"}, "needs -origin-stats"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-nope"}, "flag provided but not defined: -nope"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-players", "many"}, "invalid value"},
		{[]string{"run", "-url", "http://h/a.m3u8", "extra"}, "unexpected argument"},
		{[]string{"run", "-url", "http://h/a.m3u8", "-ll", "-no-ll"}, "-ll and -no-ll"},
		{[]string{"origin", "-error-rate", "2"}, "-error-rate 2"},
		{[]string{"origin", "-latency", "-1s"}, "negative"},
	}
	for _, tc := range tests {
		code, _, stderr := call(t, context.Background(), tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: code %d stderr %q; want 2 and one line containing %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"run", "-h"}, {"origin", "-h"}} {
		code, stdout, stderr := call(t, context.Background(), args...)
		if code != 0 || !strings.Contains(stdout+stderr, "Usage") {
			t.Errorf("%v: code %d, no usage text", args, code)
		}
	}
	if code, _, stderr := call(t, context.Background()); code != 2 || !strings.Contains(stderr, "Usage") {
		t.Errorf("no args: code %d", code)
	}
}

func TestResetURL(t *testing.T) {
	got, err := resetURL("http://o:8081/_stats?x=1")
	if err != nil || got != "http://o:8081/_reset" {
		t.Errorf("got %q %v", got, err)
	}
	if _, err := resetURL("http://o/stats"); err == nil {
		t.Error("want error for a URL not ending in /_stats")
	}
}

func TestRunAgainstTestOrigin(t *testing.T) {
	srv := httptest.NewServer(testorigin.New(testorigin.Options{Seed: 1}))
	defer srv.Close()
	jsonPath := filepath.Join(t.TempDir(), "out.json")
	code, stdout, stderr := call(t, context.Background(), "run", "-url", srv.URL+"/live/hls_ts/master.m3u8",
		"-players", "3", "-duration", "3s", "-json", jsonPath, "-fail-on-error",
		"-origin-stats", srv.URL+"/_stats", "-reset-origin")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"startup p50 / p99", "stall ratio", "segment latency p50 / p99", "origin offload"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "active ") {
		t.Errorf("no progress line on stderr: %q", stderr)
	}
	var res result
	b, err := os.ReadFile(jsonPath)
	if err != nil || json.Unmarshal(b, &res) != nil {
		t.Fatalf("json: %v\n%s", err, b)
	}
	// Straight at the origin every player request reaches it: nothing spared.
	if res.OriginOffload == nil || *res.OriginOffload != 0 || res.Errors != 0 || res.PlayersStarted != 3 {
		t.Errorf("json result %+v offload %v", res.Report, res.OriginOffload)
	}
}

func TestRunLLHLSReportsLatency(t *testing.T) {
	srv := httptest.NewServer(testorigin.New(testorigin.Options{}))
	defer srv.Close()
	code, stdout, stderr := call(t, context.Background(), "run", "-url", srv.URL+"/live/llhls/master.m3u8",
		"-players", "2", "-duration", "3s", "-quiet", "-fail-on-error", "-ll")
	if code != 0 || !strings.Contains(stdout, "latency to live edge p50 / p99") || !strings.Contains(stdout, "LL-HLS parts") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestFailOnError(t *testing.T) {
	srv := httptest.NewServer(testorigin.New(testorigin.Options{ErrorRate: 1}))
	defer srv.Close()
	code, _, stderr := call(t, context.Background(), "run", "-url", srv.URL+"/vod/dash/manifest.mpd",
		"-players", "1", "-duration", "1s", "-quiet", "-fail-on-error")
	if code != 1 || !strings.Contains(stderr, "errors") {
		t.Errorf("exit %d stderr %q; want 1 and an errors line", code, stderr)
	}
}

func TestOriginServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	code, _, stderr := call(t, ctx, "origin", "-listen", "127.0.0.1:0", "-latency", "1ms")
	if code != 0 || !strings.Contains(stderr, "serving on http://127.0.0.1:") {
		t.Errorf("exit %d stderr %q", code, stderr)
	}
}
