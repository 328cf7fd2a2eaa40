package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Ports inside every namespace (each has its own, so all nodes use the same).
const (
	originPort = "8081"
	edgePort   = "8080"
	adminAddr  = "127.0.0.1:9090" // each namespace's own loopback
)

// fleet is the running processes, started by the inner process inside the
// controller namespace.
type fleet struct {
	o                      options
	logDir                 string
	origin                 node
	shield                 node
	nats                   node   // the embedded nats-server (-invalidate fleet)
	edges                  []node // in POP order
	procs                  map[string]*proc
	streamedge, playerTest string
	probe                  *http.Client            // the harness's own requests (stats, probes)
	admin                  map[string]*http.Client // by node name: its admin listener
	fleetInv               *fleetInval             // the invalidation through the fleet (-invalidate fleet)
	tiers                  *tierAddrs              // where each tier dials the next (links.go)
}

// edgeConfig is every edge's distribution: everything from the origin group
// whose primary is the shield and whose secondary is the origin.
const edgeConfig = `# written by bench/fleet: an edge of the simulated fleet
origins:
  shield:
    url: http://%s
    dial_timeout: 1s
    timeout: 10s
  origin:
    url: http://%s
    dial_timeout: 1s
    timeout: 10s
origin_groups:
  tiered:
    primary: shield
    secondary: origin
default_behavior:
  origin: tiered
`

func newFleet(o options, logDir string) (*fleet, error) {
	bin, err := filepath.Abs(o.Bin)
	if err != nil {
		return nil, err
	}
	f := &fleet{o: o, logDir: logDir, procs: map[string]*proc{},
		streamedge: filepath.Join(bin, "streamedge"), playerTest: filepath.Join(bin, "player-test"),
		probe: &http.Client{Timeout: 5 * time.Second}, admin: map[string]*http.Client{}}
	for _, b := range []string{f.streamedge, f.playerTest} {
		if _, err := os.Stat(b); err != nil {
			return nil, fmt.Errorf("%w (run make build)", err)
		}
	}
	for _, n := range topology(o.Subnet, o.POPs, o.Edges) {
		switch {
		case n.Name == "origin":
			f.origin = n
		case n.Name == "shield":
			f.shield = n
		case n.Name == "nats":
			f.nats = n
		case n.POP > 0:
			f.edges = append(f.edges, n)
		}
		f.admin[n.Name] = adminClient(n)
	}
	return f, nil
}

func (f *fleet) originURL() string { return "http://" + f.origin.IP + ":" + originPort }
func edgeHost(n node) string       { return n.IP + ":" + edgePort }

// edgeArgs are the serve flags every streamedge of the fleet shares. Each
// gets its own -cdn-id: they share a hostname and a port, and the default id
// (hostname:port) would make the shield see a loop.
func (f *fleet) edgeArgs(n node) []string {
	return []string{f.streamedge, "serve", "-listen", edgeHost(n), "-admin", adminAddr,
		"-access-log", "off", "-log-level", "warn", "-cache-size", "256MiB", "-max-object-size", "16MiB", "-cdn-id", "fleet-" + n.Name}
}

// start starts the origin, the shield and the edges and waits until each
// listens.
func (f *fleet) start(ctx context.Context) error {
	tiers, err := f.startLinks()
	if err != nil {
		return err
	}
	f.tiers = tiers
	if err := f.startOne(ctx, f.origin, f.origin.IP+":"+originPort,
		f.playerTest, "origin", "-listen", f.origin.IP+":"+originPort, "-latency", f.o.OriginLat.String()); err != nil {
		return err
	}
	if f.onNATS() {
		if err := f.startNATS(ctx); err != nil {
			return err
		}
	}
	if err := f.startShield(ctx); err != nil {
		return err
	}
	for _, e := range f.edges {
		cfg := filepath.Join(f.logDir, e.Name+".yaml")
		body := fmt.Sprintf(edgeConfig, f.tiers.edgeShield, f.tiers.edgeOrigin) + f.peeringConfig(e)
		if f.onNATS() {
			body += invalidationConfig
		}
		if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
			return err
		}
		if err := f.startOne(ctx, e, edgeHost(e), append(append(f.edgeArgs(e), "-config", cfg), f.fleetArgs(fmt.Sprintf("pop%d", e.POP))...)...); err != nil {
			return err
		}
	}
	if f.onNATS() {
		return f.waitMembers(ctx, f.edges[len(f.edges)-1], f.fleetSize(len(f.edges)))
	}
	return nil
}

// fleetSize is how many members the fleet has with edges live edges: they,
// the NATS node and a streamedge shield.
func (f *fleet) fleetSize(edges int) int {
	if f.o.Shield == "streamedge" {
		return edges + 2
	}
	return edges + 1
}

// peeringConfig is edge e's peering section (-peer-hot off: none): the
// members are the edges of its POP, so a POP fetches each key from the
// shield once, through the key's owner.
func (f *fleet) peeringConfig(e node) string {
	if f.o.PeerHot == "off" {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "peering:\n  self: http://%s\n  hot: %s\n  members:\n", edgeHost(e), f.o.PeerHot)
	for _, m := range f.edges {
		if m.POP == e.POP {
			fmt.Fprintf(&b, "    - http://%s\n", edgeHost(m))
		}
	}
	return b.String()
}

func (f *fleet) startOne(ctx context.Context, n node, addr string, argv ...string) error {
	p, err := startProc(n.ns(), f.logDir, n.Name, argv...)
	if err != nil {
		return err
	}
	f.procs[n.Name] = p
	return waitListening(ctx, p, addr)
}

// startShield starts the shield: a streamedge, or a peer through
// ../shared/peers/start inside the shield's namespace (it daemonises; its
// processes are found with `ip netns pids`).
func (f *fleet) startShield(ctx context.Context) error {
	if f.o.Shield == "streamedge" {
		return f.startOne(ctx, f.shield, edgeHost(f.shield), append(append(f.edgeArgs(f.shield), "-origin", "http://"+f.tiers.shieldOrigin), f.fleetArgs("shield")...)...)
	}
	peers, err := filepath.Abs(f.o.Peers)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", "netns", "exec", f.shield.ns(), "env", "LISTEN_ADDR="+f.shield.IP, "CACHE_MB=256",
		filepath.Join(peers, "start"), f.o.Shield, edgePort, f.tiers.shieldOrigin, filepath.Join(f.logDir, f.o.Shield)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("shield %s: %s/start: %w: %s", f.o.Shield, peers, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// killShield crashes the shield: SIGKILL to every process in its namespace.
func (f *fleet) killShield() {
	if f.o.Shield == "streamedge" {
		f.kill(f.shield)
		return
	}
	killNamespace(f.shield.ns())
}

// kill crashes node n's process (SIGKILL).
func (f *fleet) kill(n node) {
	if p := f.procs[n.Name]; p != nil {
		p.kill()
	}
}

// stopAll stops every process (SIGTERM, then SIGKILL) and waits for them.
func (f *fleet) stopAll() {
	if f.tiers != nil {
		defer f.tiers.close()
	}
	for _, p := range f.procs {
		p.stop()
	}
	if f.o.Shield != "streamedge" {
		killNamespace(f.shield.ns())
	}
}

// alive reports whether node n's process still runs.
func (f *fleet) alive(n node) bool {
	p := f.procs[n.Name]
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}
