package routing

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// waitAnswer polls the router over UDP until the A answer is want, and
// returns how long that took.
func (f *fleet) waitAnswer(t *testing.T, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil))
		if got == want {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("A answer %q after %s, want %q", got, within, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDNSAnswersMoveWhenThePOPFails: real UDP queries answer the nearest
// POP (fra); fra's /readyz turns 503 and the answers move to the next
// nearest (ams) on the first probe after it (fall 1: within one probe
// interval plus the probe's timeout); fra is back after rise (2) good
// probes. Decisions are counted by POP and reason, and the POP's health is
// a gauge.
func TestDNSAnswersMoveWhenThePOPFails(t *testing.T) {
	f := startFleet(t)
	in := f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)
	if got := answerA(in); got != "192.0.2.1" || !in.Authoritative || in.Answer[0].Header().Ttl != 5 {
		t.Fatalf("A: %v, want 192.0.2.1 (fra), authoritative, ttl 5", in.Answer)
	}
	fra := f.pops["fra"]
	probes := fra.readyzN.Load()
	fra.ready.Store(false)
	took := f.waitAnswer(t, "192.0.2.2", 2*time.Second)
	// One probe after the flip moved it (a second may have started while
	// the answer was polled); the time bound is loose for a loaded machine.
	if n := fra.readyzN.Load() - probes; n > 2 || took > 2*testInterval+testTimeout {
		t.Errorf("answers moved after %d probes of fra and %s, want the first probe, within %s + %s", n, took, testInterval, testTimeout)
	}
	if v := testutil.ToFloat64(f.router.m.decisions.WithLabelValues("ams", "dns", ReasonFailover)); v < 1 {
		t.Errorf("decisions{ams,dns,failover} = %v", v)
	}
	if v := testutil.ToFloat64(f.router.m.probedUp.WithLabelValues("fra")); v != 0 {
		t.Errorf("pop_healthy{fra} = %v, want 0", v)
	}
	probes = fra.readyzN.Load()
	fra.ready.Store(true)
	f.waitAnswer(t, "192.0.2.1", 2*time.Second)
	if n := fra.readyzN.Load() - probes; n < 2 {
		t.Errorf("fra back after %d good probes, want rise = 2", n)
	}
	if v := testutil.ToFloat64(f.router.m.decisions.WithLabelValues("fra", "dns", ReasonNearest)); v < 2 {
		t.Errorf("decisions{fra,dns,nearest} = %v", v)
	}
}

// TestDNSUsesTheClientSubnet: a resolver's EDNS Client Subnet decides the
// region (198.51.100.0/24 is nearest iad), the option is echoed with the
// scope of the subnet sent; AAAA skips a POP without IPv6 addresses; the
// same holds over TCP.
func TestDNSUsesTheClientSubnet(t *testing.T) {
	f := startFleet(t)
	ecs := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("198.51.100.0").To4()}
	in := f.query(t, "udp", dns.TypeA, "edge.example.com.", ecs)
	if got := answerA(in); got != "192.0.2.3" {
		t.Fatalf("A with ECS 198.51.100.0/24: %q, want iad's 192.0.2.3", got)
	}
	var echoed *dns.EDNS0_SUBNET
	if opt := in.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			echoed, _ = o.(*dns.EDNS0_SUBNET)
		}
	}
	if echoed == nil || echoed.SourceScope != 24 || echoed.SourceNetmask != 24 {
		t.Errorf("ECS echo %v: want the option back with scope 24", echoed)
	}
	f.pops["fra"].ready.Store(false)
	f.waitAnswer(t, "192.0.2.2", 2*time.Second) // ams, for A
	in = f.query(t, "tcp", dns.TypeAAAA, "EDGE.example.com.", nil)
	if got := answerA(in); got != "2001:db8::3" {
		t.Errorf("AAAA over TCP with fra down: %q, want iad's 2001:db8::3 (ams has no AAAA)", got)
	}
}

// TestDNSRefusesOtherNames: a name the router does not serve is REFUSED
// (counted), another type of its name is an empty NOERROR answer.
func TestDNSRefusesOtherNames(t *testing.T) {
	f := startFleet(t)
	if in := f.query(t, "udp", dns.TypeA, "example.org.", nil); in.Rcode != dns.RcodeRefused || len(in.Answer) != 0 {
		t.Errorf("other name: rcode %s answers %d, want REFUSED", dns.RcodeToString[in.Rcode], len(in.Answer))
	}
	if in := f.query(t, "udp", dns.TypeMX, "edge.example.com.", nil); in.Rcode != dns.RcodeSuccess || len(in.Answer) != 0 {
		t.Errorf("MX: rcode %s answers %d, want NOERROR and none", dns.RcodeToString[in.Rcode], len(in.Answer))
	}
	if v := testutil.ToFloat64(f.router.m.refused.WithLabelValues("other_name")); v != 1 {
		t.Errorf("dns_refused{other_name} = %v", v)
	}
}

