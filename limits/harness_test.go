package limits_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log"
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
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/limits"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// seen is one request as the origin received it.
type seen struct {
	method, uri, host string
	header            http.Header
	body              string
}

// testOrigin is a real origin that records every request it gets.
type testOrigin struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

// newOrigin starts an origin; h (nil: a small cacheable segment) answers.
func newOrigin(t *testing.T, h http.HandlerFunc) *testOrigin {
	t.Helper()
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "video/mp2t")
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = io.WriteString(w, "segment "+r.URL.Path)
		}
	}
	o := &testOrigin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		o.mu.Lock()
		o.reqs = append(o.reqs, seen{method: r.Method, uri: r.RequestURI, host: r.Host, header: r.Header.Clone(), body: string(body)})
		o.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *testOrigin) requests() []seen {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]seen(nil), o.reqs...)
}

// count is how many requests the origin got for the request-target uri.
func (o *testOrigin) count(uri string) int {
	n := 0
	for _, r := range o.requests() {
		if r.uri == uri {
			n++
		}
	}
	return n
}

// front is the front end the package's tests run on: TestMain runs them all
// once per front end.
var front = edge.FrontNet

func TestMain(m *testing.M) {
	for _, f := range []string{edge.FrontNet, edge.FrontFast} {
		front = f
		if code := m.Run(); code != 0 {
			fmt.Fprintf(os.Stderr, "limits tests failed on the %s front end\n", f)
			os.Exit(code)
		}
	}
	os.Exit(0)
}

// stack is the real edge behind limits.Handler, served on a limits.Listener.
type stack struct {
	addr   string
	reg    *prometheus.Registry
	origin *testOrigin
}

type stackOpts struct {
	readHeaderTimeout time.Duration // default 2s
	originPath        string        // origin base path, e.g. "/root"
}

func newStack(t *testing.T, cfg limits.Config, o *testOrigin, opts stackOpts) *stack {
	t.Helper()
	if opts.readHeaderTimeout == 0 {
		opts.readHeaderTimeout = 2 * time.Second
	}
	u, err := url.Parse(o.URL + opts.originPath)
	if err != nil {
		t.Fatal(err)
	}
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	reg := prometheus.NewRegistry()
	e, err := edge.New(edge.Config{
		Store: segments.New(segments.Config{MaxBytes: 512 << 20}), Origin: oc,
		Keys:   cachekey.New(cachekey.Config{}),
		Policy: freshness.Config{DefaultTTL: time.Hour, NegativeTTL: time.Second}, Registry: reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := limits.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if front == edge.FrontFast {
		srv := edge.NewFastServer(limits.FastHandler(cfg, m, e.ServeFastHTTP), edge.FastServerConfig{
			ReadTimeout: opts.readHeaderTimeout, IdleTimeout: time.Second, MaxHeaderBytes: cfg.ServerMaxHeaderBytes(),
			HeaderReceived: limits.FastHeaderReceived, ErrorHandler: limits.FastErrorHandler(m)})
		go func() { _ = srv.Serve(edge.FastListener(limits.Listener(ln, cfg, m))) }() // as cmd/streamedge serves it
		t.Cleanup(func() { _ = srv.Shutdown(); _ = ln.Close() })                      // ln too: Shutdown closes only a listener Serve has registered
		return &stack{addr: ln.Addr().String(), reg: reg, origin: o}
	}
	srv := &http.Server{Handler: limits.Handler(cfg, m, e), ReadHeaderTimeout: opts.readHeaderTimeout,
		IdleTimeout: time.Second, MaxHeaderBytes: cfg.ServerMaxHeaderBytes(),
		ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(limits.Listener(ln, cfg, m)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return &stack{addr: ln.Addr().String(), reg: reg, origin: o}
}

// dial connects to the edge from the loopback address from ("" for any).
func (s *stack) dial(t *testing.T, from string) net.Conn {
	t.Helper()
	c, err := dialFrom(s.addr, from)
	if err != nil {
		t.Fatalf("dial from %q: %v", from, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func dialFrom(addr, from string) (net.Conn, error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	return d.Dial("tcp", addr)
}

// canBind reports whether connections can come from 127.0.0.2 (Linux routes
// all of 127.0.0.0/8 to lo; other systems may not).
func canBind(t *testing.T, s *stack) bool {
	t.Helper()
	c, err := dialFrom(s.addr, "127.0.0.2")
	if err != nil {
		t.Logf("cannot connect from 127.0.0.2: %v", err)
		return false
	}
	_ = c.Close()
	s.waitMetric(t, 0, "streamedge_client_connections")
	return true
}

type response struct {
	status int
	header http.Header
	body   string
}

// raw writes req on a new connection from from and reads every response
// until the edge closes the connection (or 5s pass).
func (s *stack) raw(t *testing.T, from, req string) []response {
	t.Helper()
	c := s.dial(t, from)
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatalf("write: %v", err)
	}
	return readResponses(t, c)
}

// readResponses reads responses from c until it is closed.
func readResponses(t *testing.T, c net.Conn) []response {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	all, err := io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("edge kept the connection open: read %q", all)
	}
	var out []response
	br := bufio.NewReader(bytes.NewReader(all))
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.Close { // ReadResponse consumes "Connection: close"
			resp.Header.Set("Connection", "close")
		}
		out = append(out, response{status: resp.StatusCode, header: resp.Header, body: string(b)})
	}
	if len(out) == 0 && len(all) > 0 {
		t.Fatalf("unparsable response %q", all)
	}
	return out
}

// get sends one GET with Connection: close and extra header lines (a Host
// line among them replaces the default one).
func (s *stack) get(t *testing.T, from, target string, hdr ...string) response {
	t.Helper()
	req := "GET " + target + " HTTP/1.1\r\nConnection: close\r\n"
	host := "Host: edge.test\r\n"
	for _, h := range hdr {
		if strings.HasPrefix(strings.ToLower(h), "host:") {
			host = ""
		}
		req += h + "\r\n"
	}
	req += host
	rs := s.raw(t, from, req+"\r\n")
	if len(rs) != 1 {
		t.Fatalf("GET %s: %d responses, want 1", target, len(rs))
	}
	return rs[0]
}

// metric reads a counter or gauge from the stack's registry; labels are
// name=value pairs.
func (s *stack) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := s.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("metric %s%v not found", name, labels)
	return 0
}

func (s *stack) rejections(t *testing.T, limit string) float64 {
	t.Helper()
	return s.metric(t, "streamedge_limit_rejections_total", "limit", limit)
}

// waitMetric polls until the metric equals want (2s at most).
func (s *stack) waitMetric(t *testing.T, want float64, name string, labels ...string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := s.metric(t, name, labels...)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v = %v, want %v", name, labels, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
