package fleet

import (
	"context"
	"crypto/sha256"
	"net"
	"testing"
	"time"

	"github.com/streamedge/streamedge/invalidation"
)

// TestFreshNATSIsSetUpAgain: when NATS comes back without its state (a
// rebuilt cluster, a new store), the edges make the buckets and the stream
// again: members reappear, a new invalidation reaches every edge, and a
// configuration put in the new bucket (its revisions start at 1 again) is
// loaded.
func TestFreshNATSIsSetUpAgain(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ns, err := StartEmbedded(addr, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	load := func(uint64, []byte) error { return nil }
	ms := fleetOf(t, ns.URL(), 3, load)
	if _, err := ms[0].node.PutConfig(context.Background(), []byte("before: 1\n")); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		eventually(t, 2*time.Second, "three members", func() bool { return len(m.node.Members()) == 3 })
		eventually(t, 2*time.Second, "version 1", func() bool { return m.node.ConfigVersion() == 1 })
	}
	ns.Close()
	ns, err = StartEmbedded(addr, t.TempDir()) // nothing of the old state
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Close)
	time.Sleep(2 * testTTL)
	for _, m := range ms {
		eventually(t, 10*time.Second, "members reappear", func() bool { return len(m.node.Members()) == 3 })
	}
	v, err := ms[1].node.PutConfig(context.Background(), []byte("after: 1\n")) // revision 1 again, in the new bucket
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		eventually(t, 5*time.Second, "the new bucket's version is loaded", func() bool {
			m.node.conf.mu.Lock()
			defer m.node.conf.mu.Unlock()
			return m.node.conf.status.At.After(time.Now().Add(-5*time.Second)) && m.node.conf.triedSum == sha256.Sum256([]byte("after: 1\n")) && m.node.conf.version == v
		})
	}
	inv, _, err := ms[0].set.Create("after-fresh", []string{"/fresh/*"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ms[0].node.Created(inv)
	stored := time.Now().Add(-time.Minute)
	eventually(t, 10*time.Second, "applied everywhere and Completed", func() bool {
		return ms[1].set.Invalidated("/fresh/a.ts", stored) && ms[2].set.Invalidated("/fresh/a.ts", stored) &&
			ms[0].node.Status(context.Background(), inv) == invalidation.StatusCompleted
	})
}
