package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/fleet"
	"github.com/streamedge/streamedge/peering"
)

// startFleetPOP starts three edges of POP "p1" (the first runs the
// embedded NATS server) and one of POP "p2", all with -peer-fleet.
func startFleetPOP(t *testing.T, o *popOrigin) (pop []*running, other *running) {
	t.Helper()
	nats := freeAddr(t)
	common := []string{"-origin", o.srv.URL, "-peer-fleet"}
	pop = append(pop, startEdge(t, append(common, "-fleet-embedded", nats, "-fleet-pop", "p1", "-cdn-id", "edge-a")...))
	for _, id := range []string{"edge-b", "edge-c"} {
		pop = append(pop, startEdge(t, append(common, "-fleet", "nats://"+nats, "-fleet-pop", "p1", "-cdn-id", id)...))
	}
	other = startEdge(t, append(common, "-fleet", "nats://"+nats, "-fleet-pop", "p2", "-cdn-id", "edge-x")...)
	return pop, other
}

// peersUp waits until every edge's pool has want members up and none down.
func peersUp(t *testing.T, edges []*running, want int, in time.Duration) time.Duration {
	t.Helper()
	return within(t, in, fmt.Sprintf("%d peering members", want), func() bool {
		for _, e := range edges {
			m := scrape(t, e.admin)
			if metricValue(m, `streamedge_peer_members{state="up"}`) != want || metricValue(m, `streamedge_peer_members{state="down"}`) != 0 {
				return false
			}
		}
		return true
	})
}

// TestPOPMembersFromTheFleet: three real edges joined to one fleet (the
// first runs the embedded NATS server) with -peer-fleet and one edge of
// another POP. Each pool's members are the fleet's live members of its own
// POP, so a herd over the three costs the origin one request per key; a
// stopped member leaves the fleet and the pools (dropped, not only marked
// down) within the fleet TTL and two heartbeats, and its keys move: a herd on the two others
// costs the origin at most one more request per key, and new keys once.
func TestPOPMembersFromTheFleet(t *testing.T) {
	o := newPopOrigin(t)
	edges, other := startFleetPOP(t, o)
	peersUp(t, edges, 3, 5*time.Second)
	if m := scrape(t, other.admin); metricValue(m, `streamedge_peer_members{state="up"}`) != 1 {
		t.Errorf("the other POP's edge peers with %d members, want itself only", metricValue(m, `streamedge_peer_members{state="up"}`))
	}
	keys := segmentKeys(20)
	herd(t, edgeURLs(edges), 60, keys)
	for _, k := range keys {
		if n := o.count(k); n != 1 {
			t.Errorf("origin saw %s %d times, want 1", k, n)
		}
	}

	members, err := peering.ParseMembers(strings.Join(edgeURLs(edges), ","))
	if err != nil {
		t.Fatal(err)
	}
	var deadKeys []string
	for _, k := range keys {
		if peering.Owner(k, members) == members[2].ID {
			deadKeys = append(deadKeys, k)
		}
	}
	if err := edges[2].stop(); err != nil {
		t.Fatal(err)
	}
	// At once when its goodbye reaches NATS; when the goodbye is lost (its
	// 300 ms bound, on a loaded machine) the entry expires: TTL after its
	// last heartbeat, seen at the next heartbeat of the others.
	took := peersUp(t, edges[:2], 2, fleet.DefaultTTL+2*fleet.DefaultHeartbeat)
	t.Logf("the stopped member left both pools after %v (%d of its keys)", took, len(deadKeys))
	herd(t, edgeURLs(edges[:2]), 40, append(deadKeys, segmentKeys(30)[20:]...))
	for _, k := range deadKeys {
		if n := o.count(k); n > 2 {
			t.Errorf("origin saw the stopped member's %s %d times, want at most 2", k, n)
		}
	}
	for _, k := range segmentKeys(30)[20:] {
		if n := o.count(k); n != 1 {
			t.Errorf("origin saw new key %s %d times, want 1", k, n)
		}
	}
}

// TestPOPMembersFromTheFleetInTheConfigFile: three edges serving -config
// files with `peering: {fleet: true}` (one also naming its self, which it
// then advertises in the fleet) peer with the fleet's live members of their
// POP: a herd over the three costs the origin one request per key.
func TestPOPMembersFromTheFleetInTheConfigFile(t *testing.T) {
	o := newPopOrigin(t)
	nats := freeAddr(t)
	self := "http://" + freeAddr(t)
	file := func(extra string) string {
		path := filepath.Join(t.TempDir(), "edge.yaml")
		writeFile(t, path, fmt.Sprintf("origins:\n  packager: {url: %s}\ndefault_behavior: {origin: packager}\nfleet: {url: nats://%s, pop: p1}\npeering:\n  fleet: true\n%s",
			o.srv.URL, nats, extra))
		return path
	}
	edges := []*running{startEdge(t, "-config", file(""), "-fleet-embedded", nats, "-cdn-id", "edge-a"),
		startEdge(t, "-config", file(""), "-cdn-id", "edge-b"),
		startEdge(t, "-config", file("  self: "+self+"\n"), "-listen", strings.TrimPrefix(self, "http://"), "-cdn-id", "edge-c")}
	peersUp(t, edges, 3, 5*time.Second)
	keys := segmentKeys(20)
	herd(t, edgeURLs(edges), 60, keys)
	for _, k := range keys {
		if n := o.count(k); n != 1 {
			t.Errorf("origin saw %s %d times, want 1", k, n)
		}
	}
}

// TestFleetPeersKeptWhileNATSIsAway: -peer-fleet's member source follows
// the fleet (a second edge of the POP joins: it is a member) but a NATS
// outage, which empties the fleet's members after the TTL, leaves the
// pool's members as they were: not every key becomes this edge's.
func TestFleetPeersKeptWhileNATSIsAway(t *testing.T) {
	nats, err := fleet.StartEmbedded("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	join := func(id, edge string) *fleet.Node {
		n, err := fleet.Open(context.Background(), fleet.Config{URL: nats.URL(), Self: fleet.Member{ID: id, Edge: edge, POP: "p1"},
			Heartbeat: 100 * time.Millisecond, TTL: 600 * time.Millisecond, Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		return n
	}
	self := join("edge-a", "http://127.0.0.1:8080")
	var mu sync.Mutex
	var last []peering.Member
	f := &fleetPeers{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.Follow(ctx, func(ms []peering.Member) { mu.Lock(); last = ms; mu.Unlock() }) // before the fleet is joined: waits
	f.open(self, "p1", "edge-a")
	join("edge-b", "http://127.0.0.1:8081")
	peers := func() []peering.Member { mu.Lock(); defer mu.Unlock(); return last }
	within(t, 2*time.Second, "edge-b is a member", func() bool { return len(peers()) == 1 && peers()[0].ID == "127.0.0.1:8081" })
	nats.Close()
	within(t, 3*time.Second, "the fleet's members expire", func() bool { return len(self.Members()) == 0 })
	time.Sleep(time.Second) // failed heartbeats (each 200ms, then a notify) go on meanwhile
	if got := peers(); len(got) != 1 {
		t.Fatalf("pool members %v while NATS is away, want edge-b kept", got)
	}
}
