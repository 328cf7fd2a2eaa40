// Command player-test load-tests the streamedge edge with simulated HLS and
// DASH players (`player-test run`) and serves the test origin
// (`player-test origin`).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `player-test: HLS/DASH player simulator and test origin for streamedge

Usage:
  player-test run -url URL [-players N] [-duration D] [-ramp D] [-json FILE] [flags]
      Play URL (.m3u8 HLS or .mpd DASH; else detected by Content-Type/body)
      with N simulated players in wall time, print a progress line to stderr
      each second and a summary table to stdout.
  player-test origin [-listen ADDR] [fault flags]
      Serve the test origin (VOD/live HLS TS, HLS fMP4, DASH fixtures).

Run 'player-test run -h' or 'player-test origin -h' for the flags.
Exit status: 0 ok, 1 failure (or player errors with -fail-on-error), 2 bad usage.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// dispatch runs the subcommand named by args[0] and returns the exit code.
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, args[1:], stdout, stderr)
	case "origin":
		return originCmd(ctx, args[1:], stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "player-test: unknown command %q (want run or origin; see player-test -h)\n", args[0])
	return 2
}
