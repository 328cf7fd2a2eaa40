package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/streamedge/streamedge/internal/herdreport"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// herdReport is bench/herd's JSON (one definition, in bench/herdreport).
type herdReport = herdreport.Report

// herdResult is phase (b). OriginRequests counts the origin's requests for
// the herd's object (-1 for the ceiling, which has it in memory).
type herdResult struct {
	Path            string             `json:"path"`
	OriginLatencyMS float64            `json:"origin_latency_ms"`
	OriginRequests  int64              `json:"origin_requests"`
	Report          *herdReport        `json:"report,omitempty"`
	Error           string             `json:"error,omitempty"`
	Edge            map[string]float64 `json:"streamedge_metrics,omitempty"`
	Memory          *memSample         `json:"memory,omitempty"` // the cache's, at the end of the phase
}

func logHerd(name string, res *herdResult) {
	if r := res.Report; r != nil {
		logf("%s: herd origin requests %d, ok %d/%d, distinct bodies %d; first body byte p50/p99/max "+
			"%.0f/%.0f/%.0f ms, last byte %.0f/%.0f/%.0f ms (headers p99 %.0f ms)", name, res.OriginRequests,
			r.OK, r.Clients, r.DistinctBodies, r.FirstBodyMS.P50, r.FirstBodyMS.P99, r.FirstBodyMS.Max,
			r.TotalMS.P50, r.TotalMS.P99, r.TotalMS.Max, r.HeaderMS.P99)
	}
}

// herdPhase: a slow origin, a cold peer, and a never-requested object.
func herdPhase(ctx context.Context, cfg config, peer string) *herdResult {
	res := &herdResult{OriginLatencyMS: float64(cfg.HerdLatency.Milliseconds()),
		Path: fmt.Sprintf("/synthetic/2MiB/herd-%s-%d.ts", peer, time.Now().Unix())}
	origin, err := startOrigin(ctx, cfg, peer+"-herd", "-latency", cfg.HerdLatency.String())
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	p, err := startPeer(ctx, cfg, peer, "herd")
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer p.stop()
	logf("%s: herd of %d on %s (origin latency %v)", peer, cfg.HerdClients, res.Path, cfg.HerdLatency)
	res.Report, err = runHerd(ctx, cfg, fmt.Sprintf("http://127.0.0.1:%d%s", cfg.peerPort(), res.Path), peer)
	res.Error = errString(err)
	if st, err := getOriginStats(ctx, cfg); err == nil {
		res.OriginRequests = st.count(res.Path)
	} else if res.Error == "" {
		res.Error = errString(err)
	}
	res.Edge = edgeMetrics(ctx, cfg, peer)
	res.Memory = sampleMem(p.pids())
	logHerd(peer, res)
	return res
}

func runHerd(ctx context.Context, cfg config, url, tag string) (*herdReport, error) {
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	out := filepath.Join(cfg.Work, "herd-"+tag+".json")
	cmd := command(ctx, filepath.Join(cfg.Bin, "herd"), "-url", url,
		"-clients", strconv.Itoa(cfg.HerdClients), "-timeout", "60s", "-json", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("herd: %w: %s", err, tail(string(b), 400))
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var r herdReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("herd report: %w", err)
	}
	return &r, nil
}
