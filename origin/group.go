package origin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Origin groups (CloudFront's origin failover): a primary and a secondary
// origin. A fill goes to the primary; a connection error, a timeout or a
// configured status sends it to the secondary. A failed primary is skipped
// for Backoff (fills go straight to the secondary, the primary kept as a last
// resort), then tried again. Fills are GETs: other methods never fail over.

// DefaultFailoverStatuses are CloudFront's usual choice for a group.
var DefaultFailoverStatuses = []int{500, 502, 503, 504}

// DefaultGroupBackoff is how long a failed primary is skipped.
const DefaultGroupBackoff = 10 * time.Second

// Member is one origin of a group.
type Member struct {
	Name   string
	Client *Client
}

// GroupConfig describes an origin group.
type GroupConfig struct {
	Name               string
	Primary, Secondary Member
	FailoverStatuses   []int         // default DefaultFailoverStatuses
	Backoff            time.Duration // default DefaultGroupBackoff
	Metrics            *GroupMetrics // may be nil
	Now                func() time.Time
}

// Group fetches from a primary with failover to a secondary.
type Group struct {
	cfg      GroupConfig
	statuses map[int]bool
	mu       sync.Mutex
	state    [2]memberState // primary, secondary
}

type memberState struct {
	failures  uint64 // consecutive
	lastErr   string
	downUntil time.Time // the primary is skipped until then
}

// NewGroup checks cfg and fills in its defaults.
func NewGroup(cfg GroupConfig) (*Group, error) {
	if cfg.Primary.Client == nil || cfg.Secondary.Client == nil || cfg.Primary.Name == cfg.Secondary.Name {
		return nil, fmt.Errorf("origin group %q needs two different members", cfg.Name)
	}
	if cfg.FailoverStatuses == nil {
		cfg.FailoverStatuses = DefaultFailoverStatuses
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultGroupBackoff
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	g := &Group{cfg: cfg, statuses: map[int]bool{}}
	for _, s := range cfg.FailoverStatuses {
		g.statuses[s] = true
	}
	cfg.Metrics.up(cfg.Name, cfg.Primary.Name, true)
	cfg.Metrics.up(cfg.Name, cfg.Secondary.Name, true)
	return g, nil
}

// Primary is the member that takes requests which never fail over
// (pass-through methods other than GET and HEAD).
func (g *Group) Primary() *Client { return g.cfg.Primary.Client }

// Fetch sends a fill to the group: the primary first (unless it is backing
// off), the other member on a connection error, a timeout or a failover
// status. The last member's response or error is returned as is. A fill
// whose own context ended is not a member's failure.
func (g *Group) Fetch(ctx context.Context, fr FillRequest) (*http.Response, error) {
	order := g.order()
	for i, idx := range order {
		m := g.member(idx)
		resp, err := m.Client.Fetch(ctx, fr)
		if ctx.Err() != nil {
			return resp, err
		}
		reason := g.failure(resp, err)
		g.record(idx, reason, err, resp)
		if reason == "" || i == len(order)-1 {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // keep the connection if cheap
			resp.Body.Close()
		}
		g.cfg.Metrics.failover(g.cfg.Name, m.Name, reason)
	}
	return nil, errors.New("origin group: no members") // unreachable: two members
}

func (g *Group) member(idx int) Member {
	if idx == 0 {
		return g.cfg.Primary
	}
	return g.cfg.Secondary
}

// order is primary then secondary, or secondary first while the primary
// backs off.
func (g *Group) order() [2]int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cfg.Now().Before(g.state[0].downUntil) {
		return [2]int{1, 0}
	}
	return [2]int{0, 1}
}

// failure is why an exchange counts as failed ("" when it did not):
// "timeout", "unreachable" or the failover status.
func (g *Group) failure(resp *http.Response, err error) string {
	switch {
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case err != nil:
		return "unreachable"
	case g.statuses[resp.StatusCode]:
		return strconv.Itoa(resp.StatusCode)
	}
	return ""
}

func (g *Group) record(idx int, reason string, err error, resp *http.Response) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := &g.state[idx]
	name := g.member(idx).Name
	if reason == "" {
		*s = memberState{}
		g.cfg.Metrics.up(g.cfg.Name, name, true)
		return
	}
	s.failures++
	s.lastErr = reason
	if err != nil {
		s.lastErr = err.Error()
	} else if resp != nil {
		s.lastErr = "status " + resp.Status
	}
	if idx == 0 {
		s.downUntil = g.cfg.Now().Add(g.cfg.Backoff)
	}
	g.cfg.Metrics.up(g.cfg.Name, name, false)
}

// MemberHealth is what the group knows of a member from its fills.
type MemberHealth struct {
	Name      string
	Role      string // "primary" or "secondary"
	Healthy   bool   // the last exchange succeeded (or there was none)
	Failures  uint64 // consecutive failed exchanges
	LastError string
	// SkippedUntil: a failed primary gets no first tries until then.
	SkippedUntil time.Time
}

// Health reports both members (for /readyz and logs).
func (g *Group) Health() []MemberHealth {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]MemberHealth, 2)
	for i, role := range []string{"primary", "secondary"} {
		s := g.state[i]
		out[i] = MemberHealth{Name: g.member(i).Name, Role: role, Healthy: s.failures == 0,
			Failures: s.failures, LastError: s.lastErr, SkippedUntil: s.downUntil}
	}
	return out
}

// Ping is nil when either member accepts a connection: the group can
// serve. Otherwise it joins both members' errors.
func (g *Group) Ping(ctx context.Context) error {
	pErr := g.cfg.Primary.Client.Ping(ctx)
	if pErr == nil {
		return nil
	}
	sErr := g.cfg.Secondary.Client.Ping(ctx)
	if sErr == nil {
		return nil
	}
	return fmt.Errorf("origin group %s: %s: %w; %s: %w", g.cfg.Name, g.cfg.Primary.Name, pErr, g.cfg.Secondary.Name, sErr)
}

// AcquireFill takes a fill slot of the primary: a group's fills are bounded
// by its primary's max_fills (the secondary's own cap applies to nothing).
func (g *Group) AcquireFill(ctx context.Context) (func(), error) {
	return g.cfg.Primary.Client.AcquireFill(ctx)
}

// PassThrough proxies requests that are not fills to the primary: only
// GET and HEAD fail over, as in CloudFront.
func (g *Group) PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler {
	return g.cfg.Primary.Client.PassThrough(log, onError)
}
