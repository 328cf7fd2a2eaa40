package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/limits"
	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/peering"
	"github.com/streamedge/streamedge/rewrite"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/tlsfront"
)

// wrapper lets the demo put its page in front of the edge handler.
type wrapper = func(h *edge.Handler, reg *prometheus.Registry) http.Handler

// app is a wired edge: what serve starts and stops.
type app struct {
	cfg     config
	log     *slog.Logger
	ln      net.Listener // clients; nil with -listen off
	tls     *tlsFront    // -tls-listen: HTTPS, HTTP/2, HTTP/3 (front.go); nil when off
	front   *tlsfront.Metrics
	adminLn net.Listener   // nil when -admin off
	oc      *origin.Client // flag mode: -origin
	pool    *peering.Pool  // flag mode: -peers or -peer-dns (peering.go); nil without
	dist    *dist          // -config: the file's distribution (distribution.go)
	cdnID   string         // this edge in CDN-Loop (-cdn-id)
	store   *segments.Store
	saver   *saver
	inval   *invalWiring // invalidations: the Set, its file, the API (invalidate.go)
	fleet   *fleetWiring // -fleet: the fleet state on NATS (fleet.go); nil when off
	// fleetPeers feeds the peering pools from the fleet (-peer-fleet, a
	// peering section's fleet: true); nil when off (peering.go)
	fleetPeers *fleetPeers
	peerSelf   string // the peering self advertised in the fleet; "" = the listen address
	reg        *prometheus.Registry
	limits     limits.Config
	handler    http.Handler
	fast       *fastFront // h-fast: -listen on fasthttp; nil: net/http (front.go)
	ready      atomic.Bool
	cmcdView   http.Handler // the edge's CMCD sessions (cmcd.go)
	closeLog   func()
}

// serve runs the edge until ctx ends, then drains and saves the cache. ready,
// if set, is told the bound addresses once both listeners accept.
func serve(ctx context.Context, c config, stdout, stderr io.Writer, ready func(edgeAddr, adminAddr string), wrap ...wrapper) error {
	a, err := newApp(c, stdout, stderr, wrap)
	if err != nil {
		return err
	}
	defer a.close()
	return a.run(ctx, ready)
}

// newApp binds the listeners first (a busy port is the commonest mistake and
// is reported before anything else happens), then wires the stages.
func newApp(c config, stdout, stderr io.Writer, wrap []wrapper) (*app, error) {
	a := &app{cfg: c, log: newLogger(c.LogLevel, stderr), closeLog: func() {}}
	var err error
	if c.Listen != "off" {
		if a.ln, err = listen("-listen", c.Listen); err != nil {
			return nil, err
		}
	}
	if c.Admin != "" && c.Admin != "off" {
		if a.adminLn, err = listen("-admin", c.Admin); err != nil {
			a.close()
			return nil, err
		}
	}
	if a.tls, err = newTLSFront(c); err != nil {
		a.close()
		return nil, err
	}
	if err := a.wire(stdout, wrap); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

func (a *app) wire(stdout io.Writer, wrap []wrapper) error {
	c := a.cfg
	a.reg = newRegistry()
	a.cdnID = c.cdnID(a.ln)
	ecfg, err := a.wireOrigins()
	if err != nil {
		return err
	}
	accessLog, closeLog, err := openAccessLog(c.AccessLog, stdout)
	if err != nil {
		return err
	}
	a.closeLog = closeLog
	storeCfg := storeConfig(c)
	store, loaded := warmStore(c.CacheFile, storeCfg, a.log)
	a.store, a.saver = store, newSaver(c.CacheFile, store, a.log, a.reg, loaded)
	if err := a.newFleetWiring(); err != nil { // fleet.go
		return err
	}
	invalidations, err := a.wireInvalidation(loaded) // invalidate.go
	if err != nil {
		return err
	}
	ecfg.Store, ecfg.Invalidations = store, invalidations
	ecfg.MaxObjectSize, ecfg.PassTTL, ecfg.ClientWriteTimeout = int64(c.MaxObjectSize), c.PassTTL, c.ClientWriteTime
	ecfg.MaxFills, ecfg.MaxFillBytes, ecfg.FillWait = c.MaxFills, c.maxFillBytes(), c.FillWait
	ecfg.LLHLS = llhls.Config{MaxHolders: c.LLMaxHolders, MaxHoldersPerPlaylist: c.LLMaxPerPlaylist}
	ecfg.Registry, ecfg.AccessLog, ecfg.Logger, ecfg.CDNID = a.reg, accessLog, a.log, a.cdnID
	ecfg.AccessLogFormat, ecfg.EdgeLocation = c.AccessLogFormat, edgeLocation() // accesslog.go
	h, err := edge.New(ecfg)
	if err != nil {
		return err
	}
	if a.dist != nil {
		a.dist.handler = h // reloads swap its routes
	}
	if err := a.openFleet(invalidations); err != nil {
		return err
	}
	a.cmcdView = h.CMCDSessions()
	a.limits = limits.Config{MaxConns: c.MaxConns, MaxConnsPerIP: c.MaxConnsPerIP, MaxURILength: c.MaxURILength,
		MaxHeaderBytes: int(c.MaxHeaderBytes), RatePerIP: c.RateLimit, RateBurst: c.RateBurst}
	lm, err := limits.NewMetrics(a.reg)
	if err != nil {
		return err
	}
	// The limits come first, so the demo page is limited too; the admin
	// listener is not.
	wrapped := wrapEdge(h, a.reg, wrap)
	a.handler = limits.Handler(a.limits, lm, wrapped)
	a.fast = fastHandler(c, h, wrapped, a.limits, lm) // -http1 (http1.go)
	if a.fast != nil {
		a.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "streamedge_lingering_closes_total",
			Help: "client connections fasthttp closed with the client's bytes unread, half-closed and drained so the client reads the answer, not a reset"},
			func() float64 { return float64(a.fast.conns.Lingered()) }))
	}
	if a.ln != nil {
		a.ln = limits.Listener(a.ln, a.limits, lm)
	}
	return a.wireFront(lm) // TLS listener, Alt-Svc, requests by protocol (front.go)
}

