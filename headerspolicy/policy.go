package headerspolicy

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/streamedge/streamedge/config"
)

// ErrInvalid is wrapped by New's errors: a policy package config's validation
// would have refused.
var ErrInvalid = errors.New("invalid response headers policy")

// Policy is a compiled response headers policy. A nil *Policy is no policy:
// its methods do nothing.
type Policy struct {
	remove []string // canonical names, removed before anything is added
	cors   *cors    // nil: the policy has no CORS part
	fixed  []fixed  // security and custom headers, in the order they are added
}

// fixed is a header the policy adds to every response.
type fixed struct {
	name     string   // canonical
	value    []string // shared: cap == len
	override bool     // replace the origin's value, else keep it
}

// New compiles p; a nil p is no policy (nil, nil).
func New(p *config.HeadersPolicy) (*Policy, error) {
	if p == nil {
		return nil, nil
	}
	out := &Policy{}
	for _, name := range p.RemoveHeaders {
		if !httpguts.ValidHeaderFieldName(name) {
			return nil, fmt.Errorf("remove_headers: %q: %w", name, ErrInvalid)
		}
		out.remove = append(out.remove, http.CanonicalHeaderKey(name))
	}
	if p.CORS != nil {
		c, err := newCORS(p.CORS)
		if err != nil {
			return nil, fmt.Errorf("cors: %w", err)
		}
		out.cors = c
	}
	if s := p.Security; s != nil {
		out.fixed = append(out.fixed, securityHeaders(s)...)
	}
	for _, h := range p.CustomHeaders {
		out.fixed = append(out.fixed, fixed{name: http.CanonicalHeaderKey(h.Name), value: one(h.Value), override: h.Override})
	}
	for _, f := range out.fixed {
		if !httpguts.ValidHeaderFieldName(f.name) || !httpguts.ValidHeaderFieldValue(f.value[0]) {
			return nil, fmt.Errorf("header %q: %w", f.name, ErrInvalid)
		}
	}
	return out, nil
}

// HasCORS reports whether the policy answers CORS (and so preflights).
func (p *Policy) HasCORS() bool { return p != nil && p.cors != nil }

func securityHeaders(s *config.Security) []fixed {
	var out []fixed
	add := func(name, value string) {
		out = append(out, fixed{name: name, value: one(value), override: s.Override})
	}
	if h := s.StrictTransportSecurity; h != nil {
		v := "max-age=" + strconv.FormatInt(int64(h.MaxAge.D().Seconds()), 10)
		if h.IncludeSubdomains {
			v += "; includeSubDomains"
		}
		if h.Preload {
			v += "; preload"
		}
		add("Strict-Transport-Security", v)
	}
	if s.ContentTypeOptions {
		add("X-Content-Type-Options", "nosniff")
	}
	if s.FrameOptions != "" {
		add("X-Frame-Options", s.FrameOptions)
	}
	if s.ReferrerPolicy != "" {
		add("Referrer-Policy", s.ReferrerPolicy)
	}
	if s.ContentSecurityPolicy != "" {
		add("Content-Security-Policy", s.ContentSecurityPolicy)
	}
	return out
}

// one is a shared single value: nothing can append into it.
func one(v string) []string { return []string{v} }

func joined(list []string) []string {
	if len(list) == 0 {
		return nil
	}
	return one(strings.Join(list, ", "))
}
