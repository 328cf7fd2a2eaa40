// Command sidebyside runs the side-by-side benchmark behind `make bench`
// (through bench/run.sh): the test origin, then each cache in BENCH_PEERS
// in front of it, one at a time, through four phases — warmed hit
// throughput (wrk), HTTPS hit throughput (wrk and h2load; nginx and
// streamedge), a cold herd (bench/herd: first body byte and last byte), and
// a live fan-out of simulated players with the origin's default max-age=1
// playlists and with max-age=3600 ones (player-test run), and an LL-HLS
// fan-out with holder timings (llhls.go; BENCH_PHASES picks phases), beside two Go
// ceilings (bench/ceiling: net/http and fasthttp). It prints one table and
// the targets, writes every figure as JSON to BENCH_OUT and appends
// both to BENCHMARKS.md.
// Configuration is by environment; see bench/README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sidebyside: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		fmt.Fprintf(os.Stderr, "sidebyside: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run measures the ceiling and every peer, then reports. A failed phase is
// recorded (and shown as "err") rather than ending the run.
func run(ctx context.Context, cfg config) error {
	res := results{Started: time.Now().UTC(), Config: cfg, Machine: machineInfo(cfg),
		Peers: map[string]*peerResult{}}
	logf("machine: %s", res.Machine.String())
	logf("config: %s", cfg.summary())
	if cfg.HTTPS {
		cf, err := makeCert(cfg.Work)
		if err != nil {
			logf("HTTPS phase off: %v", err)
		} else {
			res.Cert = &cf
		}
	}
	for _, lib := range ceilingLibs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if cfg.mainPhases() {
			res.Ceilings = append(res.Ceilings, benchCeiling(ctx, cfg, lib, res.Cert))
		}
	}
	if cfg.phase("llhls") {
		logf("== %s (players on the origin, no cache)", llDirect)
		waitQuiet(ctx, cfg, llDirect)
		res.LLDirect = llPhase(ctx, cfg, llDirect)
	}
	for _, name := range cfg.Peers {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res.Peers[name] = benchPeer(ctx, cfg, name, res.Cert)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res.Finished = time.Now().UTC()
	res.Machine.LoadAvg = append(res.Machine.LoadAvg, loadAvg())
	logf("load average at start %s, at end %s", res.Machine.LoadAvg[0], res.Machine.LoadAvg[1])
	if cfg.mainPhases() {
		res.Table = buildTable(cfg, &res)
		res.Targets = evalTargets(cfg, res.Table)
		fmt.Println()
		fmt.Print(res.Table.markdown())
		fmt.Println()
		fmt.Print(res.Table.footnotes())
		fmt.Println()
		fmt.Print(targetsMarkdown(res.Targets))
	}
	if cfg.phase("llhls") {
		res.LLTable, res.LLTargets = llReport(cfg, &res)
		fmt.Println()
		fmt.Print(res.LLTable)
		fmt.Println()
		fmt.Print(llTargetsMarkdown(res.LLTargets))
	}
	if err := writeJSON(cfg.Out, &res); err != nil {
		return err
	}
	logf("figures written to %s", cfg.Out)
	if !cfg.Append {
		logf("BENCHMARKS.md not touched (BENCH_APPEND=0 or BENCH_QUICK=1)")
		return nil
	}
	if cfg.mainPhases() {
		if err := appendBenchmarks(cfg.BenchmarksMD, &res); err != nil {
			return err
		}
		logf("table appended to %s", cfg.BenchmarksMD)
	}
	if cfg.phase("llhls") {
		if err := appendLL(cfg.BenchmarksMD, &res); err != nil {
			return err
		}
		logf("LL-HLS table appended to %s", cfg.BenchmarksMD)
	}
	return nil
}

// logf reports progress on stderr; stdout carries only the table.
func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, a...))
}
