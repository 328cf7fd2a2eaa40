package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// serve runs the edge until ctx ends, then drains. ready, if set, is told the
// bound addresses once both listeners accept.
func serve(ctx context.Context, c config, stdout, stderr io.Writer, ready func(edgeAddr, adminAddr string), wrap ...func(edge http.Handler, reg *prometheus.Registry) http.Handler) error {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("-listen %s: %w", c.Listen, unwrapOp(err))
	}
	defer ln.Close()
	var adminLn net.Listener
	if c.Admin != "" && c.Admin != "off" {
		if adminLn, err = net.Listen("tcp", c.Admin); err != nil {
			return fmt.Errorf("-admin %s: %w", c.Admin, unwrapOp(err))
		}
		defer adminLn.Close()
	}
	u, _ := url.Parse(c.Origin)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: c.OriginDialTimeout, ResponseHeaderTimeout: c.OriginHeaderTime,
		Timeout: c.OriginTimeout, InsecureSkipVerify: c.OriginInsecure})
	if err != nil {
		return fmt.Errorf("-origin: %w", err)
	}
	defer oc.Close()
	accessLog, closeLog, err := openAccessLog(c.AccessLog, stdout)
	if err != nil {
		return err
	}
	defer closeLog()

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_build_info", Help: "Build version.",
			ConstLabels: prometheus.Labels{"version": version}}))
	store := segments.New(segments.Config{MaxBytes: int64(c.CacheSize), MaxEntryBytes: int64(c.MaxObjectSize) + 64<<10})
	h, err := edge.New(edge.Config{
		Store: store, Origin: oc, Keys: cachekey.New(cachekey.Config{IgnoreQuery: c.ignoreQuery()}),
		Policy: freshness.Config{DefaultTTL: c.DefaultTTL, NegativeTTL: c.NegativeTTL,
			StaleWhileRevalidate: c.StaleWhileReval, StaleIfError: c.StaleIfError},
		MaxObjectSize: int64(c.MaxObjectSize), PassTTL: c.PassTTL, ClientWriteTimeout: c.ClientWriteTime,
		Registry: reg, AccessLog: accessLog, Logger: logger,
	})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: wrapEdge(h, reg, wrap), ReadHeaderTimeout: c.ReadHeaderTimeout, IdleTimeout: c.IdleTimeout,
		MaxHeaderBytes: int(c.MaxHeaderBytes), ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var admin *http.Server
	adminAddr := ""
	if adminLn != nil {
		admin = &http.Server{Handler: adminMux(reg, oc), ReadHeaderTimeout: 5 * time.Second}
		adminAddr = adminLn.Addr().String()
		go func() { errc <- admin.Serve(adminLn) }()
	}
	logger.Info("streamedge serving", "listen", ln.Addr().String(), "origin", c.Origin, "admin", adminAddr,
		"cache_size", c.CacheSize.String(), "version", version)
	if ready != nil {
		ready(ln.Addr().String(), adminAddr)
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	}
	logger.Info("draining", "timeout", c.DrainTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.DrainTimeout)
	defer cancel()
	if admin != nil {
		_ = admin.Shutdown(sctx)
	}
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("drain cut short", "err", err)
	}
	return nil
}

// unwrapOp drops net.OpError's repetition of the address.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

func openAccessLog(dest string, stdout io.Writer) (io.Writer, func(), error) {
	switch dest {
	case "off", "":
		return nil, func() {}, nil
	case "-":
		lw := edge.NewLogWriter(stdout, 100*time.Millisecond)
		return lw, func() { _ = lw.Close() }, nil
	}
	f, err := os.OpenFile(dest, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("-access-log: %w", err)
	}
	lw := edge.NewLogWriter(f, 100*time.Millisecond)
	return lw, func() { _ = lw.Close(); _ = f.Close() }, nil
}

// adminMux serves /metrics, /healthz (the process answers) and /readyz (the
// origin accepts connections).
func adminMux(reg *prometheus.Registry, oc *origin.Client) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := oc.Ping(r.Context()); err != nil {
			http.Error(w, "origin unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	return mux
}
