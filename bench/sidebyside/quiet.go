package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// quietBusy is the CPU use (all cores, over one second) below which a
// phase may start.
const quietBusy = 0.25

// waitQuiet waits, at most cfg.QuietWait, until the machine's CPUs are
// mostly idle, so that other work does not skew the phase; it returns the
// last busy fraction measured (recorded in the JSON), -1 if unknown.
func waitQuiet(ctx context.Context, cfg config, what string) float64 {
	deadline := time.Now().Add(cfg.QuietWait)
	logged := false
	for {
		busy, err := cpuBusy(ctx, time.Second)
		if err != nil {
			return -1
		}
		if busy < quietBusy || ctx.Err() != nil || time.Now().After(deadline) {
			if busy >= quietBusy && ctx.Err() == nil {
				logf("%s: CPUs still %.0f%% busy with other work after %v; starting anyway", what, busy*100, cfg.QuietWait)
			}
			return busy
		}
		if !logged {
			logf("%s: CPUs %.0f%% busy with other work; waiting up to %v", what, busy*100, cfg.QuietWait)
			logged = true
		}
	}
}

// cpuBusy samples /proc/stat over d: the busy fraction of all CPUs.
func cpuBusy(ctx context.Context, d time.Duration) (float64, error) {
	b1, t1, err := cpuTimes()
	if err != nil {
		return 0, err
	}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(d):
	}
	b2, t2, err := cpuTimes()
	if err != nil || t2 <= t1 {
		return 0, fmt.Errorf("cpu times: %v", err)
	}
	return float64(b2-b1) / float64(t2-t1), nil
}

// cpuTimes reads the aggregate "cpu" line: busy and total jiffies.
func cpuTimes() (busy, total uint64, err error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: unexpected %q", line)
	}
	var idle uint64
	for i, s := range f[1:] {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, 0, err
		}
		if i >= 8 { // guest and guest_nice are already in user and nice
			break
		}
		total += v
		if i == 3 || i == 4 { // idle, iowait
			idle += v
		}
	}
	return total - idle, total, nil
}
