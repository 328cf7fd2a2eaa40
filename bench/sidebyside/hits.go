package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"
)

// The warmed objects of the hit phase (and the ceiling's).
const (
	hitPlaylist = "/synthetic/1KiB/bench-hit.m3u8"
	hitSegment  = "/synthetic/2MiB/bench-hit.ts"
)

// hitsResult is phase (a): wrk on the two warmed objects.
type hitsResult struct {
	Playlist *wrkResult         `json:"playlist_1kib,omitempty"`
	Segment  *wrkResult         `json:"segment_2mib,omitempty"`
	Error    string             `json:"error,omitempty"`
	Edge     map[string]float64 `json:"streamedge_metrics,omitempty"`
}

// ceilingResult is the minimal Go server: hits, and a (hot) herd.
type ceilingResult struct {
	Hits  *hitsResult `json:"hits"`
	Herd  *herdResult `json:"herd_hot"`
	Error string      `json:"error,omitempty"`
	// CPUBusy is the machine's CPU use just before the phase (other work).
	CPUBusy float64 `json:"cpu_busy_before"`
}

func benchCeiling(ctx context.Context, cfg config) *ceilingResult {
	logf("ceiling: minimal Go net/http server, objects in memory")
	res := &ceilingResult{CPUBusy: waitQuiet(ctx, cfg, "ceiling")}
	origin, err := startOrigin(ctx, cfg, "ceiling")
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	addr := fmt.Sprintf("127.0.0.1:%d", cfg.ceilingPort())
	c, err := startProc("ceiling", filepath.Join(cfg.Work, "ceiling.log"), filepath.Join(cfg.Bin, "ceiling"),
		"-listen", addr, "-origin", fmt.Sprintf("http://127.0.0.1:%d", cfg.originPort()),
		"-paths", hitPlaylist+","+hitSegment)
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer c.stop()
	if err := waitHTTP(ctx, "http://"+addr+"/", 15*time.Second); err != nil {
		res.Error = errString(err)
		return res
	}
	res.Hits = hitsPhase(ctx, cfg, "ceiling", "http://"+addr)
	res.Herd = &herdResult{Path: hitSegment, OriginRequests: -1}
	rep, err := runHerd(ctx, cfg, "http://"+addr+hitSegment, "ceiling")
	res.Herd.Report, res.Herd.Error = rep, errString(err)
	return res
}

// hitsPhase warms both objects (three GETs, then wrk for WrkWarm seconds),
// then measures each with wrk, counting the origin's requests meanwhile.
func hitsPhase(ctx context.Context, cfg config, name, base string) *hitsResult {
	res := &hitsResult{}
	for _, p := range []struct {
		path string
		dst  **wrkResult
	}{{hitPlaylist, &res.Playlist}, {hitSegment, &res.Segment}} {
		url := base + p.path
		cache, err := warm(ctx, url)
		if err == nil {
			_, err = runWrk(ctx, cfg, url, cfg.WrkWarm)
		}
		if err != nil {
			res.Error = errString(err)
			return res
		}
		before, serr := getOriginStats(ctx, cfg)
		logf("%s: wrk %ds on %s", name, cfg.WrkSeconds, p.path)
		r, err := runWrk(ctx, cfg, url, cfg.WrkSeconds)
		after, serr2 := getOriginStats(ctx, cfg)
		if serr == nil && serr2 == nil {
			r.OriginRequests = after.count(p.path) - before.count(p.path)
		}
		r.WarmCache = cache
		*p.dst = &r
		if err != nil {
			res.Error = errString(err)
			return res
		}
		logf("%s: %s %.0f req/s, p99 %.1f ms, errors %d, origin requests %d",
			name, p.path, r.ReqPerSec, r.P99MS, r.errorsTotal(), r.OriginRequests)
	}
	return res
}

// warm GETs url three times and returns the last cache status header.
func warm(ctx context.Context, url string) (string, error) {
	var cache string
	for range 3 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := httpClient.Do(req)
		if err != nil {
			return "", fmt.Errorf("warm %s: %w", url, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("warm %s: HTTP %d", url, resp.StatusCode)
		}
		cache = cacheHeader(resp.Header)
	}
	return cache, nil
}

// cacheHeader is nginx's X-Cache-Status or the others' X-Cache.
func cacheHeader(h http.Header) string {
	if v := h.Get("X-Cache-Status"); v != "" {
		return v
	}
	return h.Get("X-Cache")
}
