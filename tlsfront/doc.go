// Package tlsfront is the edge's encrypted front end: it sits before the
// request path (listener → limits → cache key → store → fill → response) on
// the -tls-listen address and hands every request, whatever its protocol, to
// the same handler the plain listener serves.
//
//   - Certs holds the certificate pairs and picks one per connection by SNI
//     (the first pair is the default). Reload re-reads every pair and swaps
//     them in with one atomic pointer store behind tls.Config.GetCertificate:
//     handshakes from then on use the new set, connections already open are
//     not touched, and a set with one bad pair is refused as a whole (the old
//     set keeps serving; the caller logs the error and counts it with
//     Metrics.CountReload).
//   - Config is the TLS configuration of both TCP and QUIC: TLS 1.2 or later,
//     session tickets on, ALPN h2 and http/1.1 (h3 on QUIC).
//   - HTTP/1.1 and HTTP/2 over TLS are net/http's server (HTTP/2 chosen by
//     ALPN; no h2c); HTTP3 serves HTTP/3 with quic-go on the same port over
//     UDP, with at most a fixed number of QUIC connections at once; its
//     requests are adapted so the limits judge them as they do HTTP/1.1 and
//     HTTP/2 ones (h3adapt.go).
//   - AltSvc advertises HTTP/3 on the TCP listeners' responses, and
//     CountProtocol counts requests by protocol.
//
// Handshake errors are counted from net/http's error log (HandshakeErrorLog),
// the one place net/http reports them.
package tlsfront
