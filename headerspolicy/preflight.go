package headerspolicy

import (
	"net/http"
	"slices"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Bounds of an echoed Access-Control-Request-Headers: longer lists are not
// echoed (the browser then refuses the request).
const (
	maxRequestHeadersLen = 4096
	maxRequestHeaders    = 64
)

// IsPreflight reports whether a request is a CORS preflight: OPTIONS with an
// Origin and an Access-Control-Request-Method (Fetch standard, CORS-preflight
// request).
func IsPreflight(method, origin, requestMethod string) bool {
	return method == http.MethodOptions && origin != "" && requestMethod != ""
}

// Preflight answers a CORS preflight at the edge: it sets the whole answer's
// headers in h (which holds none of the origin's) and returns its status, 204
// No Content, and whether the policy allows it. An allowed one gets
// Access-Control-Allow-Origin, -Allow-Methods, -Allow-Headers (when the policy
// lists any), -Max-Age (when set) and -Allow-Credentials (when set); a
// refused one (origin not allowed, method not listed) gets none of them, so
// the browser refuses the request the preflight was for, which never reaches
// the origin. Both get Vary: Origin when the allowed origin is a list, and the
// security and custom headers.
//
// requestHeaders is Access-Control-Request-Headers as sent: it is only read
// when the policy allows "*" headers with credentials, where "*" is no
// wildcard to the browser and the request's names are echoed instead
// (validated, lower-cased, bounded).
func (p *Policy) Preflight(h http.Header, origin, requestMethod, requestHeaders string) (status int, allowed bool) {
	if p == nil || p.cors == nil {
		return http.StatusNoContent, false
	}
	for _, name := range p.remove {
		delete(h, name)
	}
	c := p.cors
	g := p.Allow(origin)
	allowed = g.OK() && slices.Contains(c.methods, requestMethod)
	if allowed {
		h[hdrAllowOrigin] = g.allowOrigin
		h[hdrAllowMethods] = c.allowMethods
		if c.allowHeaders != nil {
			h[hdrAllowHeaders] = c.allowHeaders
		}
		if c.echoHeaders {
			if names, ok := requestHeaderNames(requestHeaders); ok && names != "" {
				h[hdrAllowHeaders] = []string{names}
			}
			addVary(h, "Access-Control-Request-Headers")
		}
		if c.maxAge != nil {
			h[hdrMaxAge] = c.maxAge
		}
		if c.credentials {
			h[hdrAllowCredentials] = trueValue
		}
	}
	if c.varies() {
		addVary(h, "Origin")
	}
	p.addFixed(h)
	return http.StatusNoContent, allowed
}

// requestHeaderNames parses Access-Control-Request-Headers (untrusted): a
// comma-separated list of header names, optional whitespace around each.
// It returns them lower-cased, joined by ", ", or false when the value is
// malformed or over the bounds.
func requestHeaderNames(v string) (string, bool) {
	if len(v) > maxRequestHeadersLen {
		return "", false
	}
	var b strings.Builder
	n := 0
	for rest := v; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ",")
		name = strings.Trim(name, " \t")
		if name == "" {
			continue // empty list elements are allowed (RFC 9110 §5.6.1)
		}
		if !httpguts.ValidHeaderFieldName(name) {
			return "", false
		}
		if n++; n > maxRequestHeaders {
			return "", false
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.ToLower(name))
	}
	return b.String(), true
}
