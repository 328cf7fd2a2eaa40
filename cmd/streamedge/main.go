// Command streamedge is a streaming-media edge cache: point players at it
// instead of the origin, and every concurrent request for one manifest or
// segment becomes one origin fetch.
//
//	streamedge serve -origin http://packager:8080 [flags]
//	streamedge demo  [flags]     the edge and the demo page in front of the demo origin (make demo)
//	streamedge serve -config edge.yaml  [flags]   origins, groups and cache behaviors from a file
//	streamedge check -config edge.yaml   validate a configuration file
//	streamedge reload [-admin ADDR]      reload a running edge's configuration file
//	streamedge invalidate PATH...        invalidate on a running edge (through -admin)
//	streamedge version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// version is set at link time (make build).
var version = "dev"

const usage = `streamedge: a streaming-media (HLS/DASH) edge cache

Usage:
  streamedge serve -origin URL [flags]   serve the origin's media through the cache
  streamedge demo [-origin URL] [flags]   the demo page and the demo origin (bin/player-test origin) through the cache
  streamedge serve -config FILE [flags]  serve an edge.yaml's origins and cache behaviors
  streamedge check -config FILE         validate an edge.yaml (line:column for every problem)
  streamedge reload [-admin ADDR]        reload a running edge's -config file (as SIGHUP does)
  streamedge invalidate [-admin ADDR] PATH...   invalidate paths ('/vod/*') on a running edge
  streamedge version                     print the version

Run 'streamedge serve -h' for the flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "streamedge:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		cfg, err := parseFlags("serve", args[1:], stderr)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stdout, stderr, nil)
	case "demo":
		cfg, err := parseFlags("demo", args[1:], stderr)
		if err != nil {
			return err
		}
		return demo(ctx, cfg, stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	case "reload":
		return reloadCommand(args[1:], stdout, stderr)
	case "invalidate":
		return invalidateCmd(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "streamedge %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "streamedge: unknown command %q (serve, demo, check, reload, invalidate, version)\n", args[0])
	return errUsage
}
