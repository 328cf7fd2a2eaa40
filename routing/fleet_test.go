package routing

import (
	"context"
	"testing"
	"time"

	"github.com/miekg/dns"

	fleetstate "github.com/streamedge/streamedge/fleet"
)

// joinFleet opens a fleet node on a real (embedded) NATS server: an edge
// of pop, or, with pop "", an observer as the router runs one.
func joinFleet(t *testing.T, url, id, pop string) *fleetstate.Node {
	t.Helper()
	n, err := fleetstate.Open(context.Background(), fleetstate.Config{URL: url, Self: fleetstate.Member{ID: id, POP: pop},
		Heartbeat: 100 * time.Millisecond, TTL: 600 * time.Millisecond, Timeout: time.Second, Observer: pop == ""})
	if err != nil {
		t.Fatalf("join %s: %v", id, err)
	}
	t.Cleanup(n.Close)
	return n
}

// TestFleetStateHealthFollowsTheMembership: the router's health from the
// fleet state (FleetHealth over an observer node, which is no member): fra
// keeps viewers while one of its two edges is live, and loses them to ams
// (failover) once its last edge has left the fleet, though its /readyz
// still answers; it has them again when an edge of fra joins.
func TestFleetStateHealthFollowsTheMembership(t *testing.T) {
	nats, err := fleetstate.StartEmbedded("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nats.Close)
	fra1, fra2 := joinFleet(t, nats.URL(), "fra-1", "fra"), joinFleet(t, nats.URL(), "fra-2", "fra")
	joinFleet(t, nats.URL(), "ams-1", "ams")
	joinFleet(t, nats.URL(), "iad-1", "iad")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	observer := joinFleet(t, nats.URL(), "router", "")
	h := NewFleetHealth(ctx, observer)
	if got := h.Members("fra"); got != 2 {
		t.Fatalf("fra has %d live members at start, want 2", got)
	}
	if n := len(fra1.Members()); n != 4 {
		t.Errorf("an edge sees %d members, want 4 (the observer is none)", n)
	}
	f := startFleet(t, h)
	if got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)); got != "192.0.2.1" {
		t.Fatalf("A %q, want fra", got)
	}
	fra1.Close()
	time.Sleep(200 * time.Millisecond)
	if got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)); got != "192.0.2.1" {
		t.Errorf("fra with one live edge: A %q, want fra", got)
	}
	fra2.Close()
	took := f.waitAnswer(t, "192.0.2.2", 2*time.Second)
	t.Logf("fra's viewers moved to ams %v after its last edge left", took)
	joinFleet(t, nats.URL(), "fra-3", "fra")
	f.waitAnswer(t, "192.0.2.1", 2*time.Second)
}
