package routing

import (
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// measuredDelays: fra (nearest by the latency tables) is the slowest to
// probe, iad the fastest.
var measuredDelays = map[string]time.Duration{"fra": 80 * time.Millisecond, "ams": 30 * time.Millisecond}

const measuredTimeout = 400 * time.Millisecond

// redirectPOP is the X-Streamedge-Pop of the router's 302 to a real
// http.Client over loopback.
func redirectPOP(t *testing.T, r *Router) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get("http://" + ln.Addr().String() + "/live/ch1.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %s", resp.Status)
	}
	return resp.Header.Get("X-Streamedge-Pop")
}

// TestMeasureOrdersPOPsByProbedRTT: with measure: true the latency tables
// are ignored and the POPs are ordered by the router's measured RTT (EWMA
// of the /readyz probes): fra's /readyz takes 80 ms, ams's 30 ms, iad's
// none, so DNS over UDP and the 302 name iad, not the configured-nearest
// fra; with iad failing they name the next fastest, ams. The RTT is the
// gauge streamedge_routing_pop_rtt_seconds.
func TestMeasureOrdersPOPsByProbedRTT(t *testing.T) {
	yml := strings.Replace(fleetYAML, "ttl: 5s", "ttl: 5s\nmeasure: true", 1)
	f := startFleetYAML(t, yml, measuredTimeout, measuredDelays)
	if got := answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", nil)); got != "192.0.2.3" {
		t.Fatalf("A %q, want 192.0.2.3 (iad, fastest probed)", got)
	}
	if got := redirectPOP(t, f.router); got != "iad" {
		t.Fatalf("302 to %q, want iad", got)
	}
	if v := testutil.ToFloat64(f.router.m.rtt.WithLabelValues("fra")); v < 0.075 || v > measuredTimeout.Seconds() {
		t.Errorf("pop_rtt_seconds{fra} = %v, want about 0.08", v)
	}
	if v := testutil.ToFloat64(f.router.m.rtt.WithLabelValues("iad")); v <= 0 || v >= 0.03 {
		t.Errorf("pop_rtt_seconds{iad} = %v, want under 0.03", v)
	}
	f.pops["iad"].ready.Store(false)
	f.waitAnswer(t, "192.0.2.2", 3*time.Second) // ams, not fra
	if got := redirectPOP(t, f.router); got != "ams" {
		t.Fatalf("302 with iad down to %q, want ams (next fastest)", got)
	}
	if v := testutil.ToFloat64(f.router.m.decisions.WithLabelValues("ams", "dns", ReasonFailover)); v < 1 {
		t.Errorf("decisions{ams,dns,failover} = %v", v)
	}
}

// TestUnlistedPOPsAreOrderedByMeasuredRTT: measure off, a table's POPs
// come first by their configured latency (default_latency lists only
// fra), the POPs it does not list follow by measured RTT: a client in no
// region (its ECS subnet) gets fra, and with fra down iad (fastest
// probed), not ams (first by name, slower).
func TestUnlistedPOPsAreOrderedByMeasuredRTT(t *testing.T) {
	yml := strings.Replace(fleetYAML, "default_latency: {ams: 30ms, fra: 35ms, iad: 80ms}", "default_latency: {fra: 35ms}", 1)
	f := startFleetYAML(t, yml, measuredTimeout, map[string]time.Duration{"ams": 80 * time.Millisecond})
	ecs := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("203.0.113.0").To4()}
	answer := func() string { return answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", ecs)) }
	if got := answer(); got != "192.0.2.1" {
		t.Fatalf("A %q, want 192.0.2.1 (fra, the listed one)", got)
	}
	f.pops["fra"].ready.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for answer() == "192.0.2.1" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := answer(); got != "192.0.2.3" {
		t.Fatalf("A with fra down %q, want 192.0.2.3 (iad, fastest probed of the unlisted)", got)
	}
}

// TestMeasuredOrderHoldsWithinTheMargin: POPs whose RTTs differ by less
// than the margin (20%, at least 1 ms) keep their order (and the answer
// cache); a POP faster by more moves ahead (a new generation).
func TestMeasuredOrderHoldsWithinTheMargin(t *testing.T) {
	cfg, err := ParseConfig([]byte("name: e.example.com\npops:\n" +
		"  a: {url: 'http://127.0.0.1:1', readyz: 'http://127.0.0.1:1/readyz'}\n" +
		"  b: {url: 'http://127.0.0.1:2', readyz: 'http://127.0.0.1:2/readyz'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	p := newProber(cfg, nil)
	set := func(a, b time.Duration) (uint64, []int) {
		p.state["a"].rtt, p.state["b"].rtt = a, b
		p.rerank()
		return p.ranking()
	}
	gen, ranks := set(10*time.Millisecond, 20*time.Millisecond)
	if !slices.Equal(ranks, []int{0, 1}) {
		t.Fatalf("ranks %v, want a first", ranks)
	}
	for _, rtt := range [][2]time.Duration{{11 * time.Millisecond, 10 * time.Millisecond}, {20 * time.Millisecond, 17 * time.Millisecond}} {
		if g, r := set(rtt[0], rtt[1]); g != gen || !slices.Equal(r, []int{0, 1}) {
			t.Errorf("a %s b %s: gen %d ranks %v, want the order kept (gen %d)", rtt[0], rtt[1], g, r, gen)
		}
	}
	if g, r := set(20*time.Millisecond, 15*time.Millisecond); g == gen || !slices.Equal(r, []int{1, 0}) {
		t.Errorf("a 20ms b 15ms: gen %d ranks %v, want b first in a new generation", g, r)
	}
}
