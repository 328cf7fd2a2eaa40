// Command streamedge-router is the request router in front of the POPs: it
// answers DNS (A/AAAA for the service name) and/or HTTP (302 to a POP's
// edge URL) with the healthy POP nearest the client (package routing).
//
//	streamedge-router -config router.yaml [-dns :53] [-http :8081] [-admin 127.0.0.1:9091]
//
// The admin listener serves /metrics and /healthz. A changed -config takes
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

	"github.com/streamedge/streamedge/routing"
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

type flags struct{ config, dns, http, admin string }

func parse(args []string, stderr io.Writer) (flags, error) {
	var f flags
	fs := flag.NewFlagSet("streamedge-router", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "the router's YAML: service name, POPs, regions (required)")
	fs.StringVar(&f.dns, "dns", ":53", "UDP and TCP address to answer DNS on (\"off\" to disable)")
	fs.StringVar(&f.http, "http", "off", "address to answer HTTP with 302 redirects on (\"off\" to disable)")
	fs.StringVar(&f.admin, "admin", "127.0.0.1:9091", "address for /metrics and /healthz (\"off\" to disable)")
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
	r, err := routing.New(cfg, reg)
	if err != nil {
		return err
	}
	probeCtx, stopProbes := context.WithCancel(ctx)
	wait := r.Start(probeCtx)
	defer wait()
	defer stopProbes()
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
	}{{"-http", f.http, r, &a.http}, {"-admin", f.admin, adminMux(reg), &a.admin}} {
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

func shutdownDNS(d *routing.DNSServer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.Shutdown(ctx)
}

func adminMux(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	return mux
}
