package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	edgeconf "github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/internal/demopage"
)

// demoStreams are the demo origin's streams (bin/player-test origin, the
// test origin of player-test/testorigin), as printed for a player and listed
// on the demo page.
var demoStreams = []demopage.Stream{
	{Name: "live HLS (TS)", Path: "/live/hls_ts/master.m3u8"},
	{Name: "live HLS (fMP4)", Path: "/live/hls_fmp4/master.m3u8"},
	{Name: "live DASH", Path: "/live/dash/manifest.mpd"},
	{Name: "VOD HLS (TS)", Path: "/vod/hls_ts/master.m3u8"},
	{Name: "VOD HLS (fMP4)", Path: "/vod/hls_fmp4/master.m3u8"},
	{Name: "VOD DASH", Path: "/vod/dash/manifest.mpd"},
}

// defaultDemoAssets is where `make demo` installs hls.js and shaka-player
// (npm ci in player-test/browser), relative to the repository root.
const defaultDemoAssets = "player-test/browser/node_modules"

// defaultDemoOrigin is where `bin/player-test origin` listens by default,
// and so where `make demo` starts it.
const defaultDemoOrigin = "http://127.0.0.1:8081"

// demo serves -origin (the demo origin, a separate process: `make demo`
// starts `bin/player-test origin`) through the edge, with the demo page
// under /demo/ on the same listener, printing the URLs a player can open.
// The binary carries no media of its own.
func demo(ctx context.Context, c config, stdout, stderr io.Writer) error {
	if c.ConfigFile != "" { // the demo origin is the default behavior's (deploy/demo.yaml)
		u, err := demoOriginOf(c.ConfigFile)
		if err != nil {
			return err
		}
		c.Origin = u
	}
	if err := waitOrigin(ctx, c.Origin, 10*time.Second); err != nil {
		return err
	}
	assets := demoAssetsDir(c.DemoAssets)
	wrap := func(h *edge.Handler, _ *prometheus.Registry) http.Handler {
		page := demopage.Handler(demopage.Config{Stats: h.Stats, AssetsDir: assets, Streams: demoStreams,
			OriginRequests: originCounter(c.Origin)})
		return withDemoPage(page, h)
	}
	return serve(ctx, c, stdout, stderr, func(edgeAddr, adminAddr string) {
		base := "http://" + loopbackHost(edgeAddr)
		fmt.Fprintf(stdout, "\nstreamedge demo: the edge at %s caches the demo origin at %s\n\n", base, c.Origin)
		fmt.Fprintf(stdout, "  %-16s %s/demo/\n\n", "demo page", base)
		for _, s := range demoStreams {
			fmt.Fprintf(stdout, "  %-16s %s%s\n", s.Name, base, s.Path)
		}
		fmt.Fprintf(stdout, "\nOpen the demo page in a browser, or a stream in a player (Safari, VLC, ffplay).\n")
		if !hasVendor(assets) {
			fmt.Fprintf(stdout, "The demo page's player libraries are missing from %s: run `make demo`.\n", assets)
		}
		if adminAddr != "" {
			fmt.Fprintf(stdout, "Metrics: http://%s/metrics\n", adminAddr)
		}
		fmt.Fprintf(stdout, "Press Ctrl-C to stop.\n\n")
	}, wrap)
}

// waitOrigin waits until the demo origin answers HTTP at all (it may have
// been started a moment before the edge), up to wait. It asks for the test
// origin's /_stats, which the origin does not count, so the demo page's
// cross-check of the origin's own count stays exact.
func waitOrigin(ctx context.Context, origin string, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(origin, "/")+"/_stats", nil)
		if err != nil {
			return fmt.Errorf("-origin %q: %w", origin, err)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo origin %s not answering (%w): start it with `bin/player-test origin` or use `make demo`", origin, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// originCounter reads the test origin's own request count from its /_stats
// (the demo page shows it beside the edge's count); false when the origin
// does not answer it.
func originCounter(origin string) func() (int64, bool) {
	client := &http.Client{Timeout: time.Second}
	url := strings.TrimSuffix(origin, "/") + "/_stats"
	return func() (int64, bool) {
		resp, err := client.Get(url)
		if err != nil {
			return 0, false
		}
		defer resp.Body.Close()
		var s struct {
			Requests *int64 `json:"requests"`
		}
		if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&s) != nil || s.Requests == nil {
			return 0, false
		}
		return *s.Requests, true
	}
}

// withDemoPage sends /demo and /demo/... to page and everything else to the
// edge, untouched (no path cleaning, unlike http.ServeMux).
func withDemoPage(page, edge http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; p == "/demo" || strings.HasPrefix(p, "/demo/") {
			page.ServeHTTP(w, r)
			return
		}
		edge.ServeHTTP(w, r)
	})
}

// wrapEdge applies serve's optional handler wrapper (demo mode's /demo/ page).
func wrapEdge(h *edge.Handler, reg *prometheus.Registry, wrap []wrapper) http.Handler {
	if len(wrap) == 0 || wrap[0] == nil {
		return h
	}
	return wrap[0](h, reg)
}

// demoAssetsDir picks the node_modules directory with the player libraries:
// dir if given, else defaultDemoAssets relative to the working directory,
// else relative to the repository the binary was built into (bin/..).
func demoAssetsDir(dir string) string {
	if dir != "" {
		return dir
	}
	if hasVendor(defaultDemoAssets) {
		return defaultDemoAssets
	}
	if exe, err := os.Executable(); err == nil {
		if alt := filepath.Join(filepath.Dir(filepath.Dir(exe)), defaultDemoAssets); hasVendor(alt) {
			return alt
		}
	}
	return defaultDemoAssets
}

func hasVendor(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "hls.js", "dist", "hls.min.js"))
	return err == nil
}

// loopbackHost turns ":8080" or "[::]:8080" into "127.0.0.1:8080".
func loopbackHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "::" || host == "0.0.0.0" || strings.Contains(host, "::") {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// demoOriginOf is the URL of a configuration file's default behavior's
// origin (an origin group's primary): the demo origin the page counts.
func demoOriginOf(path string) (string, error) {
	f, err := edgeconf.Load(path)
	if err != nil {
		return "", fmt.Errorf("-config: %w", err)
	}
	name := f.DefaultBehavior.Origin
	if g := f.OriginGroups[name]; g != nil {
		name = g.Primary
	}
	o := f.Origins[name]
	if o == nil {
		return "", fmt.Errorf("-config %s: the demo needs the default behavior on an HTTP origin, not %q", path, name)
	}
	return o.URL, nil
}
