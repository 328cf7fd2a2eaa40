package tlsfront

import (
	"crypto/tls"
	"net/http"
)

// Config is the TLS configuration of the TCP listener: TLS 1.2 or later (Go's
// default cipher suites: ECDHE with AEAD only), session tickets on (Go rotates
// their keys), ALPN h2 then http/1.1, and certificates from c by SNI.
func (c *Certs) Config() *tls.Config {
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: c.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
}

// Protocols is what the TLS server speaks: HTTP/1.1 and HTTP/2 (by ALPN);
// never HTTP/2 without TLS (h2c).
func Protocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	return p
}
