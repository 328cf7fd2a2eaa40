package edge

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// testOrigin is a real HTTP origin that counts requests per path and records
// the headers of the last request to each.
type testOrigin struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
	last   map[string]http.Header
}

func newTestOrigin(t *testing.T, h http.HandlerFunc) *testOrigin {
	t.Helper()
	o := &testOrigin{counts: map[string]int{}, last: map[string]http.Header{}}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.counts[r.URL.Path]++
		o.last[r.URL.Path] = r.Header.Clone()
		o.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *testOrigin) count(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[path]
}

func (o *testOrigin) lastHeader(path string) http.Header {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last[path]
}

type edgeOpts struct {
	policy        freshness.Config
	maxObject     int64
	originTimeout time.Duration
	ignoreQuery   []string
	compress      bool // the default route compresses (Route.Compress)
	// routes, when set, builds the route table from the default route (the
	// origin, keys and policy above): behavior tests.
	routes func(def *Route) (*Routes, error)
	llhls  llhls.Config
	// writeTimeout is ClientWriteTimeout (0: the default).
	writeTimeout time.Duration
}

func defaultPolicy() freshness.Config {
	return freshness.Config{DefaultTTL: 24 * time.Hour, NegativeTTL: time.Second,
		StaleWhileRevalidate: 0, StaleIfError: 5 * time.Minute}
}

// testEdge is a real edge server in front of an origin URL, on the front end
// the test runs on (frontOf).
type testEdge struct {
	URL      string
	Listener net.Listener
	h        *Handler
	client   *http.Client
	close    func()
}

// Close stops the edge's server.
func (e *testEdge) Close() { e.close() }

// fronts are the front ends the response-path tests run on.
var fronts = []string{FrontNet, FrontFast}

// onFronts runs fn as a subtest per front end; newTestEdge inside it starts
// the edge on that front end.
func onFronts(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, f := range fronts {
		t.Run(f, fn)
	}
}

// frontOf is the front end a test runs on: the one of onFronts's subtest;
// outside one, net/http, or $STREAMEDGE_TEST_FRONT (fasthttp runs every
// end-to-end test of the package on fasthttp).
func frontOf(t testing.TB) string {
	for _, part := range strings.Split(t.Name(), "/") {
		if part == FrontFast || part == FrontNet {
			return part
		}
	}
	if os.Getenv("STREAMEDGE_TEST_FRONT") == FrontFast {
		return FrontFast
	}
	return FrontNet
}

// serveFront starts h on a loopback listener on front.
func serveFront(t testing.TB, h *Handler, front string) (string, net.Listener, func()) {
	if front == FrontNet {
		srv := httptest.NewServer(h)
		return srv.URL, srv.Listener, srv.Close
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Idle workers exit soon, so that goroutine counts settle (a bounded pool, not a leak).
	srv := NewFastServer(h.ServeFastHTTP, FastServerConfig{IdleTimeout: 10 * time.Second, IdleWorkers: 200 * time.Millisecond})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(FastListener(ln)) }() // as cmd/streamedge serves it
	var once sync.Once
	return "http://" + ln.Addr().String(), ln, func() {
		// Shutdown closes only a listener Serve has registered: close ln too,
		// or a Serve not yet started when the test ended accepts for good.
		once.Do(func() { _ = srv.Shutdown(); _ = ln.Close(); <-done })
	}
}

func newTestEdge(t *testing.T, originURL string, o edgeOpts) *testEdge {
	t.Helper()
	if o.policy == (freshness.Config{}) {
		o.policy = defaultPolicy()
	}
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: o.originTimeout, ResponseHeaderTimeout: o.originTimeout,
		DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	keys := cachekey.New(cachekey.Config{IgnoreQuery: o.ignoreQuery})
	var routes *Routes
	if o.routes != nil {
		if routes, err = o.routes(&Route{Name: "*", Origin: oc, Keys: keys, Policy: o.policy, Compress: o.compress}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := New(Config{
		Store: segments.New(segments.Config{MaxBytes: 512 << 20, HotBytes: 32 << 20}), Origin: oc,
		Keys: keys, Policy: o.policy, Routes: routes,
		Compress: o.compress, MaxObjectSize: o.maxObject, Registry: prometheus.NewRegistry(), LLHLS: o.llhls,
		ClientWriteTimeout: o.writeTimeout,
	})
	if err != nil {
		t.Fatal(err)
	}
	u2, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	t.Cleanup(oc.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 1000, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: u2, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}
}

type result struct {
	status int
	header http.Header
	body   string
	err    error
}

// get fetches path from the edge with optional header pairs.
func (e *testEdge) get(t *testing.T, method, path string, hdr ...string) result {
	t.Helper()
	return e.do(context.Background(), method, path, hdr...)
}

func (e *testEdge) do(ctx context.Context, method, path string, hdr ...string) result {
	req, _ := http.NewRequestWithContext(ctx, method, e.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: string(b), err: err}
}

func wantCache(t *testing.T, r result, want string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("request failed: %v", r.err)
	}
	if got := r.header.Get("X-Cache"); !strings.HasPrefix(got, want) {
		t.Fatalf("X-Cache = %q, want %q (status %d)", got, want, r.status)
	}
}

// staticHandler serves fixed bodies with headers by path.
func staticHandler(bodies map[string]string, hdr map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range hdr {
			w.Header().Set(k, v)
		}
		_, _ = io.WriteString(w, b)
	}
}
