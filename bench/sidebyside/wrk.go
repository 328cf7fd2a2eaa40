package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is one wrk run's figures.
type wrkResult struct {
	URL          string           `json:"url"`
	Seconds      int              `json:"seconds"`
	Requests     int64            `json:"requests"`
	ReqPerSec    float64          `json:"req_per_s"`
	Transfer     string           `json:"transfer_per_s"`
	LatencyAvgMS float64          `json:"latency_avg_ms"`
	LatencyMaxMS float64          `json:"latency_max_ms"`
	P50MS        float64          `json:"latency_p50_ms"`
	P90MS        float64          `json:"latency_p90_ms"`
	P99MS        float64          `json:"latency_p99_ms"`
	Non2xx       int64            `json:"non_2xx_3xx"`
	SocketErrors map[string]int64 `json:"socket_errors"`
	// OriginRequests is the origin's count for the URL's path during the
	// measured run (0 when every request was a hit; -1 = not measured).
	OriginRequests int64  `json:"origin_requests_during"`
	WarmCache      string `json:"warm_cache_header"` // cache header of the last warm-up GET
	Raw            string `json:"raw"`
}

// errorsTotal is non-2xx/3xx responses plus socket errors.
func (w wrkResult) errorsTotal() int64 {
	n := w.Non2xx
	for _, v := range w.SocketErrors {
		n += v
	}
	return n
}

func runWrk(ctx context.Context, cfg config, url string, seconds int) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds+30)*time.Second)
	defer cancel()
	cmd := command(ctx, "wrk", fmt.Sprintf("-t%d", cfg.WrkThreads), fmt.Sprintf("-c%d", cfg.WrkConns),
		fmt.Sprintf("-d%ds", seconds), "--latency", "--timeout", "5s", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{URL: url, Raw: string(out)}, fmt.Errorf("wrk %s: %w: %s", url, err, tail(string(out), 400))
	}
	r, err := parseWrk(string(out))
	r.URL, r.Seconds = url, seconds
	return r, err
}

var (
	reLatency  = regexp.MustCompile(`(?m)^\s*Latency\s+(\S+)\s+\S+\s+(\S+)`)
	rePct      = regexp.MustCompile(`(?m)^\s*(50|90|99)%\s+(\S+)`)
	reRequests = regexp.MustCompile(`(?m)^\s*(\d+) requests in`)
	reRPS      = regexp.MustCompile(`(?m)^Requests/sec:\s+([\d.]+)`)
	reTransfer = regexp.MustCompile(`(?m)^Transfer/sec:\s+(\S+)`)
	reNon2xx   = regexp.MustCompile(`(?m)Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket   = regexp.MustCompile(`(?m)Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads wrk's text output (run with --latency).
func parseWrk(out string) (wrkResult, error) {
	r := wrkResult{Raw: out, SocketErrors: map[string]int64{}, OriginRequests: -1}
	m := reRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no Requests/sec in output: %s", tail(out, 400))
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := reRequests.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reTransfer.FindStringSubmatch(out); m != nil {
		r.Transfer = m[1]
	}
	if m := reLatency.FindStringSubmatch(out); m != nil {
		r.LatencyAvgMS, r.LatencyMaxMS = wrkMS(m[1]), wrkMS(m[2])
	}
	for _, m := range rePct.FindAllStringSubmatch(out, -1) {
		switch m[1] {
		case "50":
			r.P50MS = wrkMS(m[2])
		case "90":
			r.P90MS = wrkMS(m[2])
		case "99":
			r.P99MS = wrkMS(m[2])
		}
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reSocket.FindStringSubmatch(out); m != nil {
		for i, k := range []string{"connect", "read", "write", "timeout"} {
			r.SocketErrors[k], _ = strconv.ParseInt(m[i+1], 10, 64)
		}
	}
	return r, nil
}

// wrkMS converts wrk's "850.00us", "1.77ms", "1.02s", "2.00m" to ms.
func wrkMS(s string) float64 {
	units := []struct {
		suffix   string
		mul, div float64
	}{{"us", 1, 1000}, {"ms", 1, 1}, {"s", 1000, 1}, {"m", 60000, 1}, {"h", 3600000, 1}}
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0
			}
			return f * u.mul / u.div
		}
	}
	return 0
}
