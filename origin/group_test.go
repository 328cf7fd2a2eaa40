package origin

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// testOrigin answers every request with its current status and its name,
// counting requests.
type testOrigin struct {
	name   string
	status atomic.Int32
	delay  atomic.Int64 // before the headers
	hits   atomic.Int32
	srv    *httptest.Server
}

func newTestOrigin(t *testing.T, name string) *testOrigin {
	o := &testOrigin{name: name}
	o.status.Store(200)
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		select {
		case <-time.After(time.Duration(o.delay.Load())):
		case <-r.Context().Done():
			return
		}
		w.WriteHeader(int(o.status.Load()))
		io.WriteString(w, o.name)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestGroup(t *testing.T, p, s *testOrigin, statuses []int, m *GroupMetrics, clock *fakeClock) *Group {
	t.Helper()
	g, err := NewGroup(GroupConfig{Name: "live",
		Primary:          Member{Name: "a", Client: newClient(t, p.srv.URL, 300*time.Millisecond)},
		Secondary:        Member{Name: "b", Client: newClient(t, s.srv.URL, 300*time.Millisecond)},
		FailoverStatuses: statuses, Backoff: 10 * time.Second, Metrics: m, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func groupGet(t *testing.T, g *Group) (int, string) {
	t.Helper()
	resp, err := g.Fetch(context.Background(), FillRequest{Target: "/live/index.m3u8"})
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestGroupFailoverStatuses: the default statuses (500, 502, 503, 504) move
// a fill to the secondary, others (404) do not; a configured list replaces
// the default.
func TestGroupFailoverStatuses(t *testing.T) {
	tests := []struct {
		rule     string
		statuses []int
		primary  int
		want     string
	}{
		{"default_500", nil, 500, "b"},
		{"default_502", nil, 502, "b"},
		{"default_503", nil, 503, "b"},
		{"default_504", nil, 504, "b"},
		{"default_not_404", nil, 404, "a"},
		{"default_not_200", nil, 200, "a"},
		{"configured_404", []int{404}, 404, "b"},
		{"configured_list_replaces_default", []int{404}, 503, "a"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
			p.status.Store(int32(tc.primary))
			g := newTestGroup(t, p, s, tc.statuses, nil, &fakeClock{t: time.Unix(0, 0)})
			if _, body := groupGet(t, g); body != tc.want {
				t.Fatalf("served by %q, want %q", body, tc.want)
			}
		})
	}
}

// TestGroupFailoverOnConnectionErrorAndTimeout: a refused connection and a
// primary slower than its response-header timeout both fail over, within
// that timeout.
func TestGroupFailoverOnConnectionErrorAndTimeout(t *testing.T) {
	t.Run("connection_refused", func(t *testing.T) {
		p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
		g := newTestGroup(t, p, s, nil, nil, &fakeClock{})
		p.srv.Close()
		if code, body := groupGet(t, g); code != 200 || body != "b" {
			t.Fatalf("%d %q, want the secondary", code, body)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
		p.delay.Store(int64(5 * time.Second))
		g := newTestGroup(t, p, s, nil, nil, &fakeClock{})
		start := time.Now()
		if code, body := groupGet(t, g); code != 200 || body != "b" {
			t.Fatalf("%d %q, want the secondary", code, body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("failover took %v; the primary's timeout is 300ms", d)
		}
	})
}

// TestGroupPrimaryBackoff: after a failure the primary is skipped for the
// back-off window (fills go straight to the secondary), then tried again;
// a recovered primary takes the fills back.
func TestGroupPrimaryBackoff(t *testing.T) {
	p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
	clock := &fakeClock{t: time.Unix(1000, 0)}
	g := newTestGroup(t, p, s, nil, nil, clock)
	p.status.Store(503)
	groupGet(t, g)
	if p.hits.Load() != 1 || s.hits.Load() != 1 {
		t.Fatalf("first fill: primary %d, secondary %d requests", p.hits.Load(), s.hits.Load())
	}
	p.status.Store(200) // recovered, but still inside its window
	clock.Add(9 * time.Second)
	if _, body := groupGet(t, g); body != "b" || p.hits.Load() != 1 {
		t.Fatalf("inside the back-off: served by %q, primary asked %d times", body, p.hits.Load())
	}
	clock.Add(2 * time.Second)
	if _, body := groupGet(t, g); body != "a" || p.hits.Load() != 2 {
		t.Fatalf("after the back-off: served by %q, primary asked %d times", body, p.hits.Load())
	}
	if h := g.Health(); !h[0].Healthy || h[0].Failures != 0 {
		t.Fatalf("recovered primary health %+v", h[0])
	}
}

// TestGroupLastResortAndBothFailing: while the primary backs off and the
// secondary fails too, the primary is still tried last; with both failing
// the last member's response is returned (not an invented one).
func TestGroupLastResortAndBothFailing(t *testing.T) {
	p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
	clock := &fakeClock{t: time.Unix(1000, 0)}
	g := newTestGroup(t, p, s, nil, nil, clock)
	p.status.Store(503)
	s.status.Store(502)
	if code, body := groupGet(t, g); code != 502 || body != "b" {
		t.Fatalf("both failing: %d %q, want the secondary's 502", code, body)
	}
	p.status.Store(200) // the primary came back inside its window
	if code, body := groupGet(t, g); code != 200 || body != "a" {
		t.Fatalf("secondary failing inside the back-off: %d %q, want the primary as last resort", code, body)
	}
}

// TestGroupCancelledFillIsNotAFailure: a fill whose context ends does not
// mark the primary down nor move to the secondary.
func TestGroupCancelledFillIsNotAFailure(t *testing.T) {
	p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
	p.delay.Store(int64(200 * time.Millisecond))
	g := newTestGroup(t, p, s, nil, nil, &fakeClock{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Fetch(ctx, FillRequest{Target: "/x"}); err == nil {
		t.Fatal("cancelled fill succeeded")
	}
	if s.hits.Load() != 0 || !g.Health()[0].Healthy {
		t.Fatalf("secondary asked %d times, primary health %+v", s.hits.Load(), g.Health()[0])
	}
}

// TestGroupHealthMetricsAndPing: a failover is counted by member and
// reason, the member's up gauge drops, Health says why; Ping is nil while
// one member is reachable.
func TestGroupHealthMetricsAndPing(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewGroupMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
	g := newTestGroup(t, p, s, nil, m, &fakeClock{t: time.Unix(1000, 0)})
	p.status.Store(503)
	groupGet(t, g)
	if v := testutil.ToFloat64(m.failovers.WithLabelValues("live", "a", "503")); v != 1 {
		t.Errorf("streamedge_origin_failovers_total{live,a,503} = %v", v)
	}
	if v := testutil.ToFloat64(m.upGauge.WithLabelValues("live", "a")); v != 0 {
		t.Errorf("streamedge_origin_up{live,a} = %v, want 0", v)
	}
	if v := testutil.ToFloat64(m.upGauge.WithLabelValues("live", "b")); v != 1 {
		t.Errorf("streamedge_origin_up{live,b} = %v, want 1", v)
	}
	h := g.Health()
	if h[0].Healthy || h[0].Failures != 1 || !strings.Contains(h[0].LastError, "503") || !h[0].SkippedUntil.Equal(time.Unix(1010, 0)) || !h[1].Healthy {
		t.Errorf("health %+v", h)
	}
	if err := g.Ping(context.Background()); err != nil {
		t.Errorf("Ping with both listening: %v", err)
	}
	p.srv.Close()
	if err := g.Ping(context.Background()); err != nil {
		t.Errorf("Ping with the secondary listening: %v", err)
	}
	s.srv.Close()
	if err := g.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "origin group live") {
		t.Errorf("Ping with both down: %v", err)
	}
}

// TestGroupConcurrentFills: many fills at once while the primary fails and
// recovers all get an answer from a healthy member (run with -race).
func TestGroupConcurrentFills(t *testing.T) {
	p, s := newTestOrigin(t, "a"), newTestOrigin(t, "b")
	clock := &fakeClock{t: time.Unix(1000, 0)}
	g := newTestGroup(t, p, s, nil, nil, clock)
	p.status.Store(503)
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 32 {
				p.status.Store(200)
				clock.Add(time.Minute)
			}
			if code, _ := groupGet(t, g); code != 200 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d fills without a 200", bad.Load())
	}
	if h := g.Health(); len(h) != 2 || h[1].Failures != 0 {
		t.Fatalf("health %+v", h)
	}
}
