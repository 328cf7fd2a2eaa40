package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/segments"
)

// warmStore opens the store: from the snapshot at path when there is a good
// one, cold otherwise. A corrupt, foreign or differently sized snapshot is
// reported and ignored, never fatal.
func warmStore(path string, cfg segments.Config, log *slog.Logger) (st *segments.Store, loaded bool) {
	if path == "" {
		return segments.New(cfg), false
	}
	t0 := time.Now()
	st, err := segments.LoadFromDir(path, cfg)
	switch {
	case err == nil:
		s := st.Stats()
		log.Info("cache loaded", "path", path, "entries", s.Entries, "bytes", s.Bytes, "took", time.Since(t0).Round(time.Millisecond).String())
		return st, true
	case errors.Is(err, fs.ErrNotExist):
		log.Info("no cache snapshot yet; starting cold", "path", path)
	default:
		log.Warn("cache snapshot ignored; starting cold", "path", path, "err", err)
	}
	return segments.New(cfg), false
}

// saver writes the store's snapshot periodically and once at shutdown, one
// save at a time.
type saver struct {
	path  string
	store *segments.Store
	log   *slog.Logger
	mu    sync.Mutex
	saves *prometheus.CounterVec
	dur   prometheus.Histogram
	last  prometheus.Gauge
	// beforeSave runs first in each save: the invalidations (invalidate.go),
	// saved before the entries they judge so none outlives its record.
	beforeSave func()
}

func newSaver(path string, st *segments.Store, log *slog.Logger, reg prometheus.Registerer, loaded bool) *saver {
	s := &saver{path: path, store: st, log: log,
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_cache_saves_total",
			Help: "Cache snapshots written (-cache-file), by result."}, []string{"result"}),
		dur: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "streamedge_cache_save_duration_seconds",
			Help: "Time to write a cache snapshot.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 12)}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_cache_last_save_timestamp_seconds",
			Help: "Unix time of the last good snapshot."}),
	}
	warm := prometheus.NewGauge(prometheus.GaugeOpts{Name: "streamedge_cache_warm_start",
		Help: "1 when this process started from a cache snapshot, 0 when cold."})
	if loaded {
		warm.Set(1)
	}
	reg.MustRegister(s.saves, s.dur, s.last, warm)
	return s
}

// save writes one snapshot; errors are logged and counted, not fatal.
func (s *saver) save() {
	if s == nil || s.path == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.beforeSave != nil {
		s.beforeSave()
	}
	t0 := time.Now()
	if err := s.store.SaveToDir(s.path); err != nil {
		s.saves.WithLabelValues("error").Inc()
		s.log.Error("cache snapshot failed", "path", s.path, "err", err)
		return
	}
	s.saves.WithLabelValues("ok").Inc()
	s.dur.Observe(time.Since(t0).Seconds())
	s.last.SetToCurrentTime()
	s.log.Info("cache snapshot written", "path", s.path, "took", time.Since(t0).Round(time.Millisecond).String())
}

// every saves each interval until ctx ends (interval 0: never).
func (s *saver) every(ctx context.Context, interval time.Duration) {
	if s == nil || s.path == "" || interval <= 0 {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.save()
		}
	}
}
