package testorigin

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// lockedRand is the origin's seeded, shared source of fault decisions.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

func newLockedRand(seed int64) *lockedRand {
	return &lockedRand{r: rand.New(rand.NewPCG(uint64(seed), 0x7e57_0419))}
}

// hit reports true with probability rate (never draws for rate <= 0).
func (l *lockedRand) hit(rate float64) bool {
	if rate <= 0 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64() < rate
}

// upTo returns a uniform duration in [0, d].
func (l *lockedRand) upTo(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Duration(l.r.Int64N(int64(d) + 1))
}

func (l *lockedRand) fill(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range b {
		b[i] = byte(l.r.Uint32())
	}
}

// sleep waits for d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

var errTruncated = errors.New("testorigin: injected truncation")

// faultWriter stalls or cuts a body once about half of the declared
// Content-Length has been written.
type faultWriter struct {
	http.ResponseWriter
	ctx       context.Context
	stallFor  time.Duration // > 0: pause at the midpoint
	truncate  bool          // stop at the midpoint
	written   int64
	fired     bool
	truncated bool // the body was cut; the handler must abort the connection
}

func (w *faultWriter) Write(p []byte) (int, error) {
	if w.fired {
		return w.pass(p)
	}
	mid := w.midpoint()
	if w.written+int64(len(p)) < mid {
		return w.pass(p)
	}
	n, err := w.pass(p[:mid-w.written])
	if err != nil {
		return n, err
	}
	w.fired = true
	w.Flush()
	if w.truncate {
		w.truncated = true
		return n, errTruncated
	}
	if !sleep(w.ctx, w.stallFor) {
		return n, w.ctx.Err()
	}
	m, err := w.pass(p[n:])
	return n + m, err
}

func (w *faultWriter) pass(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// midpoint is half the Content-Length ServeContent declared (at least 1).
func (w *faultWriter) midpoint() int64 {
	n, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64)
	if err != nil || n < 2 {
		return 1
	}
	return n / 2
}

func (w *faultWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *faultWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
