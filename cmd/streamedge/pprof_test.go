package main

import (
	"io"
	"net"
	"net/http/httptest"
	"strings"
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

// publicAddr is a loopback listener that reports an all-interfaces address,
// so the test sees what -admin :9090 does without listening beyond loopback.
type publicAddr struct{ net.Listener }

func (publicAddr) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4zero, Port: 9090} }

func TestPprofOnPublicAdminWarns(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct {
		mode       string
		want       int
		wantWarned bool
	}{{"auto", 404, false}, {"on", 200, true}} {
		t.Run(tc.mode, func(t *testing.T) {
			var logs syncBuffer
			c := defaults()
			c.Pprof = tc.mode
			a := &app{cfg: c, log: newLogger("info", &logs), adminLn: publicAddr{ln}, reg: newRegistry()}
			rec := httptest.NewRecorder()
			a.adminMux().ServeHTTP(rec, httptest.NewRequest("GET", "/debug/pprof/", nil))
			if rec.Code != tc.want {
				t.Fatalf("-pprof %s on 0.0.0.0: /debug/pprof/ = %d, want %d", tc.mode, rec.Code, tc.want)
			}
			if warned := strings.Contains(logs.String(), "pprof is exposed"); warned != tc.wantWarned {
				t.Fatalf("warning logged = %v, want %v: %s", warned, tc.wantWarned, logs.String())
			}
		})
	}
}
