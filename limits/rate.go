package limits

import (
	"math"
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client IP in one bounded table.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu    sync.Mutex
	table *ipTable
}

func newRateLimiter(cfg Config, m *Metrics, now func() time.Time) *rateLimiter {
	// A bucket untouched long enough to have refilled is the same as a new
	// one, so that is when its entry may go.
	idle := time.Duration(float64(cfg.RateBurst) / cfg.RatePerIP * float64(time.Second))
	idle = max(idle, time.Second)
	return &rateLimiter{rate: cfg.RatePerIP, burst: float64(cfg.RateBurst), now: now,
		table: newIPTable(cfg.MaxTrackedIPs, idle, m.addTracked)}
}

// allow takes a token for key; if none is left it reports how long until one
// is.
func (rl *rateLimiter) allow(key netip.Addr) (bool, time.Duration) {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	e, created := rl.table.get(key, now)
	if created {
		e.tokens = rl.burst
	} else if dt := now.Sub(e.last).Seconds(); dt > 0 {
		e.tokens = math.Min(rl.burst, e.tokens+dt*rl.rate)
	}
	e.last = now
	if e.tokens >= 1 {
		e.tokens--
		return true, 0
	}
	wait := time.Duration((1 - e.tokens) / rl.rate * float64(time.Second))
	return false, wait
}

// retryAfter renders a wait as whole seconds for Retry-After, at least 1.
func retryAfter(wait time.Duration) int {
	return max(1, int(math.Ceil(wait.Seconds())))
}
