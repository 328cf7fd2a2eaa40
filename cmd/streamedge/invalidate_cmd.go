package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// invalidateCmd invalidates paths on a running edge through its admin
// listener:
//
//	streamedge invalidate [-admin 127.0.0.1:9090] PATH...
//
// Paths are exact ("/live/index.m3u8") or end in one '*' ("/vod/*"); quote
// them so the shell does not expand the '*'. It prints the invalidation's
// ID; an error says what the edge refused or that it is not reachable.
func invalidateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invalidate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	admin := fs.String("admin", defaults().Admin, "the running edge's -admin address")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: streamedge invalidate [-admin ADDR] PATH...   invalidate exact paths and trailing-* prefixes on a running edge")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "streamedge invalidate: name at least one path, like '/live/index.m3u8' or '/vod/*'")
		return errUsage
	}
	if err := checkBatch(fs.Args()); err != nil {
		fmt.Fprintf(stderr, "streamedge invalidate: %v\n", err)
		return errUsage
	}
	inv, err := postInvalidation(ctx, *admin, fs.Args(), *timeout)
	if err != nil {
		return fmt.Errorf("invalidate: %w", err)
	}
	fmt.Fprintln(stdout, inv.ID)
	return nil
}

func postInvalidation(ctx context.Context, admin string, paths []string, timeout time.Duration) (localInvalidation, error) {
	var inv localInvalidation
	body, _ := json.Marshal(localRequest{Paths: paths})
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := "http://" + admin + localInvalidationPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return inv, fmt.Errorf("-admin %q: %w", admin, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return inv, fmt.Errorf("no edge answers on -admin %s (is streamedge serve running with that -admin?): %w", admin, unwrapOp(errors.Unwrap(err)))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return inv, fmt.Errorf("reading the edge's answer: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		var e localError
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = fmt.Sprintf("%q", bytes.TrimSpace(b))
		}
		return inv, fmt.Errorf("the edge refused (%s): %s", resp.Status, e.Error)
	}
	if err := json.Unmarshal(b, &inv); err != nil || inv.ID == "" {
		return inv, fmt.Errorf("the edge's answer is not an invalidation: %q", b)
	}
	return inv, nil
}