// storeConfig splits -cache-size between fastcache (the store of record) and
// the hot layer of decoded entries served without a copy: 1/16 of it, at
// most 256 MiB (the layer admits entries up to 1/8 of its size: segments and
// playlists, not whole VOD files).
func storeConfig(c config) segments.Config {
	total := int64(c.CacheSize)
	hot := min(total/16, 256<<20)
	return segments.Config{MaxBytes: total - hot, HotBytes: hot, MaxEntryBytes: int64(c.MaxObjectSize) + 64<<10}
}

// run serves until ctx ends, then stops accepting, lets in-flight requests
// finish (bounded by -drain-timeout) and saves the cache snapshot.
func (a *app) run(ctx context.Context, ready func(edgeAddr, adminAddr string)) error {
	c := a.cfg
	srv := a.newListenServer() // -listen's server on the -http1 front end (http1.go)
	errc := make(chan error, 4)
	if a.ln != nil {
		go func() { errc <- srv.serve(a.ln) }()
	}
	stopFront := a.startFront(errc)
	var admin *http.Server
	if a.adminLn != nil {
		admin = &http.Server{Handler: a.adminMux(), ReadHeaderTimeout: 5 * time.Second}
		go func() { errc <- admin.Serve(a.adminLn) }()
	}
	saveCtx, stopSaving := context.WithCancel(context.Background())
	defer stopSaving()
	go a.saver.every(saveCtx, c.CacheSaveInterval)
	if a.dist != nil {
		a.dist.onSIGHUP(saveCtx) // until the drain starts
	}
	a.ready.Store(true)
	a.log.Info("streamedge serving", "listen", a.edgeAddr(), "tls_listen", a.tls.addr(), "http1", a.http1(), "origin", c.Origin, "config", c.ConfigFile, "admin", a.adminAddr(),
		"cache_size", c.CacheSize.String(), "version", version)
	if ready != nil {
		ready(a.edgeAddr(), a.adminAddr())
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("server stopped: %w", err)
	}
	a.ready.Store(false)
	a.log.Info("draining", "timeout", c.DrainTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.DrainTimeout)
	defer cancel()
	if err := srv.shutdown(sctx); err != nil { // h-fast: either front end drains
		a.log.Warn("drain cut short", "err", err)
	}
	stopFront(sctx)
	stopSaving()
	a.saver.save()
	if admin != nil {
		_ = admin.Shutdown(sctx)
	}
	return nil
}

func (a *app) adminAddr() string {
	if a.adminLn == nil {
		return ""
	}
	return a.adminLn.Addr().String()
}

