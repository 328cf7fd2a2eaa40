package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// knownPeers are the caches the benchmark can start.
var knownPeers = []string{"nginx", "varnish", "ats", "streamedge"}

// knownPhases are the phases BENCH_PHASES may name (default: all): hits
// (a), https (e), herd (b), live (c and d), llhls (f). The comparison table
// and issue 9's targets need the first four.
var knownPhases = []string{"hits", "https", "herd", "live", "llhls"}

// config comes from the environment (BENCH_*); run.sh sets the paths.
type config struct {
	Peers         []string      `json:"peers"`
	Phases        []string      `json:"phases"`
	Quick         bool          `json:"quick"`
	FanoutPlayers int           `json:"fanout_players"`
	FanoutSeconds int           `json:"fanout_seconds"`
	FanoutRamp    time.Duration `json:"fanout_ramp_ns"`
	WrkSeconds    int           `json:"wrk_seconds"`
	WrkWarm       int           `json:"wrk_warm_seconds"`
	WrkThreads    int           `json:"wrk_threads"`
	WrkConns      int           `json:"wrk_connections"`
	HerdClients   int           `json:"herd_clients"`
	HerdLatency   time.Duration `json:"herd_origin_latency_ns"`
	CacheMB       int           `json:"cache_mb"`   // every cache's bound: streamedge -cache-size, the peers' CACHE_MB
	HTTPS         bool          `json:"https"`      // phase (e): HTTPS hits (nginx, streamedge, ceilings)
	H2Streams     int           `json:"h2_streams"` // h2load -m: concurrent streams per connection
	PortBase      int           `json:"port_base"`
	QuietWait     time.Duration `json:"quiet_wait_ns"`
	Out           string        `json:"-"`
	Append        bool          `json:"-"`
	BenchmarksMD  string        `json:"-"`
	Bin           string        `json:"-"` // streamedge, player-test, herd, ceiling
	PeersDir      string        `json:"-"` // ../shared/peers (start, stop)
	Work          string        `json:"-"` // scratch: peer work dirs, logs, JSON
}

func loadConfig() (config, error) {
	c := config{Quick: os.Getenv("BENCH_QUICK") == "1", WrkThreads: 2, WrkConns: 64,
		HerdLatency: 300 * time.Millisecond}
	players, seconds, wrkS, warm := 1000, 60, 10, 2
	if c.Quick {
		players, seconds, wrkS, warm = 100, 10, 3, 1
	}
	var err error
	var quiet int
	ints := []struct {
		env  string
		def  int
		dst  *int
		low  int
		high int
	}{
		{"BENCH_FANOUT_PLAYERS", players, &c.FanoutPlayers, 1, 20000},
		{"BENCH_FANOUT_SECONDS", seconds, &c.FanoutSeconds, 4, 3600},
		{"BENCH_WRK_SECONDS", wrkS, &c.WrkSeconds, 1, 600},
		{"BENCH_HERD_CLIENTS", 500, &c.HerdClients, 1, 10000},
		{"BENCH_PORT_BASE", 21000, &c.PortBase, 1024, 32768 - 100},
		{"BENCH_QUIET_WAIT", 60, &quiet, 0, 3600},
		{"BENCH_CACHE_MB", 1024, &c.CacheMB, 128, 1 << 20},
		{"BENCH_H2_STREAMS", 1, &c.H2Streams, 1, 1000},
	}
	for _, v := range ints {
		if *v.dst, err = envInt(v.env, v.def, v.low, v.high); err != nil {
			return c, err
		}
	}
	c.WrkWarm, c.QuietWait = warm, time.Duration(quiet)*time.Second
	c.HTTPS = envOr("BENCH_HTTPS", "1") == "1"
	c.FanoutRamp = (time.Duration(c.FanoutSeconds) * time.Second / 6).Round(time.Second)
	c.Peers = strings.Fields(envOr("BENCH_PEERS", strings.Join(knownPeers, " ")))
	for _, p := range c.Peers {
		if !slices.Contains(knownPeers, p) {
			return c, fmt.Errorf("BENCH_PEERS: unknown peer %q (known: %s)", p, strings.Join(knownPeers, " "))
		}
	}
	c.Phases = strings.Fields(envOr("BENCH_PHASES", strings.Join(knownPhases, " ")))
	for _, p := range c.Phases {
		if !slices.Contains(knownPhases, p) {
			return c, fmt.Errorf("BENCH_PHASES: unknown phase %q (known: %s)", p, strings.Join(knownPhases, " "))
		}
	}
	root := envOr("BENCH_ROOT", ".")
	c.Out = envOr("BENCH_OUT", filepath.Join(root, "bench/out/bench.json"))
	c.Append = envOr("BENCH_APPEND", map[bool]string{true: "0", false: "1"}[c.Quick]) == "1"
	c.BenchmarksMD = filepath.Join(root, "BENCHMARKS.md")
	c.Bin = envOr("BENCH_BIN", filepath.Join(root, "bench/out/bin"))
	c.PeersDir = envOr("BENCH_PEERS_DIR", filepath.Join(root, "../shared/peers"))
	c.Work = os.Getenv("BENCH_WORKDIR")
	if c.Work == "" {
		return c, errors.New("BENCH_WORKDIR is not set (run bench/run.sh)")
	}
	return c, nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def, low, high int) (int, error) {
	s := os.Getenv(k)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < low || n > high {
		return 0, fmt.Errorf("%s=%q: want an integer in %d..%d", k, s, low, high)
	}
	return n, nil
}

// phase reports whether BENCH_PHASES names p.
func (c config) phase(p string) bool { return slices.Contains(c.Phases, p) }

// mainPhases reports whether the phases of the comparison table all run.
func (c config) mainPhases() bool {
	return c.phase("hits") && c.phase("https") && c.phase("herd") && c.phase("live")
}

// Ports: all on 127.0.0.1, below the ephemeral range.
func (c config) peerPort() int       { return c.PortBase + 80 }
func (c config) originPort() int     { return c.PortBase + 81 }
func (c config) ceilingPort() int    { return c.PortBase + 82 }
func (c config) ceilingTLSPort() int { return c.PortBase + 83 }
func (c config) peerTLSPort() int    { return c.PortBase + 84 }
func (c config) adminPort() int      { return c.PortBase + 90 }

func (c config) summary() string {
	https := "HTTPS off"
	if c.HTTPS {
		https = fmt.Sprintf("HTTPS: wrk (HTTP/1.1) and h2load -m%d (HTTP/2), same -t -c -d", c.H2Streams)
	}
	return fmt.Sprintf("peers %q; cache %d MiB; wrk -t%d -c%d -d%ds (warm %ds); %s; herd %d clients, "+
		"origin latency %v; fan-out %d players × %ds (ramp %v); ports %d-%d",
		strings.Join(c.Peers, " "), c.CacheMB, c.WrkThreads, c.WrkConns, c.WrkSeconds, c.WrkWarm, https,
		c.HerdClients, c.HerdLatency, c.FanoutPlayers, c.FanoutSeconds, c.FanoutRamp,
		c.peerPort(), c.adminPort())
}
