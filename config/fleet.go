package config

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Fleet is the fleet section: the NATS servers holding the fleet's state
// (membership, fleet-wide invalidations, configuration versions; package
// fleet) and its timings and bounds. Read at start only; the flags -fleet
// and -fleet-pop win over url and pop. Zero values take package fleet's
// defaults.
type Fleet struct {
	URL              string   `yaml:"url"`               // nats://host:4222, comma-separated for a cluster; required
	POP              string   `yaml:"pop"`               // this edge's POP in the membership
	Heartbeat        Duration `yaml:"heartbeat"`         // membership put interval; default 1s
	TTL              Duration `yaml:"ttl"`               // a member silent this long is gone; default 3s
	Timeout          Duration `yaml:"timeout"`           // bound on every NATS call; default 2s
	Retention        Duration `yaml:"retention"`         // invalidations kept in the stream; default 24h
	MaxInvalidations Count    `yaml:"max_invalidations"` // invalidations kept in the stream; default 10,000
	Replicas         Count    `yaml:"replicas"`          // JetStream replicas (a cluster: 3); default 1
}

// Bounds of the fleet section.
const (
	MaxFleetTTL           = time.Hour
	MaxFleetRetention     = 30 * 24 * time.Hour
	MaxFleetInvalidations = 1_000_000
	MaxFleetReplicas      = 5
)

var popName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// fleet validates the section.
func (v *validator) fleet() {
	fl := v.f.Fleet
	if fl == nil {
		return
	}
	at := path{"fleet"}
	if fl.URL == "" {
		v.add(at.key("url"), "required: the NATS server(s), nats://host:4222")
	}
	for _, raw := range strings.Split(fl.URL, ",") {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "nats" && u.Scheme != "tls") || u.Host == "" {
			v.add(at.key("url"), "%q: want nats://host:port (or tls://host:port)", raw)
		}
	}
	if fl.POP != "" && !popName.MatchString(fl.POP) {
		v.add(at.key("pop"), "%q: want 1-64 characters A-Z a-z 0-9 . _ -", fl.POP)
	}
	if fl.TTL > 0 && fl.TTL.D() > MaxFleetTTL {
		v.add(at.key("ttl"), "%v is over the bound of %v", fl.TTL.D(), MaxFleetTTL)
	}
	hb, ttl := fl.Heartbeat.D(), fl.TTL.D()
	if hb == 0 {
		hb = time.Second
	}
	if ttl == 0 {
		ttl = 3 * time.Second
	}
	if hb >= ttl {
		v.add(at.key("heartbeat"), "%v: must be shorter than ttl (%v), or every member expires between beats", hb, ttl)
	}
	if fl.Retention.D() > MaxFleetRetention {
		v.add(at.key("retention"), "%v is over the bound of %v", fl.Retention.D(), MaxFleetRetention)
	}
	if fl.MaxInvalidations > MaxFleetInvalidations {
		v.add(at.key("max_invalidations"), "%d is over the bound of %d", fl.MaxInvalidations, MaxFleetInvalidations)
	}
	if fl.Replicas > MaxFleetReplicas {
		v.add(at.key("replicas"), "%d: at most %d", fl.Replicas, MaxFleetReplicas)
	}
}
