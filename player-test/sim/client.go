package sim

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// NewHTTPClient returns the client all players share: keep-alive pools
// sized for players connections to one host, dial/TLS/header timeouts and an
// overall per-request timeout. HTTP/2 is off unless http2 is set, so each
// player tends to use its own connection like a real device would.
func NewHTTPClient(players int, http2 bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	per := max(players+players/4, 4)
	t := &http.Transport{
		DialContext:           dialer.DialContext,
		MaxIdleConns:          per * 2,
		MaxIdleConnsPerHost:   per,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     http2,
	}
	if !http2 {
		t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}
