package peering

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer is a real DNS server on loopback UDP answering A and AAAA
// queries for one name from a record set the test changes.
type dnsServer struct {
	conn net.PacketConn
	mu   sync.Mutex
	a    []netip.Addr
	fail bool // answer SERVFAIL
}

func startDNS(t *testing.T, addrs ...string) *dnsServer {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{conn: conn}
	s.set(addrs...)
	done := make(chan struct{})
	go s.serve(done)
	t.Cleanup(func() { conn.Close(); <-done })
	return s
}

func (s *dnsServer) set(addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.a = nil
	for _, a := range addrs {
		s.a = append(s.a, netip.MustParseAddr(a))
	}
}

func (s *dnsServer) setFail(fail bool) { s.mu.Lock(); s.fail = fail; s.mu.Unlock() }

func (s *dnsServer) serve(done chan struct{}) {
	defer close(done)
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if m.Unpack(buf[:n]) != nil || len(m.Questions) != 1 {
			continue
		}
		r := s.answer(m)
		if out, err := r.Pack(); err == nil {
			_, _ = s.conn.WriteTo(out, from)
		}
	}
}

func (s *dnsServer) answer(q dnsmessage.Message) dnsmessage.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	qq := q.Questions[0]
	r := dnsmessage.Message{Header: dnsmessage.Header{ID: q.ID, Response: true, Authoritative: true}, Questions: q.Questions}
	if s.fail {
		r.RCode = dnsmessage.RCodeServerFailure
		return r
	}
	h := dnsmessage.ResourceHeader{Name: qq.Name, Class: dnsmessage.ClassINET, TTL: 1}
	for _, a := range s.a {
		switch {
		case qq.Type == dnsmessage.TypeA && a.Is4():
			h.Type = dnsmessage.TypeA
			r.Answers = append(r.Answers, dnsmessage.Resource{Header: h, Body: &dnsmessage.AResource{A: a.As4()}})
		case qq.Type == dnsmessage.TypeAAAA && a.Is6():
			h.Type = dnsmessage.TypeAAAA
			r.Answers = append(r.Answers, dnsmessage.Resource{Header: h, Body: &dnsmessage.AAAAResource{AAAA: a.As16()}})
		}
	}
	return r
}

// resolver is a net.Resolver that asks only this server.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.conn.LocalAddr().String())
	}}
}

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
	srv := startDNS(t, "10.0.0.1", "10.0.0.2", "fd00::3")
	self, _ := ParseMember("http://10.0.0.1:8080")
	m, _ := NewMetrics(nil)
	p, err := NewPool(Config{Self: self, DNS: "edge-peers.pop1.svc.cluster.local", DNSPort: "8080",
		Resolver: srv.resolver(), DNSInterval: 50 * time.Millisecond, ProbeInterval: time.Hour, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	got := ids(p.Members())
	if len(got) != 3 || !got["10.0.0.1:8080"] || !got["10.0.0.2:8080"] || !got["[fd00::3]:8080"] {
		t.Fatalf("members after the first lookup: %v", got)
	}
	srv.set("10.0.0.1", "10.0.0.4")
	waitFor(t, 2*time.Second, "10.0.0.4 joins and the others leave", func() bool {
		g := ids(p.Members())
		return len(g) == 2 && g["10.0.0.4:8080"]
	})
	srv.setFail(true)
	time.Sleep(200 * time.Millisecond)
	if g := ids(p.Members()); len(g) != 2 || !g["10.0.0.4:8080"] {
		t.Fatalf("a failing lookup changed the members: %v", g)
	}
	srv.set("10.0.0.2")
	srv.setFail(false)
	waitFor(t, 2*time.Second, "self stays a member when DNS does not list it yet", func() bool {
		g := ids(p.Members())
		return len(g) == 2 && g["10.0.0.1:8080"] && g["10.0.0.2:8080"]
	})
}
