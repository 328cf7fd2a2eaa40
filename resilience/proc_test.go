package resilience

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// proc is one child process; its stdout and stderr are kept for failure
// messages.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{} // closed once the process has exited
	once sync.Once
}

// startProc starts bin and registers its kill in t.Cleanup.
func startProc(t testing.TB, name, bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p, nil
}

// kill sends SIGKILL and waits (bounded) for the exit; it is idempotent.
func (p *proc) kill() {
	p.once.Do(func() { _ = p.cmd.Process.Kill() })
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// output is the tail of what the process printed.
func (p *proc) output() string { return tail(p.out.Bytes(), 4000) }

// errBind means a process could not bind its port (taken meanwhile).
var errBind = errors.New("address in use")

// waitUp polls ready until it succeeds, the process exits or the deadline
// passes.
func (p *proc) waitUp(ready func() error, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		if p.exited() {
			if strings.Contains(p.out.String(), "address already in use") {
				return errBind
			}
			return fmt.Errorf("%s exited: %s", p.name, p.output())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not up after %v: %v\n%s", p.name, within, err, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback address that was free a moment ago (the
// caller retries if it is taken before the child binds it).
func freePort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 1<<20 { // keep memory bounded: the tail is what matters
		s.b.Reset()
	}
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func (s *syncBuffer) String() string { return string(s.Bytes()) }
