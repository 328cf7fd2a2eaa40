package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"time"
)

// Userspace link latency, for kernels without sch_netem: a delayLink is a
// TCP proxy for one tier link A→B, listening inside B's namespace on its own
// port and forwarding to B's real listener. Every chunk read in either
// direction is written D after it was read (one queue per direction, in
// order), so a round trip through it costs 2×D. A refused dial to B (B is
// dead) resets the accepted connection, so A still fails over at once.
type delayLink struct {
	name   string
	listen string // B.IP:proxy port, in B's namespace
	target string // B.IP:real port
	d      time.Duration
	ln     net.Listener
	wg     sync.WaitGroup
}

const (
	delayChunk = 32 << 10 // bytes per read
	delayQueue = 64       // chunks queued per direction: at most 2 MiB in flight
)

// startDelay listens on addr inside namespace ns and forwards each
// accepted connection to target with one-way delay d.
func startDelay(name, ns, addr, target string, d time.Duration) (*delayLink, error) {
	ln, err := listenIn(ns, addr)
	if err != nil {
		return nil, fmt.Errorf("delay link %s: %w", name, err)
	}
	l := &delayLink{name: name, listen: addr, target: target, d: d, ln: ln}
	l.wg.Add(1)
	go l.serve()
	return l, nil
}

func (l *delayLink) serve() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.relay(c.(*net.TCPConn))
		}()
	}
}

// close stops accepting; open connections end when their peers close them.
func (l *delayLink) close() { l.ln.Close() }

// relay connects c to the target and pipes both directions with the delay.
func (l *delayLink) relay(c *net.TCPConn) {
	u, err := net.DialTimeout("tcp", l.target, 2*time.Second)
	if err != nil {
		_ = c.SetLinger(0) // RST: the client sees the dead node at once
		c.Close()
		return
	}
	up := u.(*net.TCPConn)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); pipeDelayed(up, c, l.d) }()
	go func() { defer wg.Done(); pipeDelayed(c, up, l.d) }()
	wg.Wait()
	c.Close()
	up.Close()
}

type chunk struct {
	b  []byte
	at time.Time
}

// pipeDelayed copies src to dst, each chunk D after it was read. At src's
// end the queue is drained and dst's write side closed; a failed write
// closes both connections (ending the reader) and drops the rest.
func pipeDelayed(dst, src *net.TCPConn, d time.Duration) {
	q := make(chan chunk, delayQueue)
	go func() {
		defer close(q)
		for {
			b := make([]byte, delayChunk)
			n, err := src.Read(b)
			if n > 0 {
				q <- chunk{b[:n], time.Now()}
			}
			if err != nil {
				return
			}
		}
	}()
	failed := false
	for ch := range q {
		if failed {
			continue
		}
		time.Sleep(time.Until(ch.at.Add(d)))
		if _, err := dst.Write(ch.b); err != nil {
			failed = true
			src.Close()
			dst.Close()
		}
	}
	if !failed {
		_ = dst.CloseWrite()
	}
}

// listenIn listens on addr from inside namespace ns: a thread locked to its
// goroutine enters ns, creates the socket (which stays there) and goes back.
// ns "" is the caller's own namespace.
func listenIn(ns, addr string) (net.Listener, error) {
	if ns == "" {
		return net.Listen("tcp", addr)
	}
	type res struct {
		ln  net.Listener
		err error
	}
	ch := make(chan res, 1)
	go func() {
		runtime.LockOSThread()
		ln, back, err := listenFromNS(ns, addr)
		if back {
			runtime.UnlockOSThread()
		}
		ch <- res{ln, err}
	}()
	r := <-ch
	return r.ln, r.err
}

func listenFromNS(ns, addr string) (net.Listener, bool, error) {
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, true, err
	}
	defer self.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		return nil, true, err
	}
	defer target.Close()
	if err := setns(target); err != nil {
		return nil, true, err
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if setns(self) != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, false, fmt.Errorf("could not leave namespace %s", ns)
	}
	return ln, true, err
}
