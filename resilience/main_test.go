package resilience

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Paths of the binaries TestMain builds.
var (
	edgeBin   string
	playerBin string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "streamedge-resilience-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "resilience:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	edgeBin, playerBin = filepath.Join(dir, "streamedge"), filepath.Join(dir, "player-test")
	if err := buildBinaries(); err != nil {
		fmt.Fprintln(os.Stderr, "resilience:", err)
		return 1
	}
	return m.Run()
}

// buildBinaries builds both binaries from the module root (no -race: the
// processes under test are the release build).
func buildBinaries() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	for _, b := range []struct{ out, pkg string }{{edgeBin, "./cmd/streamedge"}, {playerBin, "./player-test"}} {
		cmd := exec.CommandContext(ctx, goTool(), "build", "-o", b.out, b.pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return nil
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod), nil
}

// goTool is the go command: on PATH, else under $GOROOT.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

// tail returns the last n bytes of b, for failure messages.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(bytes.TrimSpace(b))
}