// TestRedirectSendsTheViewerToTheNearestHealthyPOP: with a real
// http.Client the router answers 302 to the POP's edge URL with the path
// and query; following it fetches the playlist from that POP; with fra
// down the redirect names ams.
func TestRedirectSendsTheViewerToTheNearestHealthyPOP(t *testing.T) {
	f := startFleet(t)
	srv := &http.Server{Handler: f.router, ReadHeaderTimeout: time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	noFollow := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	location := func() string {
		resp, err := noFollow.Get(base + "/live/ch1.m3u8?_HLS_msn=7")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("status %d, want 302", resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	if got, want := location(), f.pops["fra"].srv.URL+"/live/ch1.m3u8?_HLS_msn=7"; got != want {
		t.Fatalf("Location %s, want %s", got, want)
	}
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get(base + "/live/ch1.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "fra/live/ch1.ts") {
		t.Errorf("followed redirect: %q, want fra's playlist", body)
	}
	f.pops["fra"].ready.Store(false)
	deadline := time.Now().Add(2 * time.Second)
	for !strings.HasPrefix(location(), f.pops["ams"].srv.URL) {
		if time.Now().After(deadline) {
			t.Fatal("redirect never moved to ams")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := testutil.ToFloat64(f.router.m.decisions.WithLabelValues("fra", "http", ReasonNearest)); v < 2 {
		t.Errorf("decisions{fra,http,nearest} = %v, want at least 2", v)
	}
	post, err := noFollow.Post(base+"/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", post.StatusCode)
	}
}

// TestAllUnhealthyFailsOpen: with every POP's /readyz failing the nearest
// POP is still answered (reason all_unhealthy), not an empty answer.
func TestAllUnhealthyFailsOpen(t *testing.T) {
	f := startFleet(t)
	for _, p := range f.pops {
		p.ready.Store(false)
	}
	f.router.Prober().Round(context.Background())
	if got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)); got != "192.0.2.1" {
		t.Errorf("all down: %q, want the nearest (fra)", got)
	}
	if v := testutil.ToFloat64(f.router.m.decisions.WithLabelValues("fra", "dns", ReasonAllUnhealthy)); v != 1 {
		t.Errorf("decisions{fra,dns,all_unhealthy} = %v", v)
	}
}

// fleetHealth stands for the fleet state's view (membership on NATS): the
// POPs with live members.
type fleetHealth map[string]bool

func (h fleetHealth) Healthy(pop string) bool { return h[pop] }

// TestFleetStateHealthCombines: a POP whose /readyz answers but which has
// no live member in the fleet state gets no viewers (AllOf).
func TestFleetStateHealthCombines(t *testing.T) {
	f := startFleet(t, fleetHealth{"ams": true, "iad": true})
	if got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)); got != "192.0.2.2" {
		t.Errorf("fra absent from the fleet state: %q, want ams", got)
	}
}

// TestProbeTimeoutMarksThePOPDown: a /readyz that never answers is cut at
// the probe timeout, the round returns, the POP is down, the probe counted
// as a timeout; stopping the router ends its prober.
func TestProbeTimeoutMarksThePOPDown(t *testing.T) {
	f := startFleet(t)
	f.pops["iad"].hang.Store(true)
	start := time.Now()
	f.router.Prober().Round(context.Background())
	if took := time.Since(start); took > testTimeout+200*time.Millisecond {
		t.Errorf("round took %s with a hanging POP, want about the timeout %s", took, testTimeout)
	}
	if f.router.Prober().Healthy("iad") {
		t.Error("iad healthy after a probe timeout")
	}
	if v := testutil.ToFloat64(f.router.m.probes.WithLabelValues("iad", "timeout")); v < 1 {
		t.Errorf("probes{iad,timeout} = %v", v)
	}
	f.stop() // returns only once Run has (wait)
	n := f.pops["fra"].readyzN.Load()
	time.Sleep(2 * testInterval)
	if m := f.pops["fra"].readyzN.Load(); m != n {
		t.Errorf("probes went on after stop: %d then %d", n, m)
	}
}

// TestAnswerCacheIsBounded: distinct (region, health) keys beyond the
// bound empty the cache instead of growing it.
func TestAnswerCacheIsBounded(t *testing.T) {
	f := startFleet(t)
	f.router.maxCache = 2
	for _, a := range []string{"127.0.0.1", "198.51.100.9", "203.0.113.1", "::1"} {
		for _, n := range []need{needA, needAAAA, needURL} {
			if d := f.router.pick(netip.MustParseAddr(a), n); d == nil {
				t.Fatalf("no decision for %s", a)
			}
			if len(f.router.cache) > 2 {
				t.Fatalf("cache holds %d answers, bound 2", len(f.router.cache))
			}
		}
	}
}

// TestDNSShutdownRightAfterListen: Shutdown straight after ListenDNS ends
// both servers (it once could run before a server had started, which
// miekg/dns refuses, and the UDP server then served for good: a make test
// hung on it for 15 minutes).
func TestDNSShutdownRightAfterListen(t *testing.T) {
	f := startFleet(t)
	for i := range 50 {
		s, err := f.router.ListenDNS("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		done := make(chan error, 1)
		go func() { done <- s.Shutdown(ctx) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("shutdown %d: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("shutdown %d still waiting after 5s", i)
		}
		cancel()
	}
}
