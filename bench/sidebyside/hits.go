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

// hitsResult is phase (a): wrk on the two warmed objects (also the HTTPS
// phase's, with wrk or h2load).
type hitsResult struct {
	Playlist *wrkResult         `json:"playlist_1kib,omitempty"`
	Segment  *wrkResult         `json:"segment_2mib,omitempty"`
	Error    string             `json:"error,omitempty"`
	Edge     map[string]float64 `json:"streamedge_metrics,omitempty"`
	Memory   *memSample         `json:"memory,omitempty"` // the cache's, at the end of the phase
}

// ceilingLibs are the Go ceilings (bench/ceiling -lib), each a column.
var ceilingLibs = []string{"net/http", "fasthttp"}

// ceilingResult is one minimal Go server: hits, a (hot) herd, HTTPS hits.
type ceilingResult struct {
	Lib   string       `json:"lib"`
	Hits  *hitsResult  `json:"hits"`
	Herd  *herdResult  `json:"herd_hot"`
	HTTPS *httpsResult `json:"https,omitempty"`
	Error string       `json:"error,omitempty"`
	// CPUBusy is the machine's CPU use by other work just before the
	// phase, or before its HTTPS part if higher.
	CPUBusy float64 `json:"cpu_busy_before"`
}

func (c *ceilingResult) column() string { return "ceiling " + c.Lib }

// benchCeiling runs one Go ceiling with the objects in memory: HTTP hits, a
// hot herd, and (with cf) HTTPS hits on the same certificate as the others.
func benchCeiling(ctx context.Context, cfg config, lib string, cf *certFiles) *ceilingResult {
	logf("ceiling: minimal Go %s server, objects in memory", lib)
	res := &ceilingResult{Lib: lib, CPUBusy: waitQuiet(ctx, cfg, "ceiling "+lib)}
	origin, err := startOrigin(ctx, cfg, "ceiling")
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer origin.stop()
	addr := fmt.Sprintf("127.0.0.1:%d", cfg.ceilingPort())
	tlsAddr := fmt.Sprintf("127.0.0.1:%d", cfg.ceilingTLSPort())
	argv := []string{filepath.Join(cfg.Bin, "ceiling"), "-lib", lib, "-listen", addr,
		"-origin", fmt.Sprintf("http://127.0.0.1:%d", cfg.originPort()), "-paths", hitPlaylist + "," + hitSegment}
	if cf != nil {
		argv = append(argv, "-tls-listen", tlsAddr, "-tls-cert", cf.Cert, "-tls-key", cf.Key)
	}
	tag := map[string]string{"net/http": "nethttp", "fasthttp": "fasthttp"}[lib]
	c, err := startProc("ceiling", filepath.Join(cfg.Work, "ceiling-"+tag+".log"), argv...)
	if err != nil {
		res.Error = errString(err)
		return res
	}
	defer c.stop()
	if err := waitHTTP(ctx, httpClient, "http://"+addr+"/", 15*time.Second); err != nil {
		res.Error = errString(err)
		return res
	}
	name := "ceiling " + lib
	res.Hits = hitsPhase(ctx, cfg, name, "http://"+addr, httpClient, runWrk)
	res.Herd = &herdResult{Path: hitSegment, OriginRequests: -1}
	rep, err := runHerd(ctx, cfg, "http://"+addr+hitSegment, "ceiling-"+tag)
	res.Herd.Report, res.Herd.Error = rep, errString(err)
	logHerd(name, res.Herd)
	if cf != nil {
		res.CPUBusy = max(res.CPUBusy, waitQuiet(ctx, cfg, name+" HTTPS"))
		// fasthttp speaks HTTP/1.1 only: no h2 figure.
		res.HTTPS = httpsHits(ctx, cfg, name, "https://"+tlsAddr, *cf, lib == "net/http")
	}
	return res
}

// loadFunc is one measured load run: wrk (HTTP/1.1, plain or TLS) or
// h2load (HTTP/2 over TLS).
type loadFunc func(ctx context.Context, cfg config, url string, seconds int) (wrkResult, error)

// hitsPhase warms both objects (three GETs, then the load for WrkWarm
// seconds), then measures each, counting the origin's requests meanwhile.
func hitsPhase(ctx context.Context, cfg config, name, base string, client *http.Client, load loadFunc) *hitsResult {
	res := &hitsResult{}
	for _, p := range []struct {
		path string
		dst  **wrkResult
	}{{hitPlaylist, &res.Playlist}, {hitSegment, &res.Segment}} {
		url := base + p.path
		cache, err := warm(ctx, client, url)
		if err == nil {
			_, err = load(ctx, cfg, url, cfg.WrkWarm)
		}
		if err != nil {
			res.Error = errString(err)
			return res
		}
		before, serr := getOriginStats(ctx, cfg)
		logf("%s: %ds on %s", name, cfg.WrkSeconds, url)
		r, err := load(ctx, cfg, url, cfg.WrkSeconds)
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
		p99 := "n/a" // h2load prints no percentiles
		if r.P99MS > 0 {
			p99 = fmt.Sprintf("%.1f ms", r.P99MS)
		}
		logf("%s: %s %.0f req/s, p99 %s, errors %d, origin requests %d",
			name, p.path, r.ReqPerSec, p99, r.errorsTotal(), r.OriginRequests)
	}
	return res
}

// warm GETs url three times and returns the last cache status header.
func warm(ctx context.Context, client *http.Client, url string) (string, error) {
	var cache string
	for range 3 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
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
