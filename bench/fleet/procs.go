package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// proc is one fleet process (the origin, the shield, an edge) running in
// its node's namespace, its output in LOGDIR/NAME.log.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been waited for
}

// startProc runs argv in namespace ns through `ip netns exec` (which execs
// argv in place, so the pid is argv's). The child is in its own process
// group (a terminal's Ctrl-C reaches the harness, which stops it) and gets
// SIGKILL if the harness dies.
func startProc(ns, logDir, name string, argv ...string) (*proc, error) {
	log, err := os.Create(filepath.Join(logDir, name+".log"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c := exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	c.Stdout, c.Stderr = log, log
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := c.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &proc{name: name, cmd: c, done: make(chan struct{})}
	go func() {
		_ = c.Wait()
		log.Close()
		close(p.done)
	}()
	return p, nil
}

// kill sends SIGKILL (a crash: no drain, connections reset) and waits.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM, then SIGKILL after 5 s.
func (p *proc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.kill()
	}
}

// waitListening polls addr until it accepts a TCP connection (no HTTP
// request, so no origin request is made), the process exits or ctx ends.
func waitListening(ctx context.Context, p *proc, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before listening on %s (see its log)", p.name, addr)
		case <-ctx.Done():
			return fmt.Errorf("%s: not listening on %s: %w", p.name, addr, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
