package edge

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/failure"
	"github.com/streamedge/streamedge/signedurl"
)

// Verifier checks a request's signed URL or signed cookies against a
// behavior's trusted key groups; *signedurl.Verifier is one.
type Verifier interface {
	Check(req signedurl.Request) (signedurl.Grant, signedurl.Reason, error)
}

// Signing is a route's signed-URL requirement (CloudFront's trusted key
// groups): every request the route selects must carry a valid signature.
type Signing struct {
	Verifier Verifier
	// Manifests appends a URL-signed custom policy's parameters to the
	// child URIs of a manifest that the policy also grants, at response
	// time (signed_manifest.go).
	Manifests bool
}

// signedRoute checks a route's Signing and gives a route that verifies
// signatures its key builder: the signing parameters are neither part of
// the key nor sent to the origin.
func signedRoute(rt *Route) error {
	if rt.Signed == nil {
		return nil
	}
	if rt.Signed.Verifier == nil {
		return fmt.Errorf("edge: route %q: Signed needs a Verifier", rt.Name)
	}
	rt.Keys = rt.Keys.Excluding(cachekey.SignedURLParams...)
	return nil
}

// checkSigned is the behavior stage's signature check: a route with Signed
// refuses (403, one body whatever failed) a request whose signed URL or
// cookies do not verify. It reports false when it answered the request.
func (h *Handler) checkSigned(x *exchange) bool {
	s := x.route.Signed
	if s == nil {
		return true
	}
	grant, reason, err := s.Verifier.Check(signedRequest(x))
	x.signed = string(reason)
	h.metrics.signed.verifications.Observe(reason)
	if err != nil {
		h.refuse(x, failure.ErrSignature)
		return false
	}
	if s.Manifests {
		x.grant = grant
	}
	return true
}

// signedRequest is the request as the signer saw it: the target as sent,
// the Host, the scheme of the connection and the client's address.
func signedRequest(x *exchange) signedurl.Request {
	path, query, _ := strings.Cut(x.r.RequestURI(), "?")
	if !strings.HasPrefix(path, "/") { // absolute-form or empty: the parsed target
		path, query = x.r.EscapedPath(), x.r.RawQuery()
	}
	scheme := "http"
	if x.r.Secure() {
		scheme = "https"
	}
	ip, _ := netip.ParseAddr(clientIP(x.r.RemoteAddr()))
	return signedurl.Request{Scheme: scheme, Host: x.r.Host(), Path: path, RawQuery: query,
		Cookies: x.r.Header().Values("Cookie"), ClientIP: ip.Unmap()}
}

// viewerQuery is the query a route sends to the origin on a pass-through
// that has no key: without the signing parameters when the route verified
// them.
func (rt *Route) viewerQuery(rawQuery string) string {
	if rt.Signed == nil {
		return rawQuery
	}
	return signedurl.StripQuery(rawQuery)
}

// withoutSigningCookies keeps a signed route's CloudFront-* cookies out of
// its pass-through requests (fills never carry cookies): they were the
// viewer's credentials for the edge, not for the origin.
func withoutSigningCookies(rt *Route, next http.Handler) http.Handler {
	if rt.Signed == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cs := r.Header.Values("Cookie"); len(cs) > 0 {
			r.Header = r.Header.Clone()
			r.Header.Del("Cookie")
			for _, c := range cs {
				if kept := stripSigningCookies(c); kept != "" {
					r.Header.Add("Cookie", kept)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

func stripSigningCookies(header string) string {
	kept := make([]string, 0, 4)
	for part := range strings.SplitSeq(header, ";") {
		name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case signedurl.CookieExpires, signedurl.CookiePolicy, signedurl.CookieSignature, signedurl.CookieKeyPairID, signedurl.CookieHashAlg:
		default:
			kept = append(kept, strings.TrimSpace(part))
		}
	}
	return strings.Join(kept, "; ")
}

// signedMetrics are the signed-URL series.
type signedMetrics struct {
	verifications *signedurl.Metrics     // streamedge_signed_url_verifications_total{result}
	manifests     *prometheus.CounterVec // by result
}

func newSignedMetrics() *signedMetrics {
	return &signedMetrics{
		verifications: signedurl.NewMetrics(),
		manifests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "streamedge_signed_manifests_total",
			Help: "Manifests served to a viewer with a URL-signed custom policy, by result: rewritten (the policy's parameters appended to the child URIs it grants), unchanged (no child granted), error (served as stored)."},
			[]string{"result"}),
	}
}

func (m *signedMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.verifications, m.manifests}
}
