package headerspolicy

import (
	"net/http"
	"strings"
)

// Apply edits a response's headers (hit, miss, stale, pass-through or an
// error the edge answers itself) in CloudFront's order: remove_headers
// first, then, for a request g allows, Access-Control-Allow-Origin,
// -Allow-Credentials and -Expose-Headers (the origin's kept unless
// origin_override), Vary: Origin when the allowed origin is a list, then the
// security and custom headers (the origin's kept unless override).
//
// h's values may be shared with other responses (a stored entry's): Apply
// only replaces map entries, never writes into a value. It allocates only to
// merge Origin into a Vary the origin sent (other than Accept-Encoding).
func (p *Policy) Apply(h http.Header, g Grant) {
	if p == nil {
		return
	}
	for _, name := range p.remove {
		delete(h, name)
	}
	if c := p.cors; c != nil {
		if g.OK() {
			c.put(h, hdrAllowOrigin, g.allowOrigin)
			if c.credentials {
				c.put(h, hdrAllowCredentials, trueValue)
			}
			if c.expose != nil {
				c.put(h, hdrExposeHeaders, c.expose)
			}
		}
		if c.varies() {
			addVary(h, "Origin")
		}
	}
	p.addFixed(h)
}

func (p *Policy) addFixed(h http.Header) {
	for i := range p.fixed {
		f := &p.fixed[i]
		if f.override || len(h[f.name]) == 0 {
			h[f.name] = f.value
		}
	}
}

// put sets a CORS header unless the origin sent it and the policy does not
// override.
func (c *cors) put(h http.Header, name string, v []string) {
	if c.override || len(h[name]) == 0 {
		h[name] = v
	}
}

// addVary adds token to Vary unless it is there (or Vary is "*").
func addVary(h http.Header, token string) {
	v := h[hdrVary]
	switch {
	case len(v) == 0:
		if token == "Origin" {
			h[hdrVary] = varyOrigin
			return
		}
		h[hdrVary] = []string{token}
	case varyHas(v, token):
	case token == "Origin" && len(v) == 1 && v[0] == "Accept-Encoding":
		h[hdrVary] = varyAEOrigin
	default:
		h[hdrVary] = append(v[:len(v):len(v)], token) // a copy: v may be shared
	}
}

// varyHas reports whether a Vary field lists token or "*".
func varyHas(values []string, token string) bool {
	for _, v := range values {
		for v != "" {
			var t string
			t, v, _ = strings.Cut(v, ",")
			t = strings.TrimSpace(t)
			if t == "*" || strings.EqualFold(t, token) {
				return true
			}
		}
	}
	return false
}
