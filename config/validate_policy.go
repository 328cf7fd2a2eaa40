package config

import (
	"net/http"
	"slices"
	"strings"

	"github.com/streamedge/streamedge/variant"
)

var (
	corsMethods     = []string{"GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL"}
	frameOptions    = []string{"DENY", "SAMEORIGIN"}
	referrerPolicys = []string{"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
		"same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"}
)

func (v *validator) headersPolicy(at path, p *HeadersPolicy) {
	if p == nil {
		v.add(at, "empty response headers policy: set cors, security, custom_headers or remove_headers")
		return
	}
	if p.CORS != nil {
		v.cors(at.key("cors"), p.CORS)
	}
	if p.Security != nil {
		v.security(at.key("security"), p.Security)
	}
	seen := map[string]bool{}
	for i, h := range p.CustomHeaders {
		hat := at.key("custom_headers").idx(i)
		name := http.CanonicalHeaderKey(h.Name)
		switch {
		case !validHeaderName(h.Name):
			v.add(hat.key("name"), "%q is not a valid header name", h.Name)
		case reservedHeader(h.Name):
			v.add(hat.key("name"), "%s is set by the edge and cannot be added", name)
		case seen[name]:
			v.add(hat.key("name"), "%s is listed twice", name)
		case !validHeaderValue(h.Value):
			v.add(hat.key("value"), "header value holds a control character")
		}
		seen[name] = true
	}
	for i, h := range p.RemoveHeaders {
		switch {
		case !validHeaderName(h):
			v.add(at.key("remove_headers").idx(i), "%q is not a valid header name", h)
		case reservedHeader(h):
			v.add(at.key("remove_headers").idx(i), "%s cannot be removed", http.CanonicalHeaderKey(h))
		case seen[http.CanonicalHeaderKey(h)]:
			v.add(at.key("remove_headers").idx(i), "%s is both added and removed", http.CanonicalHeaderKey(h))
		}
	}
}

func (v *validator) cors(at path, c *CORS) {
	if len(c.AllowOrigins) == 0 {
		v.add(at.key("allow_origins"), "required: \"*\" or origins such as https://player.example")
	}
	for i, o := range c.AllowOrigins {
		switch {
		case o == "*" && c.AllowCredentials:
			v.add(at.key("allow_origins").idx(i), "\"*\" cannot be combined with allow_credentials (browsers refuse it)")
		case o != "*" && !variant.ValidOrigin(o):
			v.add(at.key("allow_origins").idx(i), "%q: want \"*\" or scheme://host[:port]", o)
		}
	}
	for i, m := range c.AllowMethods {
		if !slices.Contains(corsMethods, strings.ToUpper(m)) {
			v.add(at.key("allow_methods").idx(i), "%q: want %s", m, strings.Join(corsMethods, ", "))
		}
	}
	for _, list := range []struct {
		key   string
		names []string
	}{{"allow_headers", c.AllowHeaders}, {"expose_headers", c.ExposeHeaders}} {
		for i, h := range list.names {
			if h != "*" && !validHeaderName(h) {
				v.add(at.key(list.key).idx(i), "%q is not a valid header name", h)
			}
		}
	}
}

func (v *validator) security(at path, s *Security) {
	if h := s.StrictTransportSecurity; h != nil && h.MaxAge <= 0 {
		v.add(at.key("strict_transport_security").key("max_age"), "required: how long browsers keep HTTPS-only (e.g. 365d as 31536000)")
	}
	if s.FrameOptions != "" && !slices.Contains(frameOptions, s.FrameOptions) {
		v.add(at.key("frame_options"), "%q: want DENY or SAMEORIGIN", s.FrameOptions)
	}
	if s.ReferrerPolicy != "" && !slices.Contains(referrerPolicys, s.ReferrerPolicy) {
		v.add(at.key("referrer_policy"), "%q: want %s", s.ReferrerPolicy, strings.Join(referrerPolicys, ", "))
	}
	if !validHeaderValue(s.ContentSecurityPolicy) {
		v.add(at.key("content_security_policy"), "header value holds a control character")
	}
}
