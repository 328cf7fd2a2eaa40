package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/streamedge/streamedge/player-test/sim"
)

const runHeader = `Usage: player-test run -url URL [flags]

Run simulated HLS/DASH players against URL for -duration and print a summary.

Flags:
`

// runOpts are the run subcommand's flags.
type runOpts struct {
	url, jsonFile, originStats             string
	players, maxPlayers                    int
	duration, ramp                         time.Duration
	resetOrigin, failOnError, http2, quiet bool
	http3                                  bool
	ll, noLL, llHints, llSkip              bool
	player                                 sim.PlayerConfig
}

func runFlags(fs *flag.FlagSet, o *runOpts) {
	fs.StringVar(&o.url, "url", "", "stream URL: HLS .m3u8 or DASH .mpd (required)")
	fs.IntVar(&o.players, "players", 10, "number of simulated players")
	fs.IntVar(&o.maxPlayers, "max-players", 20000, "upper bound accepted for -players")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to run")
	fs.DurationVar(&o.ramp, "ramp", 0, "spread player starts evenly over this long")
	fs.StringVar(&o.jsonFile, "json", "", "also write all figures as JSON to this file")
	fs.StringVar(&o.originStats, "origin-stats", "", "test origin /_stats URL: report origin offload")
	fs.BoolVar(&o.resetOrigin, "reset-origin", false, "POST the origin's /_reset before the run (needs -origin-stats)")
	fs.BoolVar(&o.failOnError, "fail-on-error", false, "exit 1 if players saw any error")
	fs.BoolVar(&o.http2, "http2", false, "allow HTTP/2 (players then share connections)")
	fs.BoolVar(&o.http3, "http3", false, "players speak HTTP/3 (QUIC) to an https:// -url, sharing one connection")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress line")
	fs.DurationVar(&o.player.StartupBuffer, "startup-buffer", 2*time.Second, "buffer needed to start/resume playback")
	fs.DurationVar(&o.player.MaxBuffer, "max-buffer", 30*time.Second, "forward buffer cap")
	fs.IntVar(&o.player.Retries, "retries", 2, "extra attempts per segment before skipping it")
	fs.BoolVar(&o.player.Validate, "validate", true, "check segment bytes (TS sync byte / MP4 box header)")
	fs.BoolVar(&o.ll, "ll", false, "LL-HLS mode required: play parts, blocking reloads (default: auto when the playlist has EXT-X-PART-INF)")
	fs.BoolVar(&o.noLL, "no-ll", false, "play LL-HLS playlists segment by segment, like an RFC 8216 player")
	fs.BoolVar(&o.llHints, "ll-hints", true, "LL-HLS: request EXT-X-PRELOAD-HINT parts")
	fs.BoolVar(&o.llSkip, "ll-skip", true, "LL-HLS: ask for delta updates (_HLS_skip=YES)")
}

// applyLL moves the LL-HLS flags into the player configuration.
func (o *runOpts) applyLL() {
	switch {
	case o.ll:
		o.player.LowLatency = sim.LLOn
	case o.noLL:
		o.player.LowLatency = sim.LLOff
	}
	o.player.LLNoHints, o.player.LLNoSkip = !o.llHints, !o.llSkip
}

func (o runOpts) validate() error {
	switch {
	case o.url == "":
		return errors.New("-url is required")
	case o.players < 1 || o.players > o.maxPlayers:
		return fmt.Errorf("-players %d: must be between 1 and -max-players %d", o.players, o.maxPlayers)
	case o.duration <= 0:
		return fmt.Errorf("-duration %v: must be > 0", o.duration)
	case o.ramp < 0 || o.ramp > o.duration:
		return fmt.Errorf("-ramp %v: must be between 0 and -duration", o.ramp)
	case o.player.StartupBuffer <= 0 || o.player.MaxBuffer < o.player.StartupBuffer:
		return errors.New("-startup-buffer must be > 0 and <= -max-buffer")
	case o.player.Retries < 0:
		return errors.New("-retries must be >= 0")
	case o.resetOrigin && o.originStats == "":
		return errors.New("-reset-origin needs -origin-stats")
	case o.ll && o.noLL:
		return errors.New("-ll and -no-ll exclude each other")
	}
	if err := checkHTTPURL("-url", o.url); err != nil {
		return err
	}
	if o.originStats != "" {
		return checkHTTPURL("-origin-stats", o.originStats)
	}
	return nil
}

func checkHTTPURL(flagName, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s %q: want an http(s) URL", flagName, s)
	}
	return nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o runOpts
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	runFlags(fs, &o)
	if err := parseFlags(fs, args, stdout, runHeader); err != nil {
		return usageExit(stderr, "run", err)
	}
	if err := o.validate(); err != nil {
		return usageExit(stderr, "run", err)
	}
	o.applyLL()
	res, err := execute(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "player-test run: %v\n", err)
		return 1
	}
	printSummary(stdout, res)
	if o.jsonFile != "" {
		if err := writeJSON(o.jsonFile, res); err != nil {
			fmt.Fprintf(stderr, "player-test run: %v\n", err)
			return 1
		}
	}
	if o.failOnError && res.Errors > 0 {
		fmt.Fprintf(stderr, "player-test run: players saw %d errors\n", res.Errors)
		return 1
	}
	return 0
}
