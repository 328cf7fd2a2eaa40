package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// errHelp means -h was asked for and usage was printed.
var errHelp = flag.ErrHelp

// parseFlags parses args into fs. On -h it prints the flag defaults to
// stdout; on a bad flag it returns the error for a one-line report.
func parseFlags(fs *flag.FlagSet, args []string, help io.Writer, header string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(help)
		fmt.Fprint(help, header)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// usageExit reports a usage error in one line and returns exit code 2
// (0 for -h).
func usageExit(stderr io.Writer, cmd string, err error) int {
	if errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "player-test %s: %v\n", cmd, err)
	return 2
}
