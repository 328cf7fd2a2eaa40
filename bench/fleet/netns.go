package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// nsPrefix names every namespace this tool creates; leftovers of a run
// killed with SIGKILL are removed at the next start.
const nsPrefix = "sefleet-"

// node is one machine of the simulated fleet: a network namespace with one
// veth into the core namespace's bridge.
type node struct {
	Name string // ctl, origin, shield, p1e1, ...
	IP   string // 10.77.0.x
	POP  int    // 1 or 2 for edges, 0 otherwise
}

func (n node) ns() string { return nsPrefix + n.Name }

// topology is the fleet's nodes: the controller (players and probes), the
// origin, the shield, the NATS node and pops × edges edges.
func topology(subnet string, pops, edges int) []node {
	ns := []node{{Name: "ctl", IP: subnet + ".2"}, {Name: "origin", IP: subnet + ".10"}, {Name: "shield", IP: subnet + ".20"},
		{Name: "nats", IP: subnet + ".5"}}
	for p := 1; p <= pops; p++ {
		for e := 1; e <= edges; e++ {
			ns = append(ns, node{Name: fmt.Sprintf("p%de%d", p, e), IP: fmt.Sprintf("%s.%d", subnet, 20+10*p+e), POP: p})
		}
	}
	return ns
}

// ipCmd runs `ip args...` with a timeout and returns its combined output.
func ipCmd(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var out bytes.Buffer
	c := exec.CommandContext(ctx, "ip", args...)
	c.Stdout, c.Stderr = &out, &out
	if err := c.Run(); err != nil {
		return out.String(), fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// setUp creates the core namespace with a bridge and one namespace per node
// wired to it. On error the caller still calls tearDown.
func setUp(ctx context.Context, nodes []node) error {
	core := nsPrefix + "core"
	steps := [][]string{
		{"netns", "add", core},
		{"-n", core, "link", "set", "lo", "up"},
		{"-n", core, "link", "add", "br0", "type", "bridge"},
		{"-n", core, "link", "set", "br0", "up"},
	}
	for _, n := range nodes {
		v := "v-" + n.Name
		steps = append(steps,
			[]string{"netns", "add", n.ns()},
			[]string{"-n", n.ns(), "link", "set", "lo", "up"},
			[]string{"-n", core, "link", "add", v, "type", "veth", "peer", "name", "eth0", "netns", n.ns()},
			[]string{"-n", core, "link", "set", v, "master", "br0", "up"},
			[]string{"-n", n.ns(), "addr", "add", n.IP + "/24", "dev", "eth0"},
			[]string{"-n", n.ns(), "link", "set", "eth0", "up"},
		)
	}
	for _, s := range steps {
		if _, err := ipCmd(ctx, s...); err != nil {
			return err
		}
	}
	return nil
}

// addLatency puts netem delay d on every node's egress (so a round trip
// between two nodes gets 2d). It returns what was applied, for the report:
// netem is a kernel module many CI kernels lack, and then there is none.
func addLatency(ctx context.Context, nodes []node, d time.Duration) string {
	if d <= 0 {
		return "none (-latency 0)"
	}
	for _, n := range nodes {
		ms := fmt.Sprintf("%dms", d.Milliseconds())
		if out, err := ipCmd(ctx, "netns", "exec", n.ns(), "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", ms); err != nil {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			return fmt.Sprintf("none (tc qdisc add ... netem failed: %q)", lines[len(lines)-1])
		}
	}
	return fmt.Sprintf("netem delay %v on every node's egress (%v per hop round trip)", d, 2*d)
}

// tearDown kills every process left in the tool's namespaces and deletes
// them (those of this run and any left by an earlier one).
func tearDown() {
	ctx := context.Background()
	out, _ := ipCmd(ctx, "netns", "list")
	for _, line := range strings.Split(out, "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		if !strings.HasPrefix(name, nsPrefix) {
			continue
		}
		killNamespace(name)
		if _, err := ipCmd(ctx, "netns", "del", name); err != nil {
			fmt.Fprintf(stderr, "test-fleet: teardown: %v\n", err)
		}
	}
}

// killNamespace sends SIGKILL to every process in namespace ns.
func killNamespace(ns string) {
	pids, _ := ipCmd(context.Background(), "netns", "pids", ns)
	for _, p := range strings.Fields(pids) {
		var pid int
		if _, err := fmt.Sscan(p, &pid); err == nil && pid > 1 && pid != os.Getpid() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
