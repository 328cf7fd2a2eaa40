package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/streamedge/streamedge/fleet"
)

// TestRouterHealthFromTheFleet runs the command with -fleet against a real
// (embedded) NATS server and two POPs whose /readyz both answer: fra, the
// nearer, has no live edge in the fleet, so the answer is ams; once an edge
// of fra joins, the answer is fra; when it leaves, ams again.
func TestRouterHealthFromTheFleet(t *testing.T) {
	nats, err := fleet.StartEmbedded("127.0.0.1:0", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer nats.Close()
	join := func(id, pop string) *fleet.Node {
		n, err := fleet.Open(context.Background(), fleet.Config{URL: nats.URL(), Self: fleet.Member{ID: id, POP: pop},
			Heartbeat: 100 * time.Millisecond, TTL: 600 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(n.Close)
		return n
	}
	join("ams-1", "ams")
	pop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ready\n") }))
	defer pop.Close()
	file := filepath.Join(t.TempDir(), "router.yaml")
	yml := fmt.Sprintf(`name: edge.example.com
probe: {interval: 200ms, timeout: 100ms}
pops:
  fra: {url: %[1]q, readyz: %[1]q, a: [192.0.2.1]}
  ams: {url: %[1]q, readyz: %[1]q, a: [192.0.2.2]}
default_latency: {fra: 5ms, ams: 20ms}
`, pop.URL)
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-config", file, "-dns", "127.0.0.1:0", "-admin", "127.0.0.1:0", "-fleet", nats.URL()}, io.Discard, func(a addrs) { got <- a })
	}()
	var a addrs
	select {
	case a = <-got:
	case err := <-done:
		t.Fatal(err)
	}
	answer := func() string {
		m := new(dns.Msg)
		m.SetQuestion("edge.example.com.", dns.TypeA)
		in, _, err := (&dns.Client{Net: "udp", Timeout: 2 * time.Second}).Exchange(m, a.dns)
		if err != nil || len(in.Answer) != 1 {
			t.Fatalf("dns: %v %v", in, err)
		}
		return in.Answer[0].(*dns.A).A.String()
	}
	waitFor := func(want string) {
		t.Helper()
		for start := time.Now(); answer() != want; time.Sleep(20 * time.Millisecond) {
			if time.Since(start) > 3*time.Second {
				t.Fatalf("A %s, want %s", answer(), want)
			}
		}
	}
	if got := answer(); got != "192.0.2.2" {
		t.Errorf("fra has no live edge: A %s, want ams's 192.0.2.2", got)
	}
	fra := join("fra-1", "fra")
	waitFor("192.0.2.1")
	resp, err := http.Get("http://" + a.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`streamedge_routing_fleet_members{pop="ams"} 1`, `streamedge_routing_fleet_members{pop="fra"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	fra.Close()
	waitFor("192.0.2.2")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

// TestRouterRefusesToStartWhenNATSIsUnreachable: -fleet naming a server
// that does not answer stops the start with an error naming the flag.
func TestRouterRefusesToStartWhenNATSIsUnreachable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "router.yaml")
	if err := os.WriteFile(file, []byte("name: edge.example.com\npops:\n  fra: {url: http://127.0.0.1:1, readyz: http://127.0.0.1:1/readyz, a: [192.0.2.1]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"-config", file, "-dns", "127.0.0.1:0", "-admin", "off", "-fleet", "nats://127.0.0.1:1"}, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "-fleet nats://127.0.0.1:1") {
		t.Fatalf("run: %v, want the -fleet error", err)
	}
}
