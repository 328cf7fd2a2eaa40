package main

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/streamedge/streamedge/edge"
)

// TestFastServerShutdownBeforeServe: a shutdown that comes before the
// fasthttp front end's Serve has started (a signal at once after start)
// still ends it: Serve returns at once and the port is closed, where
// fasthttp alone would accept on it for good.
func TestFastServerShutdownBeforeServe(t *testing.T) {
	s := fastServer{edge.NewFastServer(func(*fasthttp.RequestCtx) {}, edge.FastServerConfig{}), &listenerSet{}, edge.NewFastConns()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.serve(ln) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		_ = ln.Close()
		t.Fatal("serve still accepting 5 s after the shutdown")
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Fatal("the port still accepts connections after the shutdown")
	}
}
