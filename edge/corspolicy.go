package edge

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/headerspolicy"
)

// The response headers policy stage (package headerspolicy): the route's
// policy is attached to the exchange's writer when the route is selected, so
// every response head written through it (a hit, a fill, a stale copy, a
// pass-through, an error the edge answers) gets the policy's headers; a CORS
// preflight is answered here before the cache key.

// CORS grants, as logged and counted.
const (
	corsAllowed = "allowed"
	corsRefused = "refused"
)

// useRoute makes rt the exchange's route and reads, while the request's
// headers are still the front end's, what its headers policy grants the
// request's Origin.
func (h *Handler) useRoute(x *exchange, rt *Route) {
	x.route = rt
	p := rt.Headers
	if p == nil {
		return
	}
	x.w.headers = p
	if !p.HasCORS() {
		return
	}
	hdr := x.r.Header()
	origin := hdr.Get("Origin")
	if origin == "" {
		return // no CORS request
	}
	if headerspolicy.IsPreflight(x.r.Method(), origin, hdr.Get("Access-Control-Request-Method")) {
		x.preflight = true // answered by preflight, counted there
		return
	}
	x.w.grant = p.Allow(origin)
	x.cors = grantLabel(x.w.grant.OK())
	h.metrics.cors.inc(false, x.w.grant.OK())
}

// preflight answers a CORS preflight from the route's policy: 204 with the
// CORS headers, or without them for an origin or method it does not allow.
func (h *Handler) preflight(x *exchange) {
	x.result = resultPreflight
	x.w.headers = nil // Preflight sets the whole answer, the policy's other headers included
	hdr := x.r.Header()
	status, ok := x.route.Headers.Preflight(x.w.Header(), hdr.Get("Origin"),
		hdr.Get("Access-Control-Request-Method"), hdr.Get("Access-Control-Request-Headers"))
	x.cors = grantLabel(ok)
	h.metrics.cors.inc(true, ok)
	x.w.WriteHeader(status)
}

func grantLabel(ok bool) string {
	if ok {
		return corsAllowed
	}
	return corsRefused
}

// corsCounters is streamedge_cors_requests_total, its four series resolved
// once (no label hashing per request).
type corsCounters struct {
	vec *prometheus.CounterVec
	by  [2][2]prometheus.Counter // [preflight][allowed]
}

func newCORSCounters() *corsCounters {
	c := &corsCounters{vec: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_cors_requests_total",
		Help: "CORS requests (with an Origin) on routes whose response headers policy has CORS, by kind (preflight, answered at the edge; actual) and grant (allowed, refused)."},
		[]string{"kind", "grant"})}
	for i, kind := range []string{"actual", "preflight"} {
		for j, grant := range []string{corsRefused, corsAllowed} {
			c.by[i][j] = c.vec.WithLabelValues(kind, grant)
		}
	}
	return c
}

func (c *corsCounters) inc(preflight, allowed bool) {
	i, j := 0, 0
	if preflight {
		i = 1
	}
	if allowed {
		j = 1
	}
	c.by[i][j].Inc()
}
