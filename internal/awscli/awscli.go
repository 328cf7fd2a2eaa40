// Package awscli runs Debian's aws CLI (package awscli, /usr/bin/aws) for the
// tests that check CloudFront compatibility against the real client: signed
// URLs made by `aws cloudfront sign` (package signedurl) and the invalidation
// API driven by `aws cloudfront create-invalidation` (package invalidation).
// It is test support only; nothing in the edge's request path imports it.
package awscli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// Bin is Debian's aws CLI. Another aws earlier on PATH (a pip install, CLI
// v1) is not used: the tests are about the packaged client.
const Bin = "/usr/bin/aws"

var installOnce sync.Once

// Ensure returns Bin, installing Debian's awscli with apt-get when it is
// missing and the test runs as root; otherwise the test is skipped with a
// message saying how to run it.
func Ensure(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(Bin); err == nil {
		return Bin
	}
	if os.Geteuid() != 0 {
		tb.Skipf("%s is missing and the test is not root: apt-get install awscli to run it", Bin)
	}
	var err error
	installOnce.Do(func() { err = install() })
	if _, statErr := os.Stat(Bin); statErr != nil {
		tb.Fatalf("installing awscli: %v", errors.Join(err, statErr))
	}
	return Bin
}

func install() error {
	apt := func(args ...string) error {
		cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=600", "-qq"}, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %v: %w: %s", args, err, out)
		}
		return nil
	}
	err := apt("install", "-y", "--no-install-recommends", "awscli")
	if err != nil {
		err = errors.Join(err, apt("update"), apt("install", "-y", "--no-install-recommends", "awscli"))
	}
	return err
}

// Run runs the CLI with args and the given extra environment (on top of a
// clean one: no pager, no instance metadata, no config files), bounded by
// timeout, and returns its standard output; a failure carries stderr.
func Run(tb testing.TB, timeout time.Duration, env []string, args ...string) ([]byte, error) {
	tb.Helper()
	bin := Ensure(tb)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	home := tb.TempDir()
	cmd.Env = append([]string{
		"PATH=/usr/bin:/bin", "HOME=" + home, "AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("aws %v: %w: %s", args, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}
