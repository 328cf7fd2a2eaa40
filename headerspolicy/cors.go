package headerspolicy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/variant"
)

// CORS response header names (canonical).
const (
	hdrAllowOrigin      = "Access-Control-Allow-Origin"
	hdrAllowCredentials = "Access-Control-Allow-Credentials"
	hdrAllowMethods     = "Access-Control-Allow-Methods"
	hdrAllowHeaders     = "Access-Control-Allow-Headers"
	hdrExposeHeaders    = "Access-Control-Expose-Headers"
	hdrMaxAge           = "Access-Control-Max-Age"
	hdrVary             = "Vary"
)

// allMethods is what CloudFront's ALL stands for.
var allMethods = []string{"GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// Shared values.
var (
	starValue    = []string{"*"}
	trueValue    = []string{"true"}
	varyOrigin   = []string{"Origin"}
	varyAEOrigin = []string{"Accept-Encoding", "Origin"} // the common merge, allocated once
)

// cors is a compiled CORS configuration.
type cors struct {
	anyOrigin    bool     // allow_origins is "*": Access-Control-Allow-Origin: *
	origins      []origin // else the allowed origins
	methods      []string // allowed request methods (case-sensitive, as the Fetch standard compares them)
	allowMethods []string // Access-Control-Allow-Methods
	allowHeaders []string // Access-Control-Allow-Headers; nil when none or echoed
	echoHeaders  bool     // "*" with credentials: the request's headers are echoed ("*" is literal then)
	expose       []string // Access-Control-Expose-Headers; nil when none
	maxAge       []string // Access-Control-Max-Age; nil when unset
	credentials  bool     // Access-Control-Allow-Credentials: true
	override     bool     // the policy's CORS headers replace the origin's
}

// origin is one allowed serialized origin.
type origin struct {
	match string   // lower case, default port dropped
	value []string // Access-Control-Allow-Origin for it (the same bytes)
}

func newCORS(c *config.CORS) (*cors, error) {
	out := &cors{credentials: c.AllowCredentials, override: c.OriginOverride}
	for _, o := range c.AllowOrigins {
		switch {
		case o == "*" && !c.AllowCredentials:
			out.anyOrigin = true
		case o != "*" && variant.ValidOrigin(o):
			m := normalOrigin(strings.ToLower(o))
			out.origins = append(out.origins, origin{match: m, value: one(m)})
		default:
			return nil, fmt.Errorf("allow_origins: %q: %w", o, ErrInvalid)
		}
	}
	if len(c.AllowOrigins) == 0 {
		return nil, fmt.Errorf("allow_origins: none: %w", ErrInvalid)
	}
	if out.anyOrigin {
		out.origins = nil // "*" covers them
	}
	methods := c.AllowMethods
	if methods == nil {
		methods = []string{"GET", "HEAD"}
	}
	for _, m := range methods {
		m = strings.ToUpper(m)
		add := []string{m}
		if m == "ALL" {
			add = allMethods
		} else if !slices.Contains(allMethods, m) {
			return nil, fmt.Errorf("allow_methods: %q: %w", m, ErrInvalid)
		}
		for _, a := range add {
			if !slices.Contains(out.methods, a) {
				out.methods = append(out.methods, a)
			}
		}
	}
	out.allowMethods = joined(out.methods)
	if slices.Contains(c.AllowHeaders, "*") {
		out.allowHeaders, out.echoHeaders = starValue, c.AllowCredentials
		if out.echoHeaders {
			out.allowHeaders = nil
		}
	} else {
		out.allowHeaders = joined(c.AllowHeaders)
	}
	out.expose = joined(c.ExposeHeaders)
	for _, list := range [][]string{c.AllowHeaders, c.ExposeHeaders} {
		for _, h := range list {
			if h != "*" && !httpguts.ValidHeaderFieldName(h) {
				return nil, fmt.Errorf("header name %q: %w", h, ErrInvalid)
			}
		}
	}
	if c.MaxAge != nil {
		out.maxAge = one(strconv.FormatInt(int64(c.MaxAge.D().Seconds()), 10))
	}
	return out, nil
}

// normalOrigin drops the scheme's default port, which browsers never send
// (RFC 6454 §6.2 serialisation): "https://a.example:443" is "https://a.example".
func normalOrigin(o string) string {
	if s, ok := strings.CutSuffix(o, ":443"); ok && strings.HasPrefix(o, "https://") {
		return s
	}
	if s, ok := strings.CutSuffix(o, ":80"); ok && strings.HasPrefix(o, "http://") {
		return s
	}
	return o
}

// varies reports whether Access-Control-Allow-Origin depends on the
// request's Origin (a list, not "*"): responses then carry Vary: Origin.
func (c *cors) varies() bool { return !c.anyOrigin }

// Grant is what a policy allows a request's Origin: the
// Access-Control-Allow-Origin value to send, or nothing. It holds one of the
// policy's precomputed values, never the request's bytes, so it outlives the
// request's header buffers (fasthttp's) at no cost.
type Grant struct{ allowOrigin []string }

// OK reports whether the request is a CORS request the policy allows.
func (g Grant) OK() bool { return g.allowOrigin != nil }

// Same reports whether g and o are the same grant of the same policy (Allow
// returns the policy's own values, so this compares them by identity).
func (g Grant) Same(o Grant) bool {
	return len(g.allowOrigin) == len(o.allowOrigin) &&
		(len(g.allowOrigin) == 0 || &g.allowOrigin[0] == &o.allowOrigin[0])
}

// Allow matches a request's Origin header ("" when absent) against the
// policy. It does not allocate.
func (p *Policy) Allow(requestOrigin string) Grant {
	if p == nil || p.cors == nil || requestOrigin == "" || len(requestOrigin) > variant.MaxOriginLen {
		return Grant{}
	}
	c := p.cors
	if c.anyOrigin {
		return Grant{starValue}
	}
	o := requestOrigin
	if s, ok := cutSuffixFold(o, ":443"); ok && hasPrefixFold(o, "https://") {
		o = s
	} else if s, ok := cutSuffixFold(o, ":80"); ok && hasPrefixFold(o, "http://") {
		o = s
	}
	for i := range c.origins {
		if strings.EqualFold(c.origins[i].match, o) {
			return Grant{c.origins[i].value}
		}
	}
	return Grant{}
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
