package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Config describes one load run.
type Config struct {
	URL      string
	Players  int
	Duration time.Duration // run length; 0 = until ctx ends
	Ramp     time.Duration // spread player starts over this long
	Client   *http.Client  // nil = NewHTTPClient(Players, false)
	Player   PlayerConfig
	Metrics  *Metrics // nil = fresh; pass one to poll progress
}

// Run plays cfg.Players players against cfg.URL until cfg.Duration has
// passed or ctx ends, then returns the report.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Players <= 0 {
		return Report{}, errors.New("players must be > 0")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Report{}, fmt.Errorf("bad stream URL %q", cfg.URL)
	}
	if cfg.Client == nil {
		cfg.Client = NewHTTPClient(cfg.Players, false)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	kind, err := DetectKind(ctx, cfg.Client, u)
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	launch(ctx, cfg, kind, u)
	return cfg.Metrics.Report(time.Since(start), cfg.Players), nil
}

// launch starts the players, spaced over cfg.Ramp, and waits for them.
func launch(ctx context.Context, cfg Config, kind StreamKind, u *url.URL) {
	f := &fetcher{client: cfg.Client, m: cfg.Metrics}
	var wg sync.WaitGroup
	for i := range cfg.Players {
		if i > 0 && sleep(ctx, cfg.Ramp/time.Duration(cfg.Players)) != nil {
			break
		}
		cfg.Metrics.launched.Add(1)
		cfg.Metrics.active.Add(1)
		wg.Go(func() {
			defer cfg.Metrics.active.Add(-1)
			_ = runPlayer(ctx, kind, newPlayer(cfg.Player, f), u)
		})
	}
	wg.Wait()
}

// runPlayer runs one player of the given kind until it ends or ctx ends.
func runPlayer(ctx context.Context, kind StreamKind, p *player, u *url.URL) error {
	switch kind {
	case StreamHLS:
		return newHLSPlayer(p, u).run(ctx)
	case StreamDASH:
		return newDASHPlayer(p, u).run(ctx)
	}
	return fmt.Errorf("unsupported stream kind %s", kind)
}
