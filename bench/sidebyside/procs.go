package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a child started in its own process group, so stopping it stops
// whatever it started too.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(name, logPath string, argv ...string) (*proc, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	recordChild(logPath, cmd.Process.Pid)
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// recordChild appends pid to <work>/children for run.sh's cleanup trap,
// which stops leftovers if this program is killed.
func recordChild(logPath string, pid int) {
	f, err := os.OpenFile(filepath.Join(filepath.Dir(logPath), "children"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, pid)
}

// stop sends SIGTERM to the process group, then SIGKILL after 5 s.
func (p *proc) stop() {
	if p == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// command runs a bounded child (wrk, herd, player-test) whose process group
// is killed if ctx ends first.
func command(ctx context.Context, argv ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// waitHTTP polls url until it gets any HTTP answer (bounded by timeout).
func waitHTTP(ctx context.Context, client *http.Client, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer within %v: %w", url, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// startOrigin runs the test origin with extra flags (latency, max-age).
func startOrigin(ctx context.Context, cfg config, tag string, flags ...string) (*proc, error) {
	addr := fmt.Sprintf("127.0.0.1:%d", cfg.originPort())
	argv := append([]string{filepath.Join(cfg.Bin, "player-test"), "origin", "-listen", addr}, flags...)
	p, err := startProc("origin", filepath.Join(cfg.Work, "origin-"+tag+".log"), argv...)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, httpClient, "http://"+addr+"/_stats", 15*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("origin: %w", err)
	}
	return p, nil
}

// running is a started cache: how to stop it and which processes it is
// (for RSS).
type running struct {
	stop func()
	pids func() []int
}

// startPeer starts one cache in front of the origin (cold); extra flags go
// to streamedge only.
func startPeer(ctx context.Context, cfg config, name, tag string, extra ...string) (*running, error) {
	port, origin := strconv.Itoa(cfg.peerPort()), fmt.Sprintf("127.0.0.1:%d", cfg.originPort())
	if name == "streamedge" {
		argv := append([]string{filepath.Join(cfg.Bin, "streamedge"), "serve", "-origin", "http://" + origin,
			"-listen", "127.0.0.1:" + port, "-admin", fmt.Sprintf("127.0.0.1:%d", cfg.adminPort()),
			"-cache-size", fmt.Sprintf("%dMiB", cfg.CacheMB),
			"-access-log", "off", "-log-level", "warn", "-drain-timeout", "2s"}, extra...)
		p, err := startProc(name, filepath.Join(cfg.Work, "streamedge-"+tag+".log"), argv...)
		if err != nil {
			return nil, err
		}
		if err := waitHTTP(ctx, httpClient, "http://127.0.0.1:"+port+"/", 30*time.Second); err != nil {
			p.stop()
			return nil, fmt.Errorf("streamedge: %w", err)
		}
		return &running{stop: p.stop, pids: func() []int { return []int{p.cmd.Process.Pid} }}, nil
	}
	dir := filepath.Join(cfg.Work, name)
	cmd := command(ctx, filepath.Join(cfg.PeersDir, "start"), name, port, origin, dir)
	cmd.Env = append(os.Environ(), fmt.Sprintf("CACHE_MB=%d", cfg.CacheMB))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if _, err := cmd.Output(); err != nil {
		return nil, fmt.Errorf("start %s: %w: %s", name, err, tail(stderr.String(), 600))
	}
	return &running{
		stop: func() {
			out, err := exec.Command(filepath.Join(cfg.PeersDir, "stop"), dir).CombinedOutput()
			if err != nil {
				logf("stop %s: %v: %s", name, err, out)
			}
		},
		pids: func() []int { return groupPIDs(filepath.Join(dir, "peer.pid")) },
	}, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// errString is "" for nil, so JSON shows only real failures.
func errString(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	return err.Error()
}
