// Package dnstest runs a real DNS server on loopback UDP for tests: it
// answers A and AAAA queries for any name from a record set the test
// changes (golang.org/x/net/dns/dnsmessage), and Resolver is a
// net.Resolver asking only it. It is test support for peering's DNS
// membership (a Kubernetes headless Service); nothing in the request path
// imports it.
package dnstest

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Server is a DNS server on 127.0.0.1, stopped at the test's end.
type Server struct {
	conn net.PacketConn
	mu   sync.Mutex
	a    []netip.Addr
	fail bool // answer SERVFAIL
}

// Start serves addrs (IPv4 and IPv6 literals) for every name.
func Start(t testing.TB, addrs ...string) *Server {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{conn: conn}
	s.Set(addrs...)
	done := make(chan struct{})
	go s.serve(done)
	t.Cleanup(func() { conn.Close(); <-done })
	return s
}

// Set replaces the records.
func (s *Server) Set(addrs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.a = nil
	for _, a := range addrs {
		s.a = append(s.a, netip.MustParseAddr(a))
	}
}

// SetFail makes every answer SERVFAIL (true) or the records again.
func (s *Server) SetFail(fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

// Resolver is a net.Resolver that asks only this server.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.conn.LocalAddr().String())
	}}
}

func (s *Server) serve(done chan struct{}) {
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

func (s *Server) answer(q dnsmessage.Message) dnsmessage.Message {
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
