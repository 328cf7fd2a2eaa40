package fleet

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

// TestNATSLossQueuesInvalidationsUntilItIsBack: with the NATS server down,
// an invalidation created on an edge takes effect there at once, is
// InProgress (queued, counted as a failed publish), and once the server is
// back (same store) the queue publishes it, every edge applies it and it
// is Completed; membership heartbeats and watches resume.
func TestNATSLossQueuesInvalidationsUntilItIsBack(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ns, err := StartEmbedded(addr, dir)
	if err != nil {
		t.Fatal(err)
	}
	ms := fleetOf(t, ns.URL(), 3, nil)
	for _, m := range ms {
		eventually(t, 2*time.Second, "three members", func() bool { return len(m.node.Members()) == 3 })
	}
	t0 := time.Now()
	ns.Close()
	t.Logf("server stopped in %v", time.Since(t0))
	stored := time.Now().Add(-time.Minute)
	inv, _, err := ms[0].set.Create("during-loss", []string{"/lost/*"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ms[0].node.Created(inv)
	if !ms[0].set.Invalidated("/lost/a.ts", stored) {
		t.Fatal("not effective on the creating edge while NATS is down")
	}
	if s := ms[0].node.Status(context.Background(), inv); s != invalidation.StatusInProgress {
		t.Fatalf("while NATS is down: %s, want InProgress", s)
	}
	time.Sleep(300 * time.Millisecond)
	t0 = time.Now()
	ns, err = StartEmbedded(addr, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("server back in %v", time.Since(t0))
	t.Cleanup(ns.Close)
	took := eventually(t, 15*time.Second, "applied everywhere and Completed after NATS is back", func() bool {
		return ms[1].set.Invalidated("/lost/a.ts", stored) && ms[2].set.Invalidated("/lost/a.ts", stored) &&
			ms[0].node.Status(context.Background(), inv) == invalidation.StatusCompleted
	})
	t.Logf("Completed %v after NATS came back", took)
	time.Sleep(2 * testTTL) // what was seen before the loss has expired: only a resumed watch shows members
	for _, m := range ms {
		eventually(t, 5*time.Second, "heartbeats and the member watch resume", func() bool { return len(m.node.Members()) == 3 })
	}
}

// TestCloseEndsEveryGoroutine: after Close, the goroutines a Node started
// (heartbeat, watchers, consumer, retry loop, the client's own) are gone.
func TestCloseEndsEveryGoroutine(t *testing.T) {
	ns := startNATS(t)
	before := clientGoroutines()
	for range 3 {
		set := invalidation.NewSet(invalidation.Limits{}, nil)
		n, err := Open(context.Background(), Config{URL: ns.URL(), Self: Member{ID: "short-lived"}, Heartbeat: testHB, TTL: testTTL,
			Invalidations: set, Reload: func(uint64, []byte) error { return nil }})
		if err != nil {
			t.Fatal(err)
		}
		n.Close()
	}
	eventually(t, 3*time.Second, "goroutines back to their number before", func() bool { return clientGoroutines() <= before })
}

// clientGoroutines counts the goroutines outside the nats-server (whose
// streams and consumers outlive a client by design).
func clientGoroutines() int {
	buf := make([]byte, 1<<22)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if !strings.Contains(g, "nats-server/v2/server") {
			n++
		}
	}
	return n
}

// TestCloseWhileNATSIsDownIsQuick: an edge shutting down while NATS is
// unreachable does not wait out NATS timeouts, and its goroutines end.
func TestCloseWhileNATSIsDownIsQuick(t *testing.T) {
	ns, err := StartEmbedded("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	before := clientGoroutines()
	set := invalidation.NewSet(invalidation.Limits{}, nil)
	n, err := Open(context.Background(), Config{URL: ns.URL(), Self: Member{ID: "closing"}, Heartbeat: testHB, TTL: testTTL,
		Invalidations: set, Reload: func(uint64, []byte) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	ns.Close()
	start := time.Now()
	n.Close()
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Close with NATS down took %v", took)
	}
	eventually(t, 3*time.Second, "goroutines ended", func() bool { return clientGoroutines() <= before })
}
