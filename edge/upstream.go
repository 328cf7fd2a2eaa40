package edge

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

// upstream is what a request sends the origin beyond the edge's own
// headers, from its behavior's cache key and origin request policies
// (cachekey.Request): the target (the key's query parameters plus the
// origin request policy's) and the viewer headers and cookies they name.
// A fill copies the starting request's: followers share its fill because
// they share its key, so a value the origin request policy forwards without
// keying on it comes from the first request, as on CloudFront.
type upstream struct {
	target string
	header http.Header // nil when the policies forward none; never mutated
	peer   string      // the POP member that asked (origin.PeerHeader), "" for a viewer (peer.go)
}

// upstream is what x's fill sends the origin: in flag mode (and whenever
// the policies add nothing) the key is the target and nothing is forwarded,
// which the exchange records as a nil up, keeping the hit path's exchange
// small.
func (x *exchange) upstream() upstream {
	if x.up != nil {
		return *x.up
	}
	return upstream{target: x.key}
}

// Names lists the request's header names, lower-cased: what an allViewer
// origin request policy forwards from the fasthttp front end. The names
// are copies.
func (f *fastHeader) Names() []string {
	if f.h == nil {
		return nil
	}
	var out []string
	for k := range f.h.All() {
		out = append(out, strings.ToLower(string(k)))
	}
	return out
}

// keyCounters count the header and cookie items cache policies put in keys
// (streamedge_cache_key_items_total): a fast-growing series names the
// dimension fragmenting the cache.
type keyCounters struct {
	vec              *prometheus.CounterVec
	headers, cookies prometheus.Counter
}

func newKeyCounters() keyCounters {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_cache_key_items_total",
		Help: "Header and cookie items cache policies put in request cache keys, by dimension (header, cookie)."}, []string{"dimension"})
	return keyCounters{vec: vec, headers: vec.WithLabelValues("header"), cookies: vec.WithLabelValues("cookie")}
}

func (k keyCounters) add(headers, cookies int) {
	k.headers.Add(float64(headers))
	k.cookies.Add(float64(cookies))
}
