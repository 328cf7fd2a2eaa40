package main

import (
	"io"
	"net"
	"testing"
)

func TestPprofOnlyOnLoopbackUnlessAskedFor(t *testing.T) {
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 9090} }
	tests := []struct {
		name, mode      string
		addr            net.Addr
		on, exposedWarn bool
	}{
		{"auto_loopback_v4_on", "auto", tcp("127.0.0.1"), true, false},
		{"auto_loopback_v6_on", "auto", tcp("::1"), true, false},
		{"auto_all_interfaces_off", "auto", tcp("0.0.0.0"), false, false},
		{"auto_all_interfaces_v6_off", "auto", tcp("::"), false, false},
		{"auto_public_address_off", "auto", tcp("192.0.2.10"), false, false},
		{"on_public_address_warns", "on", tcp("0.0.0.0"), true, true},
		{"on_loopback_no_warning", "on", tcp("127.0.0.1"), true, false},
		{"off_loopback_off", "off", tcp("127.0.0.1"), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			on, exposed := pprofWanted(tc.mode, tc.addr)
			if on != tc.on || exposed != tc.exposedWarn {
				t.Fatalf("pprofWanted(%q, %v) = %v, %v; want %v, %v", tc.mode, tc.addr, on, exposed, tc.on, tc.exposedWarn)
			}
		})
	}
}

func TestPprofFlagAsWired(t *testing.T) {
	o := upgradeEchoOrigin(t) // any origin
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"default_on_loopback_admin", nil, 200},
		{"off", []string{"-pprof", "off"}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startEdge(t, append([]string{"-origin", o.URL}, tc.args...)...)
			if code, _, _ := get(t, e.admin+"/debug/pprof/"); code != tc.want {
				t.Fatalf("/debug/pprof/ = %d, want %d", code, tc.want)
			}
			if code, _, _ := get(t, e.admin+"/metrics"); code != 200 {
				t.Fatalf("/metrics = %d", code)
			}
		})
	}
	if _, err := parseFlags("serve", []string{"-origin", o.URL, "-pprof", "yes"}, io.Discard); err != errUsage {
		t.Fatalf("-pprof yes: %v", err)
	}
}
