package fleet

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestObserverWatchesWithoutJoining: an observer (the router's view) is
// no member, takes the edges' TTL from the bucket (its own Config.TTL is
// the default, 3s), sees the members there are when Open returns, and
// tells a crashed member gone within that TTL (no delete ever comes); its
// Close withdraws no one.
func TestObserverWatchesWithoutJoining(t *testing.T) {
	e := startNATS(t)
	ms := fleetOf(t, e.URL(), 3, nil)
	obs, err := Open(context.Background(), Config{URL: e.URL(), Self: Member{ID: "router"}, Observer: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(obs.Members()); !slices.Equal(got, ids(ms[0].node.Members())) || len(got) != 3 {
		t.Fatalf("observer sees %v at Open, want the 3 edges", got)
	}
	if obs.cfg.TTL != testTTL {
		t.Errorf("observer TTL %v, want the bucket's %v", obs.cfg.TTL, testTTL)
	}
	changes := make(chan []Member, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	obs.Watch(ctx, func(ms []Member) {
		select {
		case changes <- ms:
		default:
		}
	})
	kill(ms[2].node)
	start := time.Now()
	select {
	case got := <-changes:
		if len(got) != 2 {
			t.Errorf("after the crash the observer sees %v", ids(got))
		}
	case <-time.After(testTTL + DefaultHeartbeat + 500*time.Millisecond):
		t.Fatal("the crashed member was never dropped")
	}
	t.Logf("crashed member dropped after %v", time.Since(start))
	obs.Close()
	time.Sleep(2 * testHB)
	if n := len(ms[0].node.Members()); n != 2 {
		t.Errorf("after the observer closed an edge sees %d members, want 2", n)
	}
}
