package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	edgeconf "github.com/streamedge/streamedge/config"
)

// check validates a configuration file without serving:
//
//	streamedge check -config edge.yaml
//
// It prints one summary line and returns nil for a valid file; for an
// invalid one it prints every problem as file:line:col: path: reason on
// stderr and returns an error (exit status 1).
func check(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "the edge.yaml to validate (required)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: streamedge check -config edge.yaml   validate a configuration file without serving")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if *path == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	f, err := edgeconf.Load(*path)
	var es edgeconf.Errors
	if errors.As(err, &es) {
		for _, e := range es {
			fmt.Fprintln(stderr, e)
		}
		return fmt.Errorf("%s: %s", *path, count(len(es), "problem", "problems"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid: %s, %s, %s, %s and the default, %s, %s\n", *path,
		count(len(f.Origins), "origin", "origins"), count(len(f.S3Origins), "S3 origin", "S3 origins"),
		count(len(f.OriginGroups), "origin group", "origin groups"), count(len(f.Behaviors), "behavior", "behaviors"),
		count(len(f.CustomErrorResponses), "custom error response", "custom error responses"),
		count(len(f.ResponseHeadersPolicies), "response headers policy", "response headers policies"))
	return nil
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
