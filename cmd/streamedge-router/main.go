// Command streamedge-router is the request router in front of the POPs: it
// answers DNS (A/AAAA for the service name) and/or HTTP (302 to a POP's
// edge URL) with the healthy POP nearest the client (package routing).
//
//	streamedge-router -config router.yaml [-dns :53] [-http :8081] [-admin 127.0.0.1:9091] [-fleet nats://...]
//
// With -fleet the POPs' health is also the fleet state's: a POP with no
// live edge in the fleet membership gets no viewers (routing.FleetHealth
// over an observer node, which is no member).
//
// The admin listener serves /metrics, /healthz and POST /latency (viewers'
// latency reports, routing.Router.LatencyHandler). A changed -config takes
// a restart (the router holds no state worth keeping: the first probe
// round runs before it answers).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/streamedge/streamedge/fleet"
	"github.com/streamedge/streamedge/internal/routing"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr, nil)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "streamedge-router:", err)
		os.Exit(1)
	}
}

type flags struct{ config, dns, http, admin, fleet string }

func parse(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("streamedge-router", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "the router's YAML: service name, POPs, regions (required)")
	fs.StringVar(&f.dns, "dns", ":53", "UDP and TCP address to answer DNS on (\"off\" to disable)")
	fs.StringVar(&f.http, "http", "off", "address to answer HTTP with 302 redirects on (\"off\" to disable)")
	fs.StringVar(&f.admin, "admin", "127.0.0.1:9091", "address for /metrics and /healthz (\"off\" to disable)")
	fs.StringVar(&f.fleet, "fleet", "", "NATS URL of the fleet state: a POP is healthy only while it also has a live edge in the membership (empty: /readyz probes only)")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	switch {
	case f.config == "":
		return f, errors.New("-config is required")
	case f.dns == "off" && f.http == "off":
		return f, errors.New("-dns and -http are both off: nothing to serve")
	case fs.NArg() > 0:
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

// addrs are the listeners' addresses, for tests (port 0).
type addrs struct{ dns, http, admin string }

// run serves until ctx ends; ready (if not nil) gets the addresses once the
// first probe round is done and every listener is up.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addrs)) error {
	f, err := parse(args, stderr)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(f.config)
	if err != nil {
		return err
	}
	cfg, err := routing.ParseConfig(data)
	if err != nil {
		return fmt.Errorf("%s: %w", f.config, err)
	}
	reg := prometheus.NewRegistry()
	probeCtx, stopProbes := context.WithCancel(ctx)
	defer stopProbes()
	var extra []routing.Health
	if f.fleet != "" {
		h, closeFleet, err := fleetHealth(probeCtx, f.fleet, cfg.Name)
		if err != nil {
			return err
		}
		defer closeFleet()
		if err := reg.Register(h); err != nil {
			return err
		}
		extra = append(extra, h)
	}
	r, err := routing.New(cfg, reg, extra...)
	if err != nil {
		return err
	}
	wait := r.Start(probeCtx)
	defer wait()
	defer stopProbes() // before wait
	var a addrs
	var servers []*http.Server
	errc := make(chan error, 2)
	if f.dns != "off" {
		d, err := r.ListenDNS(f.dns)
		if err != nil {
			return fmt.Errorf("-dns %s: %w", f.dns, err)
		}
		defer shutdownDNS(d)
		a.dns = d.Addr()
	}
	for _, l := range []struct {
		flag, addr string
		h          http.Handler
		out        *string
	}{{"-http", f.http, r, &a.http}, {"-admin", f.admin, adminMux(reg, r), &a.admin}} {
		if l.addr == "off" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return fmt.Errorf("%s %s: %w", l.flag, l.addr, err)
		}
		s := &http.Server{Handler: l.h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
		servers = append(servers, s)
		go func() { errc <- s.Serve(ln) }()
		*l.out = ln.Addr().String()
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, s := range servers {
			_ = s.Shutdown(sctx)
		}
	}()
	fmt.Fprintf(stderr, "streamedge-router: %s on dns %q http %q admin %q\n", cfg.Name, a.dns, a.http, a.admin)
	if ready != nil {
		ready(a)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

// fleetHealth follows the fleet's membership as an observer until ctx ends
// (or close); it fails when NATS cannot be reached at start.
func fleetHealth(ctx context.Context, url, name string) (*routing.FleetHealth, func(), error) {
	octx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := fleet.Open(octx, fleet.Config{URL: url, Self: fleet.Member{ID: "streamedge-router " + name}, Observer: true})
	if err != nil {
		return nil, nil, fmt.Errorf("-fleet %s: %w", url, err)
	}
	return routing.NewFleetHealth(ctx, n), n.Close, nil
}

func shutdownDNS(d *routing.DNSServer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.Shutdown(ctx)
}

func adminMux(reg *prometheus.Registry, r *routing.Router) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.Handle("/latency", r.LatencyHandler()) // viewers' latency reports (routing.Report)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux
}
