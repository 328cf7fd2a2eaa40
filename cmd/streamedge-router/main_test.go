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

	"github.com/streamedge/streamedge/internal/routing"
)

// TestRouterServesDNSHTTPAndMetrics runs the command on loopback ports with
// one POP: a real DNS query gets its address, a GET a 302 to its URL,
// a viewer's POST /latency on the admin listener is taken (204), /metrics
// shows the decisions, the POP's health and RTT; cancelling returns.
func TestRouterServesDNSHTTPAndMetrics(t *testing.T) {
	pop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ready\n") }))
	defer pop.Close()
	file := filepath.Join(t.TempDir(), "router.yaml")
	yml := fmt.Sprintf("name: edge.example.com\nprobe: {interval: 200ms, timeout: 100ms}\npops:\n  fra: {url: %q, readyz: %q, a: [192.0.2.1]}\n", pop.URL, pop.URL+"/readyz")
	if err := os.WriteFile(file, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan addrs, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-config", file, "-dns", "127.0.0.1:0", "-http", "127.0.0.1:0", "-admin", "127.0.0.1:0"}, io.Discard, func(a addrs) { got <- a })
	}()
	var a addrs
	select {
	case a = <-got:
	case err := <-done:
		t.Fatal(err)
	}
	m := new(dns.Msg)
	m.SetQuestion("edge.example.com.", dns.TypeA)
	in, _, err := (&dns.Client{Net: "udp", Timeout: 2 * time.Second}).Exchange(m, a.dns)
	if err != nil || len(in.Answer) != 1 || in.Answer[0].(*dns.A).A.String() != "192.0.2.1" {
		t.Fatalf("dns: %v %v", in, err)
	}
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get("http://" + a.http + "/vod/a.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != pop.URL+"/vod/a.m3u8" {
		t.Errorf("http: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = http.Post("http://"+a.admin+"/latency?pop=fra&ms=12&subnet=203.0.113.0/24", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("POST /latency: %s, want 204", resp.Status)
	}
	resp, err = http.Get("http://" + a.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`streamedge_routing_decisions_total{pop="fra",reason="nearest",via="dns"} 1`,
		`streamedge_routing_decisions_total{pop="fra",reason="nearest",via="http"} 1`, `streamedge_routing_pop_healthy{pop="fra"} 1`,
		`streamedge_routing_pop_rtt_seconds{pop="fra"}`, `streamedge_routing_latency_reports_total{result="ok"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
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

// TestSampleRouterConfigParses: deploy/router.yaml is a valid router
// configuration.
func TestSampleRouterConfigParses(t *testing.T) {
	data, err := os.ReadFile("../../deploy/router.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := routing.ParseConfig(data); err != nil {
		t.Fatal(err)
	}
}

// TestRouterFlags: -config is required and at least one of -dns, -http.
func TestRouterFlags(t *testing.T) {
	for _, args := range [][]string{{}, {"-config", "x", "-dns", "off"}, {"-config", "x", "extra"}} {
		if _, err := parse(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
