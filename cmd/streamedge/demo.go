package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/demopage"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

// demoStreams are the embedded origin's streams, as printed for a player and
// listed on the demo page.
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

// demo starts the embedded demo origin on a loopback port and serves it
// through the edge, with the demo page under /demo/ on the same listener,
// printing the URLs a player can open.
func demo(ctx context.Context, c config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo origin: %w", err)
	}
	org := testorigin.New(testorigin.Options{})
	osrv := &http.Server{Handler: org, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = osrv.Serve(ln) }()
	defer osrv.Close()
	c.Origin = "http://" + ln.Addr().String()
	assets := demoAssetsDir(c.DemoAssets)
	wrap := func(edge http.Handler, reg *prometheus.Registry) http.Handler {
		page := demopage.Handler(demopage.Config{Gatherer: reg, AssetsDir: assets, Streams: demoStreams,
			OriginRequests: func() int64 { return org.Stats().Requests }})
		return withDemoPage(page, edge)
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
func wrapEdge(h http.Handler, reg *prometheus.Registry, wrap []func(http.Handler, *prometheus.Registry) http.Handler) http.Handler {
	for _, f := range wrap {
		if f != nil {
			h = f(h, reg)
		}
	}
	return h
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
