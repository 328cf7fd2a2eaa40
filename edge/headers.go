package edge

import (
	"net/http"
	"strings"

	"github.com/streamedge/streamedge/freshness"
)

// refreshedHeader is the stored header updated by a 304 (RFC 9111 §3.2,
// §4.3.4): every end-to-end field the 304 carries replaces the stored one,
// except those never stored (hop-by-hop, Date, Age, Set-Cookie...),
// Content-Length, and Content-Encoding, which the stored body depends on.
func refreshedHeader(stored, notModified http.Header) http.Header {
	hdr := stored.Clone()
	for k, v := range storedHeader(notModified) {
		if k != "Content-Encoding" {
			hdr[k] = v
		}
	}
	return hdr
}

// hopHeaders are never stored nor forwarded (RFC 9110 §7.6.1), with the
// per-response fields the edge sets itself (Via is re-added by storedHeader
// with the edge's entry appended; an upstream Cache-Status is kept and ours
// follows it).
var hopHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
	"Set-Cookie", "Date", "Age", "Content-Length", "X-Cache", "Via", "Accept-Ranges",
	"Alt-Svc", // the origin's alternative services are not the edge's (the edge advertises its own)
}

// keptHeader is storedHeader less the fields the origin named in
// private="…" or no-cache="…", which a shared cache must not reuse.
func keptHeader(src http.Header, pol freshness.Policy) http.Header {
	h := storedHeader(src)
	for _, f := range pol.StripFields {
		h.Del(f)
	}
	return h
}

// clampDownstream makes the freshness a live manifest's clients may keep
// (Cache-Control, Expires) agree with the edge's own lifetime
// (freshness.Policy.Downstream), counting origins that promised more.
func (h *Handler) clampDownstream(pol freshness.Policy, hdr http.Header) {
	if pol.Downstream(hdr) {
		h.metrics.liveFreshnessClamped.Inc()
	}
}

// storedHeader copies the response headers worth keeping.
func storedHeader(src http.Header) http.Header {
	dst := src.Clone()
	for _, f := range src.Values("Connection") {
		for _, name := range strings.Split(f, ",") {
			dst.Del(strings.TrimSpace(name))
		}
	}
	for _, k := range hopHeaders {
		dst.Del(k)
	}
	if via := src.Values("Via"); len(via) > 0 {
		// Append to the origin's Via, never replace it (RFC 9110 §7.6.3).
		dst["Via"] = append(append(make([]string, 0, len(via)+1), via...), viaValue...)
	}
	return dst
}
