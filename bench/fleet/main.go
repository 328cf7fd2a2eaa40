// Command fleet is the simulated multi-POP fleet (`make test-fleet`): one
// test origin, one streamedge shield, 2 POPs × 3 streamedge edges (origin
// group: primary the shield, secondary the origin), each in its own network
// namespace on one bridge, and simulated live-HLS players spread over the
// edges with client-side failover inside their POP; by default the shield
// and the edges form one fleet on NATS (a node running -fleet-embedded). It
// kills an edge, invalidates /live/* (once, through one edge's CloudFront
// API, carried by the fleet; -invalidate each: on every node), kills the
// shield, and checks origin requests per object, player errors and the
// invalidation's reach and Completed status. See README.md.
//
// It needs root and `ip netns`; without them it says so and exits 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

var stderr = os.Stderr

// options are the run's knobs (the same flags for the outer and the inner
// process).
type options struct {
	Players   int
	Duration  time.Duration
	Bin       string
	Stream    string
	Subnet    string
	Latency   time.Duration
	OriginLat time.Duration // the test origin's own -latency
	// EdgeShield and ShieldOrigin are the delay proxies' one-way delays
	// (delay.go) when netem is unavailable; edge→origin gets their sum.
	EdgeShield, ShieldOrigin time.Duration
	JSON                     string
	LogDir                   string
	POPs                     int
	Edges                    int
	Shield                   string // streamedge or a ../shared/peers peer (nginx, varnish)
	Peers                    string
	PeerHot                  string // the edges' peering.hot inside a POP, or off
	// Invalidate is how /live/* is invalidated: fleet (once, through one
	// edge's API; the fleet on NATS carries it) or each (POST to every node).
	Invalidate string
	inner      bool
	latencyIs  string // what addLatency applied (outer → inner)
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("fleet", flag.ContinueOnError)
	fs.IntVar(&o.Players, "players", 2000, "simulated live-HLS players, spread evenly over the edges")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "how long the players play (events at 25%, 50%, 70% of it)")
	fs.StringVar(&o.Bin, "bin", "bin", "directory holding streamedge and player-test (make build)")
	fs.StringVar(&o.Stream, "stream", "/live/hls_ts/master.m3u8", "the test origin's live stream the players play")
	fs.StringVar(&o.Subnet, "subnet", "10.77.0", "first three octets of the /24 used inside the namespaces")
	fs.DurationVar(&o.Latency, "latency", 5*time.Millisecond, "netem delay on every node's egress when the kernel has netem (else none)")
	fs.DurationVar(&o.OriginLat, "origin-latency", 50*time.Millisecond, "the test origin's delay before every response's headers (player-test origin -latency)")
	fs.DurationVar(&o.EdgeShield, "edge-shield-delay", 20*time.Millisecond, "one-way delay of the userspace delay proxy on each edge→shield link when netem is unavailable (0: none); edge→origin gets edge-shield + shield-origin")
	fs.DurationVar(&o.ShieldOrigin, "shield-origin-delay", 40*time.Millisecond, "one-way delay of the userspace delay proxy on the shield→origin link when netem is unavailable (0: none)")
	fs.StringVar(&o.JSON, "json", "", "also write the figures to this JSON file")
	fs.StringVar(&o.LogDir, "logs", "", "keep the processes' logs in this directory (default: a temporary one, removed)")
	fs.IntVar(&o.POPs, "pops", 2, "POPs")
	fs.IntVar(&o.Edges, "edges", 3, "edges per POP")
	fs.StringVar(&o.Shield, "shield", "streamedge", "what the shield tier is: streamedge, or nginx / varnish started by ../shared/peers/start")
	fs.StringVar(&o.Peers, "peers", "../shared/peers", "the shared peers directory (start, stop)")
	fs.StringVar(&o.PeerHot, "peer-hot", "owner", "peering inside each POP (the config's peering.hot: owner or origin), or off: no peering")
	fs.StringVar(&o.Invalidate, "invalidate", "fleet", "fleet: the edges and the shield join one NATS fleet (a node running -fleet-embedded) and /live/* is invalidated once through one edge's CloudFront API; each: POST it to every node's admin listener (no NATS)")
	fs.BoolVar(&o.inner, "inner", false, "internal: run the fleet (inside the controller namespace)")
	fs.StringVar(&o.latencyIs, "latency-applied", "", "internal: what latency the outer process applied")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.Shield != "streamedge" && o.Shield != "nginx" && o.Shield != "varnish" {
		return o, fmt.Errorf("-shield %q: want streamedge, nginx or varnish", o.Shield)
	}
	if o.PeerHot != "owner" && o.PeerHot != "origin" && o.PeerHot != "off" {
		return o, fmt.Errorf("-peer-hot %q: want owner, origin or off", o.PeerHot)
	}
	if o.Invalidate != "fleet" && o.Invalidate != "each" {
		return o, fmt.Errorf("-invalidate %q: want fleet or each", o.Invalidate)
	}
	if o.Players < o.POPs*o.Edges || o.Duration < 20*time.Second || o.POPs < 1 || o.Edges < 2 {
		return o, errors.New("need -players >= pops*edges, -duration >= 20s, -pops >= 1, -edges >= 2")
	}
	return o, nil
}

func main() {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		os.Exit(2)
	}
	if o.inner {
		os.Exit(innerMain(o))
	}
	os.Exit(outerMain(o))
}

// outerMain sets up the namespaces, runs the fleet inside the controller
// namespace (this binary again with -inner) and removes everything, also
// on an error or a signal.
func outerMain(o options) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(stderr, "test-fleet: SKIPPED: needs root (it creates network namespaces with `ip netns add`)")
		return 0
	}
	if _, err := ipCmd(context.Background(), "netns", "list"); err != nil {
		fmt.Fprintf(stderr, "test-fleet: SKIPPED: `ip netns` is unavailable: %v\n", err)
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tearDown() // leftovers of a run that was SIGKILLed
	defer tearDown()
	nodes := topology(o.Subnet, o.POPs, o.Edges)
	if err := setUp(ctx, nodes); err != nil {
		fmt.Fprintf(stderr, "test-fleet: setting up namespaces: %v\n", err)
		return 1
	}
	applied := addLatency(ctx, nodes, o.Latency)
	fmt.Fprintf(stderr, "test-fleet: %d namespaces on bridge br0 in %score, %s.0/24; latency: %s\n", len(nodes)+1, nsPrefix, o.Subnet, applied)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	args := append([]string{"netns", "exec", nsPrefix + "ctl", self, "-inner", "-latency-applied", applied}, os.Args[1:]...)
	c := exec.Command("ip", args...)
	c.Stdin, c.Stdout, c.Stderr = nil, os.Stdout, os.Stderr
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := c.Start(); err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		fmt.Fprintln(stderr, "test-fleet: interrupted; stopping the fleet")
		_ = c.Process.Signal(syscall.SIGTERM)
		select {
		case err = <-done:
		case <-time.After(15 * time.Second):
			_ = c.Process.Kill()
			err = <-done
		}
		return 130
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(stderr, "test-fleet: %v\n", err)
		return 1
	}
	return 0
}
