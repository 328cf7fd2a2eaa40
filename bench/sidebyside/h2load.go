package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// errNoH2 is a server that did not negotiate h2 by ALPN.
var errNoH2 = errors.New("the server did not negotiate h2 (ALPN)")

// runH2load measures HTTP/2 over TLS with h2load (Debian's nghttp2-client),
// with wrk's threads, connections and duration and cfg.H2Streams streams
// per connection. Its figures go into a wrkResult (no percentiles: h2load
// prints none).
func runH2load(ctx context.Context, cfg config, url string, seconds int) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+30)*time.Second)
	defer cancel()
	cmd := command(ctx, "h2load", fmt.Sprintf("-t%d", cfg.WrkThreads), fmt.Sprintf("-c%d", cfg.WrkConns),
		fmt.Sprintf("-m%d", cfg.H2Streams), fmt.Sprintf("-D%d", seconds), url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{URL: url, Raw: tail(string(out), 4000)}, fmt.Errorf("h2load %s: %w: %s", url, err, tail(string(out), 400))
	}
	r, err := parseH2load(string(out))
	r.URL, r.Seconds = url, seconds
	return r, err
}

var (
	reH2Proto    = regexp.MustCompile(`(?m)^Application protocol: (\S+)`)
	reH2Finished = regexp.MustCompile(`(?m)^finished in \S+, ([\d.]+) req/s, (\S+)`)
	reH2Requests = regexp.MustCompile(`(?m)^requests: (\d+) total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, (\d+) timeout`)
	reH2Status   = regexp.MustCompile(`(?m)^status codes: \d+ 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx`)
	reH2Time     = regexp.MustCompile(`(?m)^time for request:\s+(\S+)\s+(\S+)\s+(\S+)`)
)

// parseH2load reads h2load's summary; a run where h2 was not negotiated
// (h2load falls back to HTTP/1.1) is errNoH2.
func parseH2load(out string) (wrkResult, error) {
	r := wrkResult{Raw: tail(out, 4000), SocketErrors: map[string]int64{}, OriginRequests: -1}
	if m := reH2Proto.FindStringSubmatch(out); m == nil || m[1] != "h2" {
		return r, errNoH2
	}
	m := reH2Finished.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("h2load: no summary in output: %s", tail(out, 400))
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	r.Transfer = m[2]
	if m := reH2Requests.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
		for i, k := range []string{"failed", "errored", "timeout"} {
			r.SocketErrors[k], _ = strconv.ParseInt(m[i+2], 10, 64)
		}
	}
	if m := reH2Status.FindStringSubmatch(out); m != nil {
		c4, _ := strconv.ParseInt(m[1], 10, 64)
		c5, _ := strconv.ParseInt(m[2], 10, 64)
		r.Non2xx = c4 + c5
	}
	if m := reH2Time.FindStringSubmatch(out); m != nil {
		r.LatencyMaxMS, r.LatencyAvgMS = wrkMS(m[2]), wrkMS(m[3])
	}
	return r, nil
}
