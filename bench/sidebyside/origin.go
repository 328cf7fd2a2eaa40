package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// originStats is the part of the test origin's /_stats we use.
type originStats struct {
	Requests int64            `json:"requests"`
	Blocking map[string]int64 `json:"blocking"` // LL-HLS blocking reloads by path?directives
	Paths    map[string]struct {
		Requests int64 `json:"requests"`
	} `json:"paths"`
}

func (s originStats) count(path string) int64 { return s.Paths[path].Requests }

func getOriginStats(ctx context.Context, cfg config) (originStats, error) {
	var st originStats
	u := fmt.Sprintf("http://127.0.0.1:%d/_stats", cfg.originPort())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return st, fmt.Errorf("origin stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("origin stats: %w", err)
	}
	return st, nil
}

// edgeMetrics reads streamedge's request and origin counters from its
// admin /metrics (nil for the other peers or on failure).
func edgeMetrics(ctx context.Context, cfg config, peer string) map[string]float64 {
	if peer != "streamedge" {
		return nil
	}
	u := fmt.Sprintf("http://127.0.0.1:%d/metrics", cfg.adminPort())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "streamedge_requests_total") &&
			!strings.HasPrefix(line, "streamedge_origin_requests_total") &&
			!strings.HasPrefix(line, "streamedge_coalesced_followers_total") &&
			!strings.HasPrefix(line, "streamedge_failed_fills_total") &&
			!strings.HasPrefix(line, "streamedge_pass_through_total") &&
			!strings.HasPrefix(line, "streamedge_prefetch") && !strings.HasPrefix(line, "streamedge_llhls_") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil && i > 0 {
			m[line[:i]] = v
		}
	}
	return m
}
