package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// echoServer echoes each connection's bytes back until the client closes.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// TestDelayLinkRoundTripCostsTwiceTheDelay: a line sent through the proxy
// comes back no sooner than 2×D, in order, and the link's goroutines end
// when the client closes.
func TestDelayLinkRoundTripCostsTwiceTheDelay(t *testing.T) {
	const d = 40 * time.Millisecond
	l, err := startDelay("test", "", "127.0.0.1:0", echoServer(t), d)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", l.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	for _, line := range []string{"one\n", "two\n", "three\n"} {
		start := time.Now()
		if _, err := io.WriteString(c, line); err != nil {
			t.Fatal(err)
		}
		got, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if rtt := time.Since(start); got != line || rtt < 2*d || rtt > 2*d+500*time.Millisecond {
			t.Errorf("echo of %q: %q after %v; want it after about %v", line, got, rtt, 2*d)
		}
	}
	c.Close()
	l.close()
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("the link's goroutines did not end after the client closed")
	}
}

// TestDelayLinkResetsWhenTargetIsDead: with nothing listening at the
// target, the accepted connection is reset (the edge fails over at once).
func TestDelayLinkResetsWhenTargetIsDead(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	l, err := startDelay("test", "", "127.0.0.1:0", dead, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	c, err := net.Dial("tcp", l.ln.Addr().String())
	if err != nil { // on loopback the reset can beat the dial's return
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("dial: %v, want success or connection reset", err)
		}
		return
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = c.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read from a link to a dead target: %v, want connection reset", err)
	}
}
