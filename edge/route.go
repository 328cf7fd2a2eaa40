package edge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/streamedge/streamedge/behavior"
	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/headerspolicy"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/rewrite"
)

// Origin is where a route's fills and pass-through requests go: an
// *origin.Client (HTTP(S) or S3) or an *origin.Group (failover).
type Origin interface {
	Fetch(ctx context.Context, fr origin.FillRequest) (*http.Response, error)
	// AcquireFill takes one of the origin's fill slots.
	AcquireFill(ctx context.Context) (release func(), err error)
	// PassThrough proxies requests that are not fills.
	PassThrough(log *slog.Logger, onError func(*http.Request, error)) http.Handler
}

// Viewer protocol policies (CloudFront's ViewerProtocolPolicy).
const (
	ViewerAllowAll        = "allow-all"
	ViewerRedirectToHTTPS = "redirect-to-https"
	ViewerHTTPSOnly       = "https-only"
)

// Route is what one cache behavior sets for the requests whose path it
// selects: the behavior stage sits between the listener and the cache key.
// A Route is immutable once handed to NewRoutes.
type Route struct {
	Name       string // the behavior's path pattern ("*" for the default), as logged
	OriginName string // the origin's or group's name, as logged
	Origin     Origin
	Keys       *cachekey.Builder
	Policy     freshness.Config
	// Methods are the allowed methods; others get 403. Nil allows every
	// method (GET and HEAD are cached, the rest pass through).
	Methods []string
	// ViewerProtocol is a Viewer* policy; "" is allow-all.
	ViewerProtocol string
	// Prefetch is how many of the newest segments per rendition a refreshed
	// live manifest gets fetched ahead (prefetch.go); 0 is off.
	Prefetch int
	// Signed, when set, requires a valid signed URL or signed cookies
	// (signed.go); nil serves the route's paths to anyone.
	Signed *Signing
	// Headers is the behavior's response headers policy (CORS, preflights
	// answered at the edge, security and custom headers); nil for none.
	Headers *headerspolicy.Policy
	// Compress serves compressible responses compressed (CloudFront's
	// Compress; fill_compress.go). False leaves bodies as the origin sent them.
	Compress bool
	// Rewrite, when set, rewrites the URIs of every manifest a fill
	// validates before it is stored (fill_rewrite.go): rewrite.OriginRelative
	// for the route's origin hosts keeps players on the edge. Nil leaves
	// manifests as the origin sent them.
	Rewrite rewrite.Mapper
	// NoHoldNotYet turns playlist-aware misses off (notyet.go): a segment
	// 404 is cached for the negative TTL whatever the live manifests name.
	NoHoldNotYet bool

	proxy   http.Handler // the origin's pass-through, built by NewRoutes
	methods map[string]bool
}

// Routes is an ordered table of behaviors: the first pattern matching a
// request's normalised path selects its route, else the default.
type Routes struct {
	table  *behavior.Table
	routes []*Route // one per pattern, in order
	def    *Route
	errors errorResponses // the distribution's custom error responses (errorresponse.go)
}

// PathRoute is one ordered behavior: a CloudFront path pattern and its route.
type PathRoute struct {
	Pattern string
	Route   *Route
}

// NewRoutes compiles the behaviors; def is the default behavior (`*`).
func NewRoutes(def *Route, ordered ...PathRoute) (*Routes, error) {
	if def == nil {
		return nil, errors.New("edge: a default route is required")
	}
	patterns := make([]string, len(ordered))
	rs := &Routes{def: def, routes: make([]*Route, len(ordered))}
	for i, pr := range ordered {
		patterns[i], rs.routes[i] = pr.Pattern, pr.Route
	}
	t, err := behavior.NewTable(patterns...)
	if err != nil {
		return nil, err
	}
	rs.table = t
	for _, rt := range append([]*Route{def}, rs.routes...) {
		if err := rt.check(); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// Single is a table of one default route: the flag-configured edge.
func Single(rt *Route) (*Routes, error) { return NewRoutes(rt) }

func (rt *Route) check() error {
	if rt == nil || rt.Origin == nil || rt.Keys == nil {
		return fmt.Errorf("edge: route %q needs an Origin and Keys", rt.name())
	}
	switch rt.ViewerProtocol {
	case "", ViewerAllowAll, ViewerRedirectToHTTPS, ViewerHTTPSOnly:
	default:
		return fmt.Errorf("edge: route %q: unknown viewer protocol %q", rt.Name, rt.ViewerProtocol)
	}
	if err := signedRoute(rt); err != nil {
		return err
	}
	if rt.Methods != nil {
		rt.methods = map[string]bool{}
		for _, m := range rt.Methods {
			rt.methods[m] = true
		}
	}
	return nil
}

func (rt *Route) name() string {
	if rt == nil {
		return ""
	}
	return rt.Name
}

// Select is the route for a normalised path.
func (rs *Routes) Select(path string) *Route {
	if i := rs.table.Select(path); i != behavior.Default {
		return rs.routes[i]
	}
	return rs.def
}

// Each calls fn for every route of the table, the default first.
func (rs *Routes) Each(fn func(*Route)) {
	fn(rs.def)
	for _, rt := range rs.routes {
		fn(rt)
	}
}

// allows reports whether the route accepts the method.
func (rt *Route) allows(method string) bool {
	return rt.methods == nil || rt.methods[method]
}

// selectRoute is the behavior stage: it picks the route of the request's
// normalised path and applies its viewer protocol policy and allowed
// methods. It reports false when it answered the request itself.
func (h *Handler) selectRoute(x *exchange) bool {
	path, err := cachekey.Path(x.r.EscapedPath())
	if err != nil {
		h.useRoute(x, h.routes.Load().def) // for the log; the target is refused
		h.refuse(x, err)
		return false
	}
	h.useRoute(x, h.routes.Load().Select(path))
	if !x.r.Secure() {
		switch x.route.ViewerProtocol {
		case ViewerRedirectToHTTPS:
			h.redirectToHTTPS(x)
			return false
		case ViewerHTTPSOnly:
			h.refuse(x, failure.ErrHTTPSOnly)
			return false
		}
	}
	if !x.route.allows(x.r.Method()) {
		h.refuse(x, failure.ErrBehaviorMethod)
		return false
	}
	return h.checkSigned(x)
}

// redirectToHTTPS answers 301 to the same target over HTTPS, as CloudFront
// does for redirect-to-https behaviors.
func (h *Handler) redirectToHTTPS(x *exchange) {
	x.result = resultError
	x.failure = "redirect_https"
	h.metrics.errorResponses.WithLabelValues(x.failure).Inc()
	hd := x.w.Header()
	hd.Set("Location", "https://"+x.r.Host()+x.r.RequestURI())
	hd["X-Cache"] = xcacheValues[resultError]
	x.w.WriteHeader(http.StatusMovedPermanently)
}
