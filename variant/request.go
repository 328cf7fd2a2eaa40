package variant

import (
	"net/http"
	"strings"
)

// Bounds of the Origin dimension.
const (
	MaxOriginLen = 256 // longer Origin values are passed through, never keyed
	MaxOrigins   = 16  // distinct Origin values stored per object; more pass through
)

// Request is what of a client request selects a variant.
type Request struct {
	Class    string // encoding class (Class)
	Origin   string // the Origin header as sent; "" when absent
	OriginOK bool   // Origin absent, or one valid serialized origin
}

// FromRequest reads a request's variant selectors.
func FromRequest(r *http.Request) Request {
	v := Request{Class: Class(r.Header.Get("Accept-Encoding"))}
	switch o := r.Header.Values("Origin"); len(o) {
	case 0:
		v.OriginOK = true
	case 1:
		v.Origin, v.OriginOK = o[0], ValidOrigin(o[0])
	}
	return v
}

// ValidOrigin reports whether s is a serialized origin (RFC 6454 §6.2) of at
// most MaxOriginLen bytes: "null", or scheme "://" host [":" port] with no
// path, userinfo, query or whitespace. It is the parser of the one untrusted
// value the edge keys on besides the target.
func ValidOrigin(s string) bool {
	if len(s) == 0 || len(s) > MaxOriginLen {
		return false
	}
	if s == "null" {
		return true
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !validScheme(scheme) {
		return false
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
		host, port = rest[:i], rest[i+1:]
		if !validPort(port) {
			return false
		}
	}
	return validHost(host)
}

func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !isDigit(p[i]) {
			return false
		}
	}
	return true
}

// validHost accepts a reg-name or IPv4 (letters, digits, '-', '.') or a
// bracketed IPv6 literal.
func validHost(h string) bool {
	if strings.HasPrefix(h, "[") {
		if len(h) < 3 || !strings.HasSuffix(h, "]") {
			return false
		}
		for i := 1; i < len(h)-1; i++ {
			if c := h[i]; !isHex(c) && c != ':' && c != '.' {
				return false
			}
		}
		return true
	}
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !isAlpha(c) && !isDigit(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }
