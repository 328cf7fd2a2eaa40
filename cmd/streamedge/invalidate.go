package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	edgeconf "github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/invalidation"
)

// invalWiring is the invalidation side of an app: the Set every store
// lookup consults, its file beside the cache snapshot, and the CloudFront
// API for the admin listener (nil when the configuration has no access
// keys).
type invalWiring struct {
	set    *invalidation.Set
	limits invalidation.Limits
	path   string                       // <-cache-file>.invalidations; "" without -cache-file
	api    atomic.Pointer[http.Handler] // nil: the API is off; a reload may swap it
	m      *invalidation.Metrics
	log    *slog.Logger
	mu     sync.Mutex // one write of the file at a time
	saves  *prometheus.CounterVec
	fleet  invalidation.Progress // hands created invalidations to the fleet (fleet.go); nil: no fleet
}

// invalidationsFile is where the Set is kept: beside the snapshot directory
// (which each save replaces whole), not in it.
func invalidationsFile(cacheFile string) string {
	if cacheFile == "" {
		return ""
	}
	return filepath.Clean(cacheFile) + ".invalidations"
}

// wireInvalidation builds the Set (restored from the file beside
// -cache-file), registers its metrics, hooks it into the cache saver and,
// when the -config file's invalidation section has access keys, builds the
// API. In flag mode the Set exists (streamedge invalidate works) and the API
// is off. warm says the cache snapshot was loaded.
func (a *app) wireInvalidation(warm bool) (*invalidation.Set, error) {
	sec, err := a.invalidationSection()
	if err != nil {
		return nil, err
	}
	m := invalidation.NewMetrics()
	w := &invalWiring{limits: sec.Limits(), path: invalidationsFile(a.cfg.CacheFile), log: a.log,
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_invalidation_saves_total",
			Help: "Writes of the invalidation records beside -cache-file (after each invalidation and with each cache snapshot), by result."},
			[]string{"result"})}
	for _, c := range []prometheus.Collector{m, w.saves} {
		if err := a.reg.Register(c); err != nil {
			return nil, err
		}
	}
	w.m, w.set = m, w.load(m, warm)
	w.fleet = a.progress() // fleet.go
	api, err := w.newAPI(sec)
	if err != nil {
		return nil, err
	}
	w.api.Store(api)
	a.inval = w
	if a.dist != nil {
		a.dist.onReload = w.reload // keys follow the file
	}
	a.saver.beforeSave = w.save
	return w.set, nil
}

// invalidationSection is the -config file's invalidation section (nil in
// flag mode or without one). The distribution loaded the same file just
// before; the section is read at start only (a reload keeps the keys).
func (a *app) invalidationSection() (*edgeconf.Invalidation, error) {
	if a.cfg.ConfigFile == "" {
		return nil, nil
	}
	f, err := edgeconf.Load(a.cfg.ConfigFile)
	if err != nil {
		return nil, fmt.Errorf("-config: %w", err)
	}
	return f.Invalidation, nil
}

// load restores the Set. No file is an empty Set. A file that cannot be
// read or decoded, next to a cache snapshot that loaded, could let
// invalidated objects back: everything the snapshot holds is invalidated
// instead (one "/*" record), over-invalidating rather than resurrecting.
func (w *invalWiring) load(m *invalidation.Metrics, warm bool) *invalidation.Set {
	if w.path == "" {
		return invalidation.NewSet(w.limits, m)
	}
	b, err := readBoundedFile(w.path, maxInvalidationsFile(w.limits))
	if err == nil {
		var s *invalidation.Set
		if s, err = invalidation.Decode(b, w.limits, m); err == nil {
			w.log.Info("invalidations loaded", "path", w.path, "records", s.Len())
			return s
		}
	}
	s := invalidation.NewSet(w.limits, m)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case warm:
		w.log.Warn("invalidations unreadable; every cached object loaded from the snapshot counts as invalidated", "path", w.path, "err", err)
		_ = s.Add([]string{"/*"}, time.Now())
	default:
		w.log.Warn("invalidations unreadable; the cache is cold, nothing to invalidate", "path", w.path, "err", err)
	}
	return s
}

// maxInvalidationsFile bounds what load reads: the records' and history's
// bytes plus their varints and a margin.
func maxInvalidationsFile(l invalidation.Limits) int64 {
	l = l.WithDefaults()
	return 3*int64(l.MaxBytes+l.MaxHistoryBytes) + 32*int64(l.MaxRecords+l.MaxHistory) + 1<<20
}

// save writes the Set atomically (a temporary file, fsync, rename); errors
// are logged and counted. It runs after every invalidation and before each
// cache snapshot, so the file is never older than the entries it judges.
func (w *invalWiring) save() {
	if w == nil || w.path == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := w.set.MarshalBinary()
	if err == nil {
		err = writeFileAtomic(w.path, b)
	}
	if err != nil {
		w.saves.WithLabelValues("error").Inc()
		w.log.Error("invalidations not saved", "path", w.path, "err", err)
		return
	}
	w.saves.WithLabelValues("ok").Inc()
}

// persisting saves the Set after each request that created an invalidation.
func (w *invalWiring) persisting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: rw}
		h.ServeHTTP(sw, r)
		if sw.status == http.StatusCreated {
			if loc := rw.Header().Get("Location"); loc != "" { // the API's; the local endpoint logs its own
				w.log.Info("invalidated", "location", loc, "via", "invalidation API")
			}
			w.save()
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// mount puts the API (or a note that it is off) and the local endpoint of
// `streamedge invalidate` on the admin mux.
func (w *invalWiring) mount(mux *http.ServeMux) {
	if w == nil {
		return
	}
	mux.HandleFunc("/2020-05-31/", func(rw http.ResponseWriter, r *http.Request) {
		if api := w.api.Load(); api != nil {
			(*api).ServeHTTP(rw, r)
			return
		}
		http.Error(rw, "the invalidation API is off: the configuration file's invalidation section has no access_keys", http.StatusNotFound)
	})
	mux.Handle(localInvalidationPath, w.persisting(http.HandlerFunc(w.serveLocal)))
}

func readBoundedFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes", path, limit)
	}
	return b, nil
}

func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// newAPI is the CloudFront API for the section's distribution id and access
// keys, or nil when it has none.
func (w *invalWiring) newAPI(sec *edgeconf.Invalidation) (*http.Handler, error) {
	keys := sec.Keys()
	if keys == nil {
		return nil, nil
	}
	api, err := invalidation.NewAPI(invalidation.APIConfig{
		Distributions: map[string]*invalidation.Set{sec.DistributionID: w.set},
		AccessKeys:    keys, Region: sec.Region, Metrics: w.m, Progress: w.fleet,
	})
	if err != nil {
		return nil, fmt.Errorf("invalidation: %w", err)
	}
	h := w.persisting(api)
	return &h, nil
}

// reload takes a reloaded file's distribution id and access keys (the
// records and their bounds stay those of the start).
func (w *invalWiring) reload(f *edgeconf.File) error {
	api, err := w.newAPI(f.Invalidation)
	if err != nil {
		return err
	}
	w.api.Store(api)
	return nil
}
