package routing

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// testPOP is a real HTTP server standing for a POP: /readyz answers 200
// or 503 as set, anything else is the POP's edge serving a playlist that
// names the POP.
type testPOP struct {
	name    string
	srv     *httptest.Server
	ready   atomic.Bool
	hang    atomic.Bool   // /readyz never answers (until the request ends)
	delay   time.Duration // /readyz answers after it (set before the server runs)
	readyzN atomic.Int64
}

func newTestPOP(t *testing.T, name string, delay time.Duration) *testPOP {
	p := &testPOP{name: name, delay: delay}
	p.ready.Store(true)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			p.readyzN.Add(1)
			time.Sleep(p.delay)
			if p.hang.Load() {
				<-r.Context().Done()
				return
			}
			if !p.ready.Load() {
				http.Error(w, "not ready: draining", http.StatusServiceUnavailable)
				return
			}
			_, _ = io.WriteString(w, "ready\n")
			return
		}
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprintf(w, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n%s%s.ts\n", name, strings.TrimSuffix(r.URL.Path, ".m3u8"))
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// fleet is three POPs: fra nearest to loopback clients, then ams, then iad;
// 198.51.100.0/24 (an ECS subnet) is nearest iad.
type fleet struct {
	pops   map[string]*testPOP
	cfg    *Config
	router *Router
	reg    *prometheus.Registry
	dns    *DNSServer
	stop   func()
}

const fleetYAML = `
name: edge.example.com
ttl: 5s
probe: {interval: %s, timeout: %s, concurrency: 2, fall: 1, rise: 2}
pops:
  fra: {url: %s, readyz: %s/readyz, a: [192.0.2.1], aaaa: ["2001:db8::1"]}
  ams: {url: %s, readyz: %s/readyz, a: [192.0.2.2]}
  iad: {url: %s, readyz: %s/readyz, a: [192.0.2.3], aaaa: ["2001:db8::3"]}
regions:
  loopback:
    subnets: [127.0.0.0/8, "::1/128"]
    latency: {fra: 8ms, ams: 15ms, iad: 95ms}
  us-east:
    subnets: [198.51.100.0/24]
    latency: {iad: 6ms, fra: 90ms, ams: 95ms}
default_latency: {ams: 30ms, fra: 35ms, iad: 80ms}
`

const testInterval, testTimeout = 150 * time.Millisecond, 100 * time.Millisecond

func startFleet(t *testing.T, extra ...Health) *fleet {
	t.Helper()
	return startFleetYAML(t, fleetYAML, testTimeout, nil, extra...)
}

// startFleetYAML starts the three POPs, each /readyz slowed by delay[pop],
// and a router on yamlFmt (fleetYAML's verbs) probing with timeout.
func startFleetYAML(t *testing.T, yamlFmt string, timeout time.Duration, delay map[string]time.Duration, extra ...Health) *fleet {
	t.Helper()
	f := &fleet{pops: map[string]*testPOP{}, reg: prometheus.NewRegistry()}
	var args []any = []any{max(testInterval, timeout), timeout}
	for _, n := range []string{"fra", "ams", "iad"} {
		p := newTestPOP(t, n, delay[n])
		f.pops[n] = p
		args = append(args, p.srv.URL, p.srv.URL)
	}
	cfg, err := ParseConfig([]byte(fmt.Sprintf(yamlFmt, args...)))
	if err != nil {
		t.Fatal(err)
	}
	f.cfg = cfg
	f.router, err = New(cfg, f.reg, extra...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	wait := f.router.Start(ctx)
	f.dns, err = f.router.ListenDNS("127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	var once sync.Once
	f.stop = func() {
		once.Do(func() {
			cancel()
			wait()
			sctx, c := context.WithTimeout(context.Background(), 2*time.Second)
			defer c()
			if err := f.dns.Shutdown(sctx); err != nil {
				t.Errorf("dns shutdown: %v", err)
			}
		})
	}
	t.Cleanup(f.stop)
	return f
}

// query asks the router over UDP (or net "tcp") with miekg/dns's client.
func (f *fleet) query(t *testing.T, net string, qtype uint16, name string, ecs *dns.EDNS0_SUBNET) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	if ecs != nil {
		m.SetEdns0(1232, false)
		m.IsEdns0().Option = append(m.IsEdns0().Option, ecs)
	}
	c := &dns.Client{Net: net, Timeout: 2 * time.Second}
	in, _, err := c.Exchange(m, f.dns.Addr())
	if err != nil {
		t.Fatalf("dns %s %s: %v", net, dns.TypeToString[qtype], err)
	}
	return in
}

// answerA is the A record's address, or "" for none.
func answerA(m *dns.Msg) string {
	for _, rr := range m.Answer {
		switch a := rr.(type) {
		case *dns.A:
			return a.A.String()
		case *dns.AAAA:
			return a.AAAA.String()
		}
	}
	return ""
}
