package peering

import (
	"context"
	"net"
	"net/url"
	"sort"
)

// resolve sets the members to the DNS name's addresses (at DNSPort, with
// Self's scheme). A failed or empty lookup keeps the members there are: a
// DNS blip must not make every key this edge's.
func (p *Pool) resolve(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.DNSInterval)
	defer cancel()
	addrs, err := p.cfg.Resolver.LookupIPAddr(ctx, p.cfg.DNS)
	if err != nil || len(addrs) == 0 {
		p.cfg.Metrics.dns(false)
		return
	}
	ms := membersOf(addrs, p.cfg.DNSPort, p.cfg.Self.URL.Scheme)
	if err := p.setMembers(ms); err != nil {
		p.cfg.Metrics.dns(false)
		return
	}
	p.cfg.Metrics.dns(true)
}

// membersOf makes one member per distinct address, sorted, at most
// MaxMembers.
func membersOf(addrs []net.IPAddr, port, scheme string) []Member {
	seen := map[string]bool{}
	var out []Member
	for _, a := range addrs {
		id := net.JoinHostPort(a.IP.String(), port)
		if a.IP == nil || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, Member{ID: id, URL: &url.URL{Scheme: scheme, Host: id}})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > MaxMembers {
		out = out[:MaxMembers]
	}
	return out
}
