package peering

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/streamedge/streamedge/origin"
)

// Defaults of a Pool.
const (
	DefaultProbeInterval = 500 * time.Millisecond
	DefaultProbeTimeout  = 250 * time.Millisecond
	DefaultDNSInterval   = 5 * time.Second
	DefaultDialTimeout   = 250 * time.Millisecond // a peer fill's connect: a LAN peer answers fast or is down
)

// Config describes a POP's membership.
type Config struct {
	Self    Member   // this edge, as the others name it; always a member
	Members []Member // a static list (may include Self)
	// DNS, when set, is a name whose A/AAAA records are the members (a
	// Kubernetes headless Service), each at DNSPort with Self's scheme;
	// Members are then ignored.
	DNS, DNSPort  string
	Resolver      Resolver      // default net.DefaultResolver
	DNSInterval   time.Duration // default DefaultDNSInterval
	ProbeInterval time.Duration // default DefaultProbeInterval
	ProbeTimeout  time.Duration // default DefaultProbeTimeout
	// Peer is the connection config of peer fills (its URL, CDNID and
	// AddHeaders are set per member); DialTimeout defaults to
	// DefaultDialTimeout, the rest to package origin's defaults.
	Peer    origin.Config
	Hot     Hot
	Metrics *Metrics // may be nil
}

// Resolver looks a name up (*net.Resolver is one).
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Pool is the POP as one edge sees it: its members, which are up, and one
// HTTP client per peer. Its goroutines (probes, DNS) run until Close.
type Pool struct {
	cfg    Config
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	members []Member
	down    map[string]bool           // by ID; self is never down
	clients map[string]*origin.Client // by ID, for members but self
}

// NewPool checks cfg and starts probing (and resolving) until Close.
func NewPool(cfg Config) (*Pool, error) {
	if cfg.Self.ID == "" || cfg.Self.URL == nil {
		return nil, errors.New("peering: self is required")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.DNSInterval, DefaultDNSInterval)
	def(&cfg.ProbeInterval, DefaultProbeInterval)
	def(&cfg.ProbeTimeout, DefaultProbeTimeout)
	def(&cfg.Peer.DialTimeout, DefaultDialTimeout)
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if len(cfg.Members) > MaxMembers {
		return nil, fmt.Errorf("%w: %d members, at most %d", ErrMember, len(cfg.Members), MaxMembers)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{cfg: cfg, cancel: cancel, down: map[string]bool{}, clients: map[string]*origin.Client{}}
	if err := p.setMembers(cfg.Members); err != nil {
		cancel()
		return nil, err
	}
	if cfg.DNS != "" {
		p.resolve(ctx) // the first set before the first fill
		p.every(ctx, cfg.DNSInterval, p.resolve)
	}
	p.every(ctx, cfg.ProbeInterval, p.probe)
	return p, nil
}

// Close stops the goroutines and drops idle peer connections.
func (p *Pool) Close() {
	p.cancel()
	p.wg.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		c.Close()
	}
}

// Self is this edge.
func (p *Pool) Self() Member { return p.cfg.Self }

// Members is the current member list, self included.
func (p *Pool) Members() []Member {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Member(nil), p.members...)
}

// Up reports whether a member is taken for its keys.
func (p *Pool) Up(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.down[id]
}

func (p *Pool) every(ctx context.Context, d time.Duration, fn func(context.Context)) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fn(ctx)
			}
		}
	}()
}

// setMembers replaces the member list (self always in it, by its own
// URL); a member that stays keeps its state and client.
func (p *Pool) setMembers(ms []Member) error {
	self := p.cfg.Self
	list := []Member{self}
	clients := map[string]*origin.Client{}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range ms {
		if m.ID == self.ID {
			list[0].Weight = m.Weight
			continue
		}
		c := p.clients[m.ID]
		if c == nil {
			var err error
			if c, err = p.newClient(m); err != nil {
				return err
			}
		}
		clients[m.ID] = c
		list = append(list, m)
	}
	for id, c := range p.clients {
		if clients[id] == nil {
			c.Close()
			delete(p.down, id)
			p.cfg.Metrics.forget(id)
		}
	}
	p.members, p.clients = list, clients
	p.countMembers()
	return nil
}

// newClient is the HTTP client of one peer: its fills carry the peer
// marker and no cdn-id of this edge (the owner adds its own on its origin
// fetch, so a POP sharing one cdn-id is no loop).
func (p *Pool) newClient(m Member) (*origin.Client, error) {
	cc := p.cfg.Peer
	cc.URL, cc.CDNID = m.URL, ""
	cc.AddHeaders = http.Header{origin.PeerHeader: {p.cfg.Self.ID}}
	return origin.New(cc)
}

// mark records a member's state; it reports whether it changed.
func (p *Pool) mark(id string, up bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id == p.cfg.Self.ID || p.clients[id] == nil || p.down[id] == !up {
		return false
	}
	if up {
		delete(p.down, id)
	} else {
		p.down[id] = true
	}
	p.countMembers()
	return true
}

// countMembers sets streamedge_peer_members; p.mu is held.
func (p *Pool) countMembers() {
	down := 0
	for _, m := range p.members {
		if p.down[m.ID] {
			down++
		}
	}
	p.cfg.Metrics.members(len(p.members)-down, down)
}

// probe connects to every peer's edge port at once; each answer or
// failure sets its state.
func (p *Pool) probe(ctx context.Context) {
	var wg sync.WaitGroup
	for _, m := range p.Members() {
		if m.ID == p.cfg.Self.ID {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := net.Dialer{Timeout: p.cfg.ProbeTimeout}
			conn, err := d.DialContext(ctx, "tcp", m.ID)
			if err == nil {
				conn.Close()
			}
			if ctx.Err() == nil {
				p.mark(m.ID, err == nil)
			}
		}()
	}
	wg.Wait()
}

// client is a peer's client (nil for self or a member no longer listed).
func (p *Pool) client(id string) *origin.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clients[id]
}

// candidates are the members to ask for key, best first: those ranked
// above self that are up. Empty when self owns the key.
func (p *Pool) candidates(key string) []Member {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Member
	for _, r := range rank(key, p.members) {
		m := p.members[r.i]
		if m.ID == p.cfg.Self.ID {
			break
		}
		if !p.down[m.ID] {
			out = append(out, m)
		}
	}
	return out
}
