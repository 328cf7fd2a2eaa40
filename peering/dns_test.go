package peering

import (
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/dnstest"
)

func ids(ms []Member) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		out[m.ID] = true
	}
	return out
}

func waitFor(t *testing.T, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDNSMembershipFollowsTheRecords: a headless Service's A and AAAA
// records are the members (self always one); a new record joins at the next
// lookup, a removed one leaves, a failing lookup keeps the last set.
func TestDNSMembershipFollowsTheRecords(t *testing.T) {
	srv := dnstest.Start(t, "10.0.0.1", "10.0.0.2", "fd00::3")
	self, _ := ParseMember("http://10.0.0.1:8080")
	m, _ := NewMetrics(nil)
	p, err := NewPool(Config{Self: self, DNS: "edge-peers.pop1.svc.cluster.local", DNSPort: "8080",
		Resolver: srv.Resolver(), DNSInterval: 50 * time.Millisecond, ProbeInterval: time.Hour, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got := ids(p.Members())
	if len(got) != 3 || !got["10.0.0.1:8080"] || !got["10.0.0.2:8080"] || !got["[fd00::3]:8080"] {
		t.Fatalf("members after the first lookup: %v", got)
	}
	srv.Set("10.0.0.1", "10.0.0.4")
	waitFor(t, 2*time.Second, "10.0.0.4 joins and the others leave", func() bool {
		g := ids(p.Members())
		return len(g) == 2 && g["10.0.0.4:8080"]
	})
	srv.SetFail(true)
	time.Sleep(200 * time.Millisecond)
	if g := ids(p.Members()); len(g) != 2 || !g["10.0.0.4:8080"] {
		t.Fatalf("a failing lookup changed the members: %v", g)
	}
	srv.Set("10.0.0.2")
	srv.SetFail(false)
	waitFor(t, 2*time.Second, "self stays a member when DNS does not list it yet", func() bool {
		g := ids(p.Members())
		return len(g) == 2 && g["10.0.0.1:8080"] && g["10.0.0.2:8080"]
	})
}