func (a *app) close() {
	if a.ln != nil {
		a.ln.Close()
	}
	a.tls.close()
	if a.adminLn != nil {
		a.adminLn.Close()
	}
	if a.oc != nil {
		a.oc.Close()
	}
	a.fleet.close()
	if a.pool != nil {
		a.pool.Close()
	}
	if a.dist != nil {
		a.dist.close()
	}
	a.closeLog()
}

// adminMux serves /metrics, /healthz (the process answers) and /readyz (the
// cache is loaded and serving, and the origin accepts connections).
func (a *app) adminMux() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{Registry: a.reg}))
	if on, exposed := pprofWanted(a.cfg.Pprof, a.adminLn.Addr()); on {
		if exposed {
			a.log.Warn("pprof is exposed: -admin listens beyond loopback and -pprof is on; profiles and traces reveal memory contents",
				"admin", a.adminAddr())
		}
		mux.HandleFunc("/debug/pprof/", pprof.Index) // profiles, on the admin listener only
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	a.cmcdRoutes(mux) // /cmcd/sessions (cmcd.go)
	if a.dist != nil {
		mux.HandleFunc("/-/reload", a.dist.reloadHandler)
	}
	a.inval.mount(mux) // the invalidation API and streamedge invalidate's endpoint
	a.fleet.mount(mux) // /fleet (fleet.go)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if !a.ready.Load() {
			http.Error(w, "not ready: starting or draining", http.StatusServiceUnavailable)
			return
		}
		if !a.fleet.ready() {
			http.Error(w, "not ready: the fleet's retained invalidations are not applied yet", http.StatusServiceUnavailable)
			return
		}
		if err := a.pingOrigins(r.Context()); err != nil {
			http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	return mux
}

// pprofWanted decides whether the admin listener serves pprof: -pprof on or
// off, or auto (on only for a loopback address). exposed reports pprof on a
// listener reachable from beyond the host.
func pprofWanted(mode string, addr net.Addr) (on, exposed bool) {
	loopback := false
	if ta, ok := addr.(*net.TCPAddr); ok {
		loopback = ta.IP.IsLoopback()
	}
	on = mode == "on" || (mode == "auto" && loopback)
	return on, on && !loopback
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl}))
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_build_info", Help: "Build version.",
			ConstLabels: prometheus.Labels{"version": version}}))
	return reg
}

func listen(flagName, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", flagName, addr, unwrapOp(err))
	}
	return ln, nil
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

// wireOrigins makes the edge's origins: the file's distribution with
// -config, else the one -origin as the default route.
func (a *app) wireOrigins() (edge.Config, error) {
	c := a.cfg
	if c.ConfigFile != "" {
		src, self, err := a.fileFleetPeers() // peering.go
		if err != nil {
			return edge.Config{}, err
		}
		d, err := newDist(c.ConfigFile, c, a.cdnID, a.reg, a.log, src, self)
		if err != nil {
			return edge.Config{}, err
		}
		a.dist = d
		return edge.Config{Routes: d.cur.Load().Routes}, nil
	}
	u, _ := url.Parse(c.Origin)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: c.OriginDialTimeout, ResponseHeaderTimeout: c.OriginHeaderTime,
		Timeout: c.OriginTimeout, InsecureSkipVerify: c.OriginInsecure, MaxFills: c.OriginMaxFills, CDNID: a.cdnID})
	if err != nil {
		return edge.Config{}, fmt.Errorf("-origin: %w", err)
	}
	a.oc = oc
	var rw rewrite.Mapper
	if c.RewriteOriginURLs {
		rw = rewrite.OriginRelative(rewrite.OriginAt(u))
	}
	peered, err := a.wirePeering(oc) // peering.go
	if err != nil {
		return edge.Config{}, err
	}
	return edge.Config{Origin: peered, Prefetch: c.Prefetch, Rewrite: rw, Keys: cachekey.New(cachekey.Config{IgnoreQuery: c.ignoreQuery()}),
		Policy: freshness.Config{DefaultTTL: c.DefaultTTL, NegativeTTL: c.NegativeTTL,
			StaleWhileRevalidate: c.StaleWhileReval, StaleIfError: c.StaleIfError}, Compress: c.Compress}, nil
}

// pingOrigins is /readyz's origin check.
func (a *app) pingOrigins(ctx context.Context) error {
	if a.dist != nil {
		return a.dist.ping(ctx)
	}
	return a.oc.Ping(ctx)
}
