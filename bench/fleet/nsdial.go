package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// setns moves the calling OS thread into the network namespace of file f.
func setns(f *os.File) error {
	if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("setns %s: %w", f.Name(), err)
	}
	return nil
}

// dialIn dials from inside network namespace ns: a goroutine locked to its
// OS thread enters ns, creates the socket (which stays in ns) and goes back.
// A thread that cannot go back stays locked and ends with its goroutine.
// It reaches a node's loopback-only admin listener without starting a
// process in the node (`ip netns exec` costs hundreds of ms on a loaded
// machine, which the invalidation timing would include).
func dialIn(ns string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		type dialed struct {
			c   net.Conn
			err error
		}
		ch := make(chan dialed, 1)
		go func() {
			runtime.LockOSThread()
			c, back, err := dialFromNS(ctx, ns, network, addr)
			if back {
				runtime.UnlockOSThread()
			}
			ch <- dialed{c, err}
		}()
		d := <-ch
		return d.c, d.err
	}
}

// dialFromNS runs on a locked thread; back reports whether the thread is in
// its own namespace again.
func dialFromNS(ctx context.Context, ns, network, addr string) (net.Conn, bool, error) {
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
	c, err := (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, addr)
	if setns(self) != nil {
		if c != nil {
			c.Close()
		}
		return nil, false, fmt.Errorf("could not leave namespace %s", ns)
	}
	return c, true, err
}

// adminClient reaches node n's admin listener (127.0.0.1 in its namespace).
func adminClient(n node) *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: dialIn(n.ns()), DisableKeepAlives: true}}
}
