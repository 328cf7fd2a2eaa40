package sim

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"time"

	"github.com/quic-go/quic-go/http3"
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

// NewHTTP3Client returns a client that speaks HTTP/3 (QUIC, quic-go) to
// https:// URLs only: all players share its QUIC connection to the host, as
// HTTP/2 players share theirs. Certificates are checked against the system
// roots when roots is nil (SSL_CERT_FILE adds a test CA).
func NewHTTP3Client(roots *x509.CertPool) *http.Client {
	t := &http3.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: roots}}
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}
