package routing

import (
	"context"
	"net"
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

// TestFleetStateHealthKeepsItsViewWhileNATSIsAway: with the NATS server
// stopped the observer hears no one and its members empty after the TTL,
// but a NATS outage is no POP's failure: fra stays healthy; once the
// server is back (same store) the view follows the membership again.
func TestFleetStateHealthKeepsItsViewWhileNATSIsAway(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	nats, err := fleetstate.StartEmbedded(addr, dir)
	if err != nil {
		t.Fatal(err)
	}
	url := nats.URL()
	joinFleet(t, url, "fra-1", "fra")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	observer := joinFleet(t, url, "router", "")
	h := NewFleetHealth(ctx, observer)
	if !h.Healthy("fra") {
		t.Fatal("fra unhealthy at start")
	}
	nats.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(observer.Members()) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the observer still hears members with NATS down")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1200 * time.Millisecond) // a notify round of the observer (every second) after the expiry
	if !h.Healthy("fra") {
		t.Fatal("fra unhealthy while NATS is away")
	}
	if nats, err = fleetstate.StartEmbedded(addr, dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nats.Close)
	joinFleet(t, url, "ams-1", "ams")
	for deadline = time.Now().Add(10 * time.Second); !h.Healthy("ams"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("ams not seen after NATS came back")
		}
	}
}
