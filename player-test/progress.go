package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
)

// progressLoop writes one status line per second: overwritten in place on
// a terminal, one per line otherwise.
func progressLoop(ctx context.Context, m *sim.Metrics, players int, w io.Writer) {
	eol := "\n"
	if isTerminal(w) {
		eol = "\r"
	}
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var prev sim.Snapshot
	last := start
	for {
		select {
		case <-ctx.Done():
			if eol == "\r" {
				fmt.Fprintln(w)
			}
			return
		case now := <-tick.C:
			s := m.Snapshot()
			rate := float64(s.Requests-prev.Requests) / now.Sub(last).Seconds()
			fmt.Fprintf(w, "%s%s", progressLine(now.Sub(start), players, s, rate), eol)
			prev, last = s, now
		}
	}
}

func progressLine(elapsed time.Duration, players int, s sim.Snapshot, rate float64) string {
	return fmt.Sprintf("[%5.0fs] active %d/%d  started %d  stalled %d  stalls %d  errors %d  req/s %.1f  %s",
		elapsed.Seconds(), s.Active, players, s.Playing, s.StalledNow, s.Stalls, s.Errors, rate, humanBytes(s.Bytes))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
