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
	// DefaultHoldDown is how long a member a fill found failing stays down
	// whatever its probes say: a member that accepts connections but does
	// not answer passes the TCP probe, and must not take fills back at once.
	DefaultHoldDown = 5 * time.Second
)

// Config describes a POP's membership.
type Config struct {
	Self    Member   // this edge, as the others name it; always a member
	Members []Member // a static list (may include Self)
	// DNS, when set, is a name whose A/AAAA records are the members (a
	// Kubernetes headless Service), each at DNSPort with Self's scheme;
	// Members are then only the set until a lookup answers.
	DNS, DNSPort string
	Resolver     Resolver // default net.DefaultResolver
	// Source, when set, is a live member list the pool follows until Close
	// (the fleet's: FleetSource); Members are then only the set until it
	// answers.
	Source        Source
	DNSInterval   time.Duration // default DefaultDNSInterval
	ProbeInterval time.Duration // default DefaultProbeInterval
	ProbeTimeout  time.Duration // default DefaultProbeTimeout
	HoldDown      time.Duration // default DefaultHoldDown
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
	closed  bool // a Source's late list makes no client after Close
	members []Member
	down    map[string]time.Time      // members down by ID, each until a probe may mark it up; self is never down
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
	def(&cfg.HoldDown, DefaultHoldDown)
	def(&cfg.Peer.DialTimeout, DefaultDialTimeout)
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if len(cfg.Members) > MaxMembers {
		return nil, fmt.Errorf("%w: %d members, at most %d", ErrMember, len(cfg.Members), MaxMembers)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{cfg: cfg, cancel: cancel, down: map[string]time.Time{}, clients: map[string]*origin.Client{}}
	if err := p.setMembers(cfg.Members); err != nil {
		cancel()
		return nil, err
	}
	if cfg.DNS != "" {
		p.resolve(ctx) // the first set before the first fill
		p.every(ctx, cfg.DNSInterval, p.resolve)
	}
	if cfg.Source != nil {
		p.follow(ctx)
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
	p.closed = true
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
	_, down := p.down[id]
	return !down
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
	if p.closed {
		return nil
	}
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

// markDown records a member down; a probe may mark it up again after hold.
func (p *Pool) markDown(id string, hold time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id == p.cfg.Self.ID || p.clients[id] == nil {
		return
	}
	until := time.Now().Add(hold)
	if prev, down := p.down[id]; down && prev.After(until) {
		until = prev
	}
	p.down[id] = until
	p.countMembers()
}

// markUp records a member's probe answering: up, unless a failed fill
// holds it down still.
func (p *Pool) markUp(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until, down := p.down[id]
	if !down || time.Now().Before(until) {
		return
	}
	delete(p.down, id)
	p.countMembers()
}

// countMembers sets streamedge_peer_members; p.mu is held.
func (p *Pool) countMembers() {
	down := 0
	for _, m := range p.members {
		if _, d := p.down[m.ID]; d {
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
			switch {
			case ctx.Err() != nil:
			case err == nil:
				p.markUp(m.ID)
			default:
				p.markDown(m.ID, 0)
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
		if _, down := p.down[m.ID]; !down {
			out = append(out, m)
		}
	}
	return out
}
