package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

const originHeader = `Usage: player-test origin [flags]

Serve the test origin: /vod/{hls_ts,hls_fmp4}/master.m3u8, /vod/dash/manifest.mpd,
/live/{hls_ts,hls_fmp4,llhls}/master.m3u8, /live/dash/manifest.mpd, /time,
/synthetic/<size>/<name>.<ext>, /_stats (JSON), /_reset.

Flags:
`

func originFlags(fs *flag.FlagSet, o *testorigin.Options, listen *string) {
	fs.StringVar(listen, "listen", "127.0.0.1:8081", "address to listen on")
	fs.DurationVar(&o.Latency, "latency", 0, "delay before every response's headers")
	fs.DurationVar(&o.Jitter, "jitter", 0, "extra uniform random delay 0..jitter")
	fs.Float64Var(&o.ErrorRate, "error-rate", 0, "fraction of requests answered 503 (0..1)")
	fs.Float64Var(&o.StallRate, "stall-rate", 0, "fraction of segment bodies that pause mid-body (0..1)")
	fs.DurationVar(&o.StallFor, "stall-for", 2*time.Second, "how long a stalled body pauses")
	fs.Float64Var(&o.TruncateRate, "truncate-rate", 0, "fraction of segment bodies cut short (0..1)")
	fs.Float64Var(&o.GarbageRate, "garbage-rate", 0, "fraction of manifests replaced by garbage (0..1)")
	fs.DurationVar(&o.LivePlaylistMaxAge, "live-max-age", 0, "if >0, live manifests carry Cache-Control: max-age=this")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed for faults")
}

func validateOrigin(o testorigin.Options) error {
	rates := map[string]float64{"error-rate": o.ErrorRate, "stall-rate": o.StallRate,
		"truncate-rate": o.TruncateRate, "garbage-rate": o.GarbageRate}
	for name, r := range rates {
		if r < 0 || r > 1 {
			return fmt.Errorf("-%s %v: must be between 0 and 1", name, r)
		}
	}
	if o.Latency < 0 || o.Jitter < 0 || o.StallFor < 0 || o.LivePlaylistMaxAge < 0 {
		return errors.New("durations must not be negative")
	}
	return nil
}

func originCmd(ctx context.Context, args []string, stderr io.Writer) int {
	var opts testorigin.Options
	var listen string
	fs := flag.NewFlagSet("origin", flag.ContinueOnError)
	originFlags(fs, &opts, &listen)
	if err := parseFlags(fs, args, stderr, originHeader); err != nil {
		return usageExit(stderr, "origin", err)
	}
	if err := validateOrigin(opts); err != nil {
		return usageExit(stderr, "origin", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintf(stderr, "player-test origin: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "player-test origin: serving on http://%s\n", ln.Addr())
	if err := serve(ctx, ln, testorigin.New(opts)); err != nil {
		fmt.Fprintf(stderr, "player-test origin: %v\n", err)
		return 1
	}
	return 0
}

// serve runs h on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
