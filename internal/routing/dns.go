package routing

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// ServeDNS answers A and AAAA queries for the service name with the picked
// POP's addresses (authoritative, TTL from the config). Other types of the
// name get an empty answer (NODATA); other names are REFUSED.
func (r *Router) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	if q.Opcode != dns.OpcodeQuery || len(q.Question) != 1 {
		r.m.refused.WithLabelValues("bad_query").Inc()
		m.Rcode = dns.RcodeRefused
		r.write(w, q, m)
		return
	}
	qs := q.Question[0]
	if !strings.EqualFold(qs.Name, r.cfg.Name) || qs.Qclass != dns.ClassINET {
		r.m.refused.WithLabelValues("other_name").Inc()
		m.Authoritative = false
		m.Rcode = dns.RcodeRefused
		r.write(w, q, m)
		return
	}
	client, _ := clientOf(w, q)
	var n need
	switch qs.Qtype {
	case dns.TypeA:
		n = needA
	case dns.TypeAAAA:
		n = needAAAA
	default:
		r.write(w, q, m) // NODATA
		return
	}
	d := r.pick(client, n)
	if d == nil {
		r.m.refused.WithLabelValues("no_address").Inc()
		r.write(w, q, m) // no POP has this family: NODATA
		return
	}
	r.decided(d, "dns")
	hdr := dns.RR_Header{Name: qs.Name, Class: dns.ClassINET, Ttl: uint32(r.cfg.TTL / time.Second)}
	if n == needA {
		hdr.Rrtype = dns.TypeA
		for _, a := range d.POP.A {
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: a.AsSlice()})
		}
	} else {
		hdr.Rrtype = dns.TypeAAAA
		for _, a := range d.POP.AAAA {
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: a.AsSlice()})
		}
	}
	r.write(w, q, m)
}

// clientOf is the EDNS Client Subnet's address when the query has one, else
// the query's source; the ECS option is returned to be echoed.
func clientOf(w dns.ResponseWriter, q *dns.Msg) (netip.Addr, *dns.EDNS0_SUBNET) {
	if opt := q.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if s, ok := o.(*dns.EDNS0_SUBNET); ok {
				if a, ok := netip.AddrFromSlice(s.Address); ok {
					echo := *s
					return a.Unmap(), &echo
				}
			}
		}
	}
	var a netip.Addr
	switch ra := w.RemoteAddr().(type) {
	case *net.UDPAddr:
		a = ra.AddrPort().Addr()
	case *net.TCPAddr:
		a = ra.AddrPort().Addr()
	}
	return a.Unmap(), nil
}

// write adds the EDNS OPT when the query had one, with its ECS option
// echoed, and truncates to what the client accepts over UDP. The ECS scope
// is the query's source prefix length: the answer holds for exactly the
// subnet the resolver sent, never a wider one (a region's subnet may hold a
// more specific region's).
func (r *Router) write(w dns.ResponseWriter, q *dns.Msg, m *dns.Msg) {
	size := dns.MinMsgSize
	if opt := q.IsEdns0(); opt != nil {
		size = max(int(opt.UDPSize()), dns.MinMsgSize)
		m.SetEdns0(uint16(min(size, 1232)), false)
		if _, ecs := clientOf(w, q); ecs != nil {
			ecs.SourceScope = ecs.SourceNetmask
			m.IsEdns0().Option = append(m.IsEdns0().Option, ecs)
		}
	}
	if _, tcp := w.RemoteAddr().(*net.TCPAddr); tcp {
		size = dns.MaxMsgSize
	}
	m.Truncate(size)
	_ = w.WriteMsg(m)
}

// DNSServer serves the router's DNS on a UDP and a TCP listener.
type DNSServer struct {
	udp, tcp *dns.Server
	errc     chan error
	once     sync.Once
	err      error
}

// ListenDNS listens on addr (UDP and TCP, the same port) and serves r.
func (r *Router) ListenDNS(addr string) (*DNSServer, error) {
	pc, ln, err := listenBoth(addr)
	if err != nil {
		return nil, err
	}
	s := &DNSServer{errc: make(chan error, 2),
		udp: &dns.Server{PacketConn: pc, Handler: r, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second},
		tcp: &dns.Server{Listener: ln, Handler: r, ReadTimeout: 2 * time.Second, WriteTimeout: 2 * time.Second,
			IdleTimeout: func() time.Duration { return 5 * time.Second }, MaxTCPQueries: 128},
	}
	// Shutdown before a server has started fails ("server not started")
	// and leaves it serving for good: return only once both have.
	started := make(chan struct{}, 2)
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		srv.NotifyStartedFunc = func() { started <- struct{}{} }
		go func() { s.errc <- srv.ActivateAndServe() }()
	}
	for range 2 {
		select {
		case <-started:
		case err := <-s.errc:
			pc.Close()
			ln.Close()
			return nil, fmt.Errorf("dns: serve %s: %w", addr, err)
		}
	}
	return s, nil
}

// Addr is the UDP (and TCP) address served.
func (s *DNSServer) Addr() string { return s.udp.PacketConn.LocalAddr().String() }

// listenBoth listens on UDP and TCP on one port; for port 0 it retries a
// few ports when the UDP port's TCP twin is taken.
func listenBoth(addr string) (net.PacketConn, net.Listener, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, err
	}
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if port != "0" || try == 10 {
			return nil, nil, err
		}
	}
}

// Shutdown stops both servers and waits for their goroutines; later calls
// return the first's result.
func (s *DNSServer) Shutdown(ctx context.Context) error {
	s.once.Do(func() {
		s.err = errors.Join(s.udp.ShutdownContext(ctx), s.tcp.ShutdownContext(ctx))
		for range 2 {
			if e := <-s.errc; e != nil {
				s.err = errors.Join(s.err, e)
			}
		}
	})
	return s.err
}
