// Package alpn sends each TLS connection to the front end that speaks the
// protocol its client negotiated: in the request path it sits between the
// TLS listener (-tls-listen, behind limits.Listener) and the servers —
// HTTP/2 ("h2") to net/http, HTTP/1.1 to fasthttp, the hot path.
//
// Split handshakes every accepted connection on a goroutine of its own,
// bounded by a handshake timeout (a client that never finishes its
// handshake holds nothing but its connection, counted by the connection
// limits, which wrap ln), then hands it to the listener of its protocol.
// Each connection in its handshake is one goroutine, so ln should be
// limits.Listener (-max-conns bounds them).
package alpn
