package edge

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/semaphore"

	"github.com/streamedge/streamedge/failure"
)

// ErrBusy: a miss found the fill limits (-max-fills, the origin's own cap,
// -max-fill-bytes) full for -fill-wait. Answered 503 with Retry-After
// (package failure), or the stale copy within stale-if-error.
var ErrBusy = failure.ErrBusy

// Fill limits. Fills outlive their clients, so what bounds them is not the
// clients but these: concurrent fills in all and per origin (each is at most
// one origin connection), and the bytes their body buffers hold. A fill
// waits up to -fill-wait for a slot, and for the bytes of a body whose length
// it knows; a growing body that finds the budget spent stops buffering (its
// viewers continue on their own, continue.go).
const (
	defaultMaxFills     = DefaultMaxFills
	defaultMaxFillBytes = DefaultMaxFillBytes
	defaultFillWait     = DefaultFillWait
	fillBytesStep       = 256 << 10 // a body of unknown length reserves this much at a time
)

type fillLimits struct {
	fills     *semaphore.Weighted
	bytes     *semaphore.Weighted
	maxBytes  int64
	wait      time.Duration
	held      atomic.Int64
	refused   *prometheus.CounterVec // by limit
	waitHisto prometheus.Histogram
}

func newFillLimits(maxFills int, maxBytes int64, wait time.Duration) *fillLimits {
	return &fillLimits{
		fills: semaphore.NewWeighted(int64(maxFills)), bytes: semaphore.NewWeighted(maxBytes), maxBytes: maxBytes, wait: wait,
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_fills_refused_total",
			Help: "Misses answered 503 (or stale) because a fill limit stayed full for -fill-wait, by limit (fills, origin_fills, fill_bytes)."}, []string{"limit"}),
		waitHisto: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "streamedge_fill_wait_seconds",
			Help: "Time fills waited for a fill slot and their buffer bytes.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)}),
	}
}

func (l *fillLimits) collectors() []prometheus.Collector {
	return []prometheus.Collector{l.refused, l.waitHisto,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_fill_bytes",
			Help: "Bytes reserved by the body buffers of fills in flight (bounded by -max-fill-bytes)."}, func() float64 { return float64(l.held.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "streamedge_fill_max_bytes",
			Help: "The fill buffer budget (-max-fill-bytes)."}, func() float64 { return float64(l.maxBytes) }),
	}
}

// fillLease is one fill's slots and buffer bytes; release gives all back.
type fillLease struct {
	l        *fillLimits
	origin   func()
	reserved int64
}

// admit takes a fill slot in all and one of the origin's, each waiting up to
// -fill-wait.
func (l *fillLimits) admit(oc Origin) (*fillLease, error) {
	t0 := time.Now()
	defer func() { l.waitHisto.Observe(time.Since(t0).Seconds()) }()
	ctx, cancel := context.WithTimeout(context.Background(), l.wait)
	defer cancel()
	if err := l.fills.Acquire(ctx, 1); err != nil {
		return nil, l.refuse("fills")
	}
	rel, err := oc.AcquireFill(ctx)
	if err != nil {
		l.fills.Release(1)
		return nil, l.refuse("origin_fills")
	}
	return &fillLease{l: l, origin: rel}, nil
}

// tryAdmit is admit without waiting: a slot now or ErrBusy (prefetches).
func (l *fillLimits) tryAdmit(oc Origin) (*fillLease, error) {
	if !l.fills.TryAcquire(1) {
		return nil, ErrBusy
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a slot free now, or none
	rel, err := oc.AcquireFill(ctx)
	if err != nil {
		l.fills.Release(1)
		return nil, ErrBusy
	}
	return &fillLease{l: l, origin: rel}, nil
}

func (l *fillLimits) refuse(limit string) error {
	l.refused.WithLabelValues(limit).Inc()
	return fmt.Errorf("%w (%s)", ErrBusy, limit)
}

// hold reserves the buffer bytes of a response whose length is known
// (waiting up to -fill-wait) and makes a body of unknown length reserve them
// as it grows. A body over maxObject is not buffered (it passes through).
func (s *fillLease) hold(resp *http.Response, maxObject int64) error {
	if resp.ContentLength > maxObject {
		return nil
	}
	if n := resp.ContentLength; n > 0 {
		t0 := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), s.l.wait)
		err := s.l.bytes.Acquire(ctx, n)
		cancel()
		s.l.waitHisto.Observe(time.Since(t0).Seconds())
		if err != nil {
			return s.l.refuse("fill_bytes")
		}
		s.add(n)
	}
	if resp.ContentLength < 0 {
		resp.Body = &budgetBody{ReadCloser: resp.Body, s: s}
	}
	return nil
}

func (s *fillLease) add(n int64) {
	s.reserved += n
	s.l.held.Add(n)
}

// grow reserves one more step without waiting: a fill never stalls its
// viewers for the budget.
func (s *fillLease) grow() error {
	if !s.l.bytes.TryAcquire(fillBytesStep) {
		return ErrFillBudget
	}
	s.add(fillBytesStep)
	return nil
}

func (s *fillLease) release() {
	if s.reserved > 0 {
		s.l.bytes.Release(s.reserved)
		s.l.held.Add(-s.reserved)
		s.reserved = 0
	}
	s.origin()
	s.l.fills.Release(1)
}

// budgetBody (a body of unknown length) reserves fill buffer bytes a step
// at a time before reading them.
type budgetBody struct {
	io.ReadCloser
	s    *fillLease
	read int64
}

func (b *budgetBody) Read(p []byte) (int, error) {
	if b.read >= b.s.reserved {
		if err := b.s.grow(); err != nil {
			return 0, err
		}
	}
	if avail := b.s.reserved - b.read; int64(len(p)) > avail {
		p = p[:avail]
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	return n, err
}
