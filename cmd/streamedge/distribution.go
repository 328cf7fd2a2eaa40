package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	edgeconf "github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/internal/distribution"
	"github.com/streamedge/streamedge/peering"
)

// Serving from a configuration file (-config): the file's origins, groups
// and behaviors become the edge's routes (package distribution); SIGHUP or
// `streamedge reload` (POST /-/reload on the admin listener) builds a new
// distribution from the file and swaps it in at once. A file that does not
// load or build is refused: the error is logged and counted, and the
// distribution in use keeps serving.

// configFlags are the flags a configuration file governs: set together with
// -config they would disagree with it, so that is refused.
var configFlags = []string{"origin", "origin-timeout", "origin-dial-timeout", "origin-header-timeout",
	"origin-insecure", "origin-max-fills", "default-ttl", "ignore-query", "compress", "rewrite-origin-urls",
	"peers", "peer-self", "peer-dns", "peer-hot", "peer-fleet"}

// checkConfigFlags refuses a flag the file also sets.
func (c *config) checkConfigFlags() error {
	if c.ConfigFile == "" {
		return nil
	}
	for _, name := range configFlags {
		if c.set[name] {
			return fmt.Errorf("-%s and -config: the configuration file sets origins and cache policies; drop -%s", name, name)
		}
	}
	return nil
}

// dist is the app's current distribution and how it is reloaded.
type dist struct {
	path    string
	opt     distribution.Options
	handler *edge.Handler
	log     *slog.Logger
	cur     atomic.Pointer[distribution.Distribution]
	mu      sync.Mutex // one reload at a time
	reloads *prometheus.CounterVec
	loaded  prometheus.Gauge
	// onReload is told of each reloaded file before its routes serve (the
	// invalidation API's keys); an error refuses the reload.
	onReload func(*edgeconf.File) error
}

// newDist loads and builds the file at start: any problem stops the start.
// peers and peerSelf are a peering section's fleet source and this edge's
// advertised URL (nil and "" without the fleet state).
func newDist(path string, c config, cdnID string, reg prometheus.Registerer, log *slog.Logger, peers peering.Source, peerSelf string) (*dist, error) {
	m, err := distribution.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	pm, err := peering.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	d := &dist{path: path, log: log,
		opt: distribution.Options{Metrics: m, PeerMetrics: pm, PeerResolver: c.peerResolver, PeerFleet: peers, PeerSelf: peerSelf, CDNID: cdnID, Prefetch: c.Prefetch, Policy: freshness.Config{NegativeTTL: c.NegativeTTL,
			StaleWhileRevalidate: c.StaleWhileReval, StaleIfError: c.StaleIfError}},
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_config_reloads_total",
			Help: "Configuration reloads (SIGHUP, streamedge reload) by result: ok, or error (the previous configuration kept serving)."}, []string{"result"}),
		loaded: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_config_loaded_timestamp_seconds",
			Help: "When the configuration in use was loaded (Unix time)."}),
	}
	for _, col := range []prometheus.Collector{d.reloads, d.loaded} {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	built, _, err := d.build()
	if err != nil {
		return nil, err
	}
	d.cur.Store(built)
	d.loaded.SetToCurrentTime()
	return d, nil
}

// build loads the file and builds its distribution.
func (d *dist) build() (*distribution.Distribution, *edgeconf.File, error) {
	f, err := edgeconf.Load(d.path)
	if err != nil {
		return nil, nil, fmt.Errorf("-config: %w", err)
	}
	built, err := distribution.Build(context.Background(), f, d.opt)
	if err != nil {
		return nil, nil, fmt.Errorf("-config %s: %w", d.path, err)
	}
	return built, f, nil
}

// reload swaps in the file's new distribution, or keeps the current one and
// returns why not.
func (d *dist) reload() error { return d.swap(d.path, d.build) }

// reloadFrom is reload with the configuration's bytes instead of the file
// (a fleet configuration version; name says which in errors and logs).
func (d *dist) reloadFrom(name string, yaml []byte) error {
	return d.swap(name, func() (*distribution.Distribution, *edgeconf.File, error) {
		f, err := edgeconf.Parse(name, yaml)
		if err != nil {
			return nil, nil, err
		}
		built, err := distribution.Build(context.Background(), f, d.opt)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return built, f, nil
	})
}

// swap builds a distribution and puts it in place of the current one.
func (d *dist) swap(name string, build func() (*distribution.Distribution, *edgeconf.File, error)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	built, f, err := build()
	if err == nil && d.onReload != nil {
		if err = d.onReload(f); err != nil {
			built.Close()
		}
	}
	if err != nil {
		d.reloads.WithLabelValues("error").Inc()
		d.log.Error("configuration reload refused: the previous configuration keeps serving", "err", err)
		return err
	}
	d.handler.SetRoutes(built.Routes)
	old := d.cur.Swap(built)
	d.reloads.WithLabelValues("ok").Inc()
	d.loaded.SetToCurrentTime()
	d.log.Info("configuration reloaded", "config", name)
	old.Close() // idle connections only: fills in flight on them finish
	return nil
}

// onSIGHUP starts reloading on each SIGHUP until ctx ends; the signal is
// caught from the moment it returns.
func (d *dist) onSIGHUP(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go d.reloadOn(ctx, hup)
}

func (d *dist) reloadOn(ctx context.Context, hup chan os.Signal) {
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_ = d.reload()
		}
	}
}

// ping is /readyz's origin check: every origin the routes use.
func (d *dist) ping(ctx context.Context) error { return d.cur.Load().Ping(ctx) }

func (d *dist) close() { d.cur.Load().Close() }

// reloadHandler is POST /-/reload on the admin listener: 200 once the new
// configuration serves, 422 with every problem when it was refused.
func (d *dist) reloadHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST to reload the configuration", http.StatusMethodNotAllowed)
		return
	}
	if err := d.reload(); err != nil {
		http.Error(w, "reload refused, the previous configuration keeps serving:\n"+err.Error(), http.StatusUnprocessableEntity)
		return
	}
	_, _ = io.WriteString(w, "reloaded "+d.path+"\n")
}

// reloadCommand is `streamedge reload [-admin ADDR]`: it asks a running edge
// to reload its configuration file and prints the answer.
func reloadCommand(args []string, stdout, stderr io.Writer) error {
	addr, err := adminFlag("reload", args, stderr)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post("http://"+addr+"/-/reload", "text/plain", nil)
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprint(stderr, string(body))
		return errors.New("reload refused")
	}
	fmt.Fprint(stdout, string(body))
	return nil
}

// adminFlag parses the one flag of the commands that talk to a running
// edge's admin listener.
func adminFlag(cmd string, args []string, stderr io.Writer) (string, error) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("admin", defaults().Admin, "the running edge's -admin address")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "streamedge %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return "", errUsage
	}
	return *addr, nil
}
