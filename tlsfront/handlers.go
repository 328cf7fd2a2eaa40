package tlsfront

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// AltSvc advertises HTTP/3 on port (h3=":PORT"; ma=86400) on every response
// of next. The header value is built once; a handler that replaces the field
// (an origin's stored Alt-Svc) wins.
func AltSvc(port int, next http.Handler) http.Handler {
	v := []string{AltSvcValue(port)}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Alt-Svc"] = v[:1:1] // full: an Add reallocates, never writes into v
		next.ServeHTTP(w, r)
	})
}

// AltSvcValue is the Alt-Svc field value advertising HTTP/3 on port.
func AltSvcValue(port int) string { return `h3=":` + strconv.Itoa(port) + `"; ma=86400` }

// CountHTTP1 counts one HTTP/1.x request (minor version 0 or 1) of a front
// end that is not net/http (fasthttp) in streamedge_requests_by_protocol_total.
func (m *Metrics) CountHTTP1(minor int) {
	if m == nil {
		return
	}
	m.byProto[min(max(minor, 0), 1)].Inc()
}

// HandshakeError counts a failed TLS handshake seen outside net/http's
// server (the ALPN split in front of fasthttp).
func (m *Metrics) HandshakeError(error) { m.handshakeError() }

// CountProtocol counts next's requests by protocol in
// streamedge_requests_by_protocol_total.
func CountProtocol(m *Metrics, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.protoCounter(r).Inc()
		next.ServeHTTP(w, r)
	})
}

func (m *Metrics) protoCounter(r *http.Request) prometheus.Counter {
	switch {
	case r.ProtoMajor == 1 && r.ProtoMinor == 0:
		return m.byProto[0]
	case r.ProtoMajor == 1 && r.ProtoMinor == 1:
		return m.byProto[1]
	case r.ProtoMajor == 2:
		return m.byProto[2]
	case r.ProtoMajor == 3:
		return m.byProto[3]
	}
	return m.otherProto
}
