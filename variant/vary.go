package variant

import (
	"net/http"
	"strings"
)

// Dims is the set of request dimensions a stored response varies on.
type Dims uint8

const (
	AcceptEncoding Dims = 1 << iota // keyed by encoding class
	Origin                          // keyed by the request's Origin value
)

// ParseVary reports the dimensions Vary names and whether a stored response
// can serve other clients at all (Vary names nothing the edge cannot key on).
// Access-Control-Request-Method and -Headers (S3 lists them with Origin) are
// accepted without a dimension: browsers send them only on OPTIONS
// preflights, which the edge never caches, and a fill never forwards them, so
// every cached GET is the "absent" variant of both.
func ParseVary(values []string) (Dims, bool) {
	var d Dims
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			switch f = strings.TrimSpace(f); {
			case f == "":
			case strings.EqualFold(f, "Accept-Encoding"):
				d |= AcceptEncoding
			case strings.EqualFold(f, "Origin"):
				d |= Origin
			case strings.EqualFold(f, "Access-Control-Request-Method"),
				strings.EqualFold(f, "Access-Control-Request-Headers"):
			default:
				return d, false
			}
		}
	}
	return d, true
}

// Of is the decision for one response header: the dimensions it varies on and
// whether it may be shared. A content-coded body varies on Accept-Encoding
// even when the origin forgot Vary (else gzip would reach clients that cannot
// read it); an Access-Control-Allow-Origin naming one origin varies on Origin
// likewise (else one site's CORS grant would be served to another).
func Of(h http.Header) (Dims, bool) {
	d, ok := ParseVary(h.Values("Vary"))
	if !ok {
		return d, false
	}
	if Encoded(h.Get("Content-Encoding")) {
		d |= AcceptEncoding
	}
	if acao := strings.TrimSpace(h.Get("Access-Control-Allow-Origin")); acao != "" && acao != "*" {
		d |= Origin
	}
	return d, true
}

// Announce makes the header say what the edge keys on: a response stored per
// encoding class says Vary: Accept-Encoding downstream (and per Origin, Vary:
// Origin), added when the origin did not say it. h must be the caller's own.
func Announce(h http.Header, d Dims) {
	named, _ := ParseVary(h.Values("Vary"))
	if d&AcceptEncoding != 0 && named&AcceptEncoding == 0 {
		h.Add("Vary", "Accept-Encoding")
	}
	if d&Origin != 0 && named&Origin == 0 {
		h.Add("Vary", "Origin")
	}
}
