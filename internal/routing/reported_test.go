package routing

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestViewerReportsOrderUnlistedPOPs: latency viewers POST to /latency
// (per region EWMA) orders the POPs their region's table does not list,
// before the router's own RTT: a client in no region gets fra (listed);
// with fra down, iad once viewers of its subnet report iad faster, then
// ams once enough reports have moved ams's EWMA below iad's. Bad reports
// are 400 with the reason (405 for GET), counted, and change nothing.
func TestViewerReportsOrderUnlistedPOPs(t *testing.T) {
	yml := strings.Replace(fleetYAML, "default_latency: {ams: 30ms, fra: 35ms, iad: 80ms}", "default_latency: {fra: 35ms}", 1)
	f := startFleetYAML(t, yml, measuredTimeout, nil)
	admin := httptest.NewServer(f.router.LatencyHandler())
	defer admin.Close()
	post := func(q string) int {
		t.Helper()
		resp, err := http.Post(admin.URL+"/latency?"+q, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	ecs := &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: 1, SourceNetmask: 24, Address: net.ParseIP("203.0.113.0").To4()}
	answer := func() string { return answerA(f.query(t, "udp", dns.TypeA, "edge.example.com.", ecs)) }
	f.pops["fra"].ready.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for answer() == "192.0.2.1" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	for _, q := range []string{"pop=iad&ms=10&subnet=203.0.113.0/24", "pop=ams&ms=50&subnet=203.0.113.9"} {
		if code := post(q); code != http.StatusNoContent {
			t.Fatalf("POST %s: %d", q, code)
		}
	}
	if got := answer(); got != "192.0.2.3" {
		t.Fatalf("A %q, want 192.0.2.3 (iad, reported faster)", got)
	}
	for _, q := range []string{"pop=ams&ms=-1&subnet=203.0.113.0/24", "pop=ams&ms=x", "pop=nope&ms=1&subnet=203.0.113.0/24",
		"pop=ams&ms=1&subnet=junk", "pop=ams&ms=99999999&subnet=203.0.113.0/24", "pop=ams&pop=iad&ms=1"} {
		if code := post(q); code != http.StatusBadRequest {
			t.Errorf("POST %s: %d, want 400", q, code)
		}
	}
	if resp, err := http.Get(admin.URL + "/latency?pop=ams&ms=1"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %s, want 405", resp.Status)
	}
	if got := answer(); got != "192.0.2.3" {
		t.Fatalf("A after bad reports %q, want iad still", got)
	}
	n := 0
	for ; answer() != "192.0.2.2" && n < 20; n++ {
		post("pop=ams&ms=1&subnet=203.0.113.0/24")
	}
	if n < 2 || n >= 20 {
		t.Errorf("ams answered after %d more reports, want a few (EWMA, not the last report)", n)
	}
	if v := testutil.ToFloat64(f.router.m.reports.WithLabelValues("bad")); v != 6 {
		t.Errorf("latency_reports{bad} = %v, want 6", v)
	}
}

// FuzzParseReport: any query parses to a report within the bounds or an
// error, never a panic.
func FuzzParseReport(f *testing.F) {
	for _, s := range []string{"pop=ams&ms=10&subnet=203.0.113.0/24", "pop=a&ms=1&subnet=::1", "ms=-1", "pop=x&ms=99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := ParseReport(q, netip.Addr{})
		if err == nil && (r.POP == "" || !r.Client.IsValid() || r.Latency < 0 || r.Latency > MaxReportedLatency*time.Millisecond) {
			t.Fatalf("%q: %+v out of bounds", raw, r)
		}
	})
}
