package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckAcceptsTheExampleConfig: `streamedge check -config
// deploy/edge.yaml` succeeds with a one-line summary and nothing on stderr.
func TestCheckAcceptsTheExampleConfig(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"check", "-config", "../../deploy/edge.yaml"}, &out, &errb); err != nil {
		t.Fatalf("check: %v\n%s", err, errb.String())
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "valid: 3 origins, 1 S3 origin, 1 origin group, 3 behaviors and the default, 2 custom error responses, 1 response headers policy") {
		t.Errorf("summary %q", out.String())
	}
	if errb.Len() != 0 {
		t.Errorf("stderr %q", errb.String())
	}
}

// TestCheckReportsEveryProblemWithPosition: a bad file yields an error and
// each problem as file:line:col on stderr; no file is a usage error.
func TestCheckReportsEveryProblemWithPosition(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "edge.yaml")
	os.WriteFile(bad, []byte("origins:\n  a:\n    url: http://127.0.0.1:1\nbehaviors:\n  - path: \"*.m3u8\"\n    origin: b\ndefault_behavior:\n  origin: a\n  cache_policy: {min_ttl: 10, default_ttl: 5}\n"), 0o644)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"check", "-config", bad}, &out, &errb)
	if err == nil || out.Len() != 0 {
		t.Fatalf("err %v, stdout %q", err, out.String())
	}
	for _, want := range []string{bad + ":6:13: behaviors[0].origin: unknown origin \"b\"", bad + ":9:3: default_behavior.cache_policy: TTLs must satisfy"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if err := run(context.Background(), []string{"check"}, &out, &errb); !errors.Is(err, errUsage) {
		t.Errorf("check without -config: %v, want usage", err)
	}
}

// TestCheckExitStatus runs the real main: exit 0 for a valid file, 1 with
// the file:line:col error for an invalid one, 1 for a missing file.
func TestCheckExitStatus(t *testing.T) {
	if args := os.Getenv("STREAMEDGE_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"streamedge"}, strings.Split(args, " ")...)
		main()
		os.Exit(0)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("default_behavior:\n  origin: a\n  colour: blue\n"), 0o644)
	for _, tc := range []struct {
		config, stderr string
		code           int
	}{
		{"../../deploy/edge.yaml", "", 0},
		{bad, bad + ":3:3: default_behavior: unknown key \"colour\"", 1},
		{filepath.Join(t.TempDir(), "none.yaml"), "no such file", 1},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCheckExitStatus$")
		cmd.Env = append(os.Environ(), "STREAMEDGE_MAIN_ARGS=check -config "+tc.config)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("check %s: exit %d, stderr %q; want exit %d with %q", tc.config, code, stderr.String(), tc.code, tc.stderr)
		}
	}
}
