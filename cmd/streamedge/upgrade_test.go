package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// upgradeEchoOrigin accepts "Upgrade: websocket" on /ws with a 101 and then
// echoes every line back, as a WebSocket echo server does with frames.
func upgradeEchoOrigin(t *testing.T) *httptest.Server {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "upgrade required", http.StatusUpgradeRequired)
			return
		}
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = brw.Flush()
		for {
			line, err := brw.ReadString('\n')
			if err != nil {
				return
			}
			_, _ = brw.WriteString("echo " + line)
			_ = brw.Flush()
		}
	}))
	t.Cleanup(o.Close)
	return o
}

// A WebSocket-style upgrade goes through the edge as wired by serve (limits
// listener and handler in front, pass-through proxy behind) and the tunnel
// outlives -origin-timeout.
func TestUpgradeTunnelsThroughTheWiredEdge(t *testing.T) { onFronts(t, testUpgradeTunnels) }

func testUpgradeTunnels(t *testing.T) {
	o := upgradeEchoOrigin(t)
	e := startEdge(t, "-origin", o.URL, "-origin-timeout", "1s", "-max-conns", "100", "-max-conns-per-ip", "10")
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(e.edge, "http://"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(c, "GET /ws?room=1 HTTP/1.1\r\nHost: edge\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		t.Fatalf("handshake: %d %v", resp.StatusCode, resp.Header)
	}
	for i, msg := range []string{"hello\n", "after the origin timeout\n"} {
		if i == 1 {
			time.Sleep(1500 * time.Millisecond) // past -origin-timeout: a tunnel is not an exchange
		}
		_, _ = io.WriteString(c, msg)
		got, err := br.ReadString('\n')
		if err != nil || got != "echo "+msg {
			t.Fatalf("message %d: %q %v", i, got, err)
		}
	}
}
