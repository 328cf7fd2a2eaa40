package main

import (
	"fmt"
	"strings"
	"time"
)

// Proxy ports of the delay links (delay.go), in the target's namespace.
const (
	edgeShieldPort   = "8180" // in the shield: edges → shield
	shieldOriginPort = "8181" // in the origin: shield → origin
	edgeOriginPort   = "8182" // in the origin: edges → origin (the group's secondary)
)

// tierAddrs are where each tier dials the next: the real listeners, or the
// delay proxies in front of them.
type tierAddrs struct {
	edgeShield, shieldOrigin, edgeOrigin string
	note                                 string // for the report; "" without proxies
	links                                []*delayLink
}

// startLinks starts the delay proxies when the kernel has no netem (the
// outer process says so in -latency-applied) and a delay is set; else the
// tiers dial each other directly.
func (f *fleet) startLinks() (*tierAddrs, error) {
	shield, origin := f.shield.IP+":"+edgePort, f.origin.IP+":"+originPort
	t := &tierAddrs{edgeShield: shield, shieldOrigin: origin, edgeOrigin: origin}
	if strings.HasPrefix(f.o.latencyIs, "netem") || (f.o.EdgeShield <= 0 && f.o.ShieldOrigin <= 0) {
		return t, nil
	}
	specs := []struct {
		name, ns, listen, target string
		d                        time.Duration
		addr                     *string
	}{
		{"edge→shield", f.shield.ns(), f.shield.IP + ":" + edgeShieldPort, shield, f.o.EdgeShield, &t.edgeShield},
		{"shield→origin", f.origin.ns(), f.origin.IP + ":" + shieldOriginPort, origin, f.o.ShieldOrigin, &t.shieldOrigin},
		{"edge→origin", f.origin.ns(), f.origin.IP + ":" + edgeOriginPort, origin, f.o.EdgeShield + f.o.ShieldOrigin, &t.edgeOrigin},
	}
	var notes []string
	for _, s := range specs {
		if s.d <= 0 {
			continue
		}
		l, err := startDelay(s.name, s.ns, s.listen, s.target, s.d)
		if err != nil {
			t.close()
			return nil, err
		}
		t.links = append(t.links, l)
		*s.addr = s.listen
		notes = append(notes, fmt.Sprintf("%s %v", s.name, s.d))
	}
	t.note = "userspace delay proxy (bench/fleet/delay.go), one way: " + strings.Join(notes, ", ") + " (round trip 2×)"
	return t, nil
}

func (t *tierAddrs) close() {
	for _, l := range t.links {
		l.close()
	}
}
