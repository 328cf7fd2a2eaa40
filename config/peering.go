package config

import (
	"time"

	"github.com/streamedge/streamedge/peering"
)

// Peering is the peering section: the POP this edge shares its misses
// with (package peering). Members come from members (a static list, this
// edge's self among them) or dns (a Kubernetes headless Service); each key
// is fetched from the origin by its owner only.
type Peering struct {
	Self          string             `yaml:"self"`           // this edge's URL as the other members reach it, required but with fleet
	Members       []string           `yaml:"members"`        // member URLs (http://host:port), self included; or dns
	DNS           string             `yaml:"dns"`            // name:port: the name's A/AAAA records are the members, at port
	Weights       map[string]float64 `yaml:"weights"`        // member URL → its share of the keys (default 1); members only
	Fleet         bool               `yaml:"fleet"`          // the members are the fleet's live members of this edge's POP (their edge URLs); self defaults to the edge URL it advertises there
	Hot           string             `yaml:"hot"`            // origin (default): manifests fetched from the origin by every member; owner: through their owner, replicated
	DNSInterval   Duration           `yaml:"dns_interval"`   // re-resolve dns this often; default 5s
	ProbeInterval Duration           `yaml:"probe_interval"` // probe every member this often; default 500ms
	DialTimeout   Duration           `yaml:"dial_timeout"`   // a peer fill's connect; default 250ms
	Timeout       Duration           `yaml:"timeout"`        // a peer making no progress this long is cut (and marked down); default 30s
	HoldDown      Duration           `yaml:"hold_down"`      // a member a fill found failing stays down this long whatever its probes say; default 5s
}

// Bounds of the peering section.
const (
	minProbeInterval = 50 * time.Millisecond
	maxProbeInterval = 10 * time.Second
	minDNSInterval   = time.Second
	maxDNSInterval   = time.Hour
	maxPeerTimeout   = 10 * time.Minute
)

func (p *Peering) defaults() {
	def := func(d *Duration, v time.Duration) {
		if *d == 0 {
			*d = Duration(v)
		}
	}
	def(&p.DNSInterval, peering.DefaultDNSInterval)
	def(&p.ProbeInterval, peering.DefaultProbeInterval)
	def(&p.DialTimeout, peering.DefaultDialTimeout)
	def(&p.Timeout, 30*time.Second)
	def(&p.HoldDown, peering.DefaultHoldDown)
	if p.Hot == "" {
		p.Hot = string(peering.HotOrigin)
	}
}

// PoolConfig is the section as package peering takes it (Metrics and
// Resolver are the caller's).
func (p *Peering) PoolConfig() (peering.Config, error) {
	var self peering.Member
	var err error
	if p.Self != "" || !p.Fleet { // with fleet, the caller sets Self and Source
		if self, err = peering.ParseMember(p.Self); err != nil {
			return peering.Config{}, err
		}
	}
	hot, err := peering.ParseHot(p.Hot)
	if err != nil {
		return peering.Config{}, err
	}
	cfg := peering.Config{Self: self, Hot: hot, DNSInterval: p.DNSInterval.D(), ProbeInterval: p.ProbeInterval.D(), HoldDown: p.HoldDown.D()}
	cfg.Peer.DialTimeout, cfg.Peer.Timeout = p.DialTimeout.D(), p.Timeout.D()
	cfg.Peer.ResponseHeaderTimeout = p.Timeout.D()
	if p.Fleet {
		return cfg, nil
	}
	if p.DNS != "" {
		if cfg.DNS, cfg.DNSPort, err = peering.ParseDNS(p.DNS); err != nil {
			return peering.Config{}, err
		}
		return cfg, nil
	}
	weights := map[string]float64{}
	for u, w := range p.Weights {
		m, err := peering.ParseMember(u)
		if err != nil {
			return peering.Config{}, err
		}
		weights[m.ID] = w
	}
	for _, u := range p.Members {
		m, err := peering.ParseMember(u)
		if err != nil {
			return peering.Config{}, err
		}
		m.Weight = weights[m.ID]
		cfg.Members = append(cfg.Members, m)
	}
	return cfg, nil
}

// peering validates the section.
func (v *validator) peering() {
	p := v.f.Peering
	if p == nil {
		return
	}
	at := path{"peering"}
	self, err := peering.ParseMember(p.Self)
	if err != nil && (p.Self != "" || !p.Fleet) {
		v.add(at.key("self"), "%q: want this edge's URL as the other members reach it, http(s)://host:port", p.Self)
	}
	switch {
	case p.Fleet && (p.DNS != "" || len(p.Members) > 0 || len(p.Weights) > 0):
		v.add(at.key("fleet"), "fleet and members, dns or weights: choose one source of members (members from the fleet all weigh 1)")
	case p.Fleet:
	case p.DNS != "" && len(p.Members) > 0:
		v.add(at.key("dns"), "members and dns: choose one source of members")
	case p.DNS == "" && len(p.Members) == 0:
		v.add(at, "members or dns is required")
	case p.DNS != "":
		if _, _, err := peering.ParseDNS(p.DNS); err != nil {
			v.add(at.key("dns"), "%q: want a headless Service's name:port", p.DNS)
		}
		if len(p.Weights) > 0 {
			v.add(at.key("weights"), "weights need members: members from dns all weigh 1")
		}
	default:
		v.peeringMembers(at, p, self.ID)
	}
	if _, err := peering.ParseHot(p.Hot); err != nil {
		v.add(at.key("hot"), "%q: want origin or owner", p.Hot)
	}
	v.between(at.key("probe_interval"), p.ProbeInterval.D(), minProbeInterval, maxProbeInterval)
	v.between(at.key("dns_interval"), p.DNSInterval.D(), minDNSInterval, maxDNSInterval)
	v.between(at.key("dial_timeout"), p.DialTimeout.D(), time.Millisecond, maxProbeInterval)
	v.between(at.key("timeout"), p.Timeout.D(), time.Millisecond, maxPeerTimeout)
	v.between(at.key("hold_down"), p.HoldDown.D(), time.Millisecond, maxPeerTimeout)
}

// peeringMembers: valid, distinct, bounded, self among them, weights of
// members only.
func (v *validator) peeringMembers(at path, p *Peering, self string) {
	seen := map[string]bool{}
	for i, u := range p.Members {
		m, err := peering.ParseMember(u)
		switch {
		case err != nil:
			v.add(at.key("members").idx(i), "%q: want an edge URL http(s)://host:port", u)
		case seen[m.ID]:
			v.add(at.key("members").idx(i), "%s is listed twice", m.ID)
		}
		seen[m.ID] = err == nil
	}
	if len(p.Members) > peering.MaxMembers {
		v.add(at.key("members"), "%d members, at most %d", len(p.Members), peering.MaxMembers)
	}
	if self != "" && !seen[self] {
		v.add(at.key("self"), "%s is not in members: every member must rank the same list", self)
	}
	for _, u := range sortedKeys(p.Weights) {
		m, err := peering.ParseMember(u)
		if err != nil || !seen[m.ID] {
			v.add(at.key("weights").key(u), "%q is not one of members", u)
		} else if w := p.Weights[u]; !(w > 0 && w <= peering.MaxWeight) {
			v.add(at.key("weights").key(u), "%v: want a weight in (0, %d]", w, peering.MaxWeight)
		}
	}
}

func (v *validator) between(at path, d, lo, hi time.Duration) {
	if d < lo || d > hi {
		v.add(at, "%s: want between %s and %s", d, lo, hi)
	}
}
