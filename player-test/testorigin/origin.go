package testorigin

import (
	"fmt"
	"net/http"
	"time"
)

// Options configure an Origin. The zero value is a fault-free, instant origin.
type Options struct {
	Latency            time.Duration // added before every response's headers
	Jitter             time.Duration // extra uniform random delay 0..Jitter
	ErrorRate          float64       // fraction of requests answered 503
	StallRate          float64       // fraction of segment bodies that pause mid-body for StallFor
	StallFor           time.Duration
	TruncateRate       float64       // fraction of segment bodies cut short: full Content-Length sent, connection closed after about half
	GarbageRate        float64       // fraction of manifest responses replaced with garbage bytes (200, same Content-Type)
	LivePlaylistMaxAge time.Duration // if >0, live playlists/MPDs carry Cache-Control: max-age=<that> (e.g. 3600s) instead of the default
	Seed               int64
	Now                func() time.Time // nil = time.Now; tests drive the live clock
}

// Origin is the test/demo origin. It is an http.Handler; see the package
// documentation for its routes. It is safe for concurrent use.
type Origin struct {
	opts  Options
	now   func() time.Time
	start time.Time // VOD Last-Modified; the live clock runs from here
	fx    *fixtures
	live  liveClock
	rng   *lockedRand
	stats *statsTable
	mux   *http.ServeMux
	ll    *llStream      // /live/llhls
	llmux *http.ServeMux // routes under /live/llhls/
}

// New returns an Origin whose live streams start now (Options.Now or
// time.Now). It panics if the embedded fixtures are unreadable, which is a
// build defect, not a runtime condition.
func New(opts Options) *Origin {
	fx, err := loadedFixtures()
	if err != nil {
		panic(fmt.Sprintf("testorigin: fixtures: %v", err))
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	o := &Origin{
		opts:  opts,
		now:   now,
		start: now(),
		fx:    fx,
		rng:   newLockedRand(opts.Seed),
		stats: newStatsTable(),
	}
	o.live = newLiveClock(o.start, now)
	o.mux = o.routes()
	if o.ll, err = newLLStream(fx, o.live); err != nil {
		panic(fmt.Sprintf("testorigin: fixtures: %v", err))
	}
	o.llmux = o.llRoutes()
	return o
}

// Stats returns a snapshot of the request counters.
func (o *Origin) Stats() Stats { return o.stats.snapshot() }

// Reset zeroes the request counters. The live clock keeps running.
func (o *Origin) Reset() { o.stats.reset() }
