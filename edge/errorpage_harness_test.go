package edge

import (
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// testClock is a settable clock for the edge's freshness decisions.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Now()} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testRoute is a behavior going to originURL with the default test policy.
func testRoute(t *testing.T, name, originURL string) *Route {
	t.Helper()
	return testRouteTimeout(t, name, originURL, 2*time.Second)
}

// testRouteTimeout is testRoute with the origin's timeouts d.
func testRouteTimeout(t *testing.T, name, originURL string, d time.Duration) *Route {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: d, ResponseHeaderTimeout: d, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	return &Route{Name: name, Origin: oc, Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy()}
}

// routesEdge is a real edge serving the table rs (on the front end of the
// test), with the clock now and the access log to log (both may be nil).
func routesEdge(t *testing.T, rs *Routes, now func() time.Time, log io.Writer) *testEdge {
	t.Helper()
	h, err := New(Config{
		Store:  segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}),
		Routes: rs, Registry: prometheus.NewRegistry(), Now: now, AccessLog: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	u, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	tr := &http.Transport{MaxIdleConnsPerHost: 1000, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: u, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}
}

// withErrors is rs with the custom error responses ers.
func withErrors(t *testing.T, rs *Routes, ers ...ErrorResponse) *Routes {
	t.Helper()
	rs, err := rs.WithErrors(ers...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func mustRoutes(t *testing.T, def *Route, ordered ...PathRoute) *Routes {
	t.Helper()
	rs, err := NewRoutes(def, ordered...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}
