package freshness

import (
	"net/http"
	"time"

	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/variant"
)

// Config holds the lifetimes used when the origin gives none.
type Config struct {
	DefaultTTL           time.Duration // cacheable responses with no freshness info (CloudFront DefaultTTL), e.g. 24h
	NegativeTTL          time.Duration // 404/410 without explicit freshness, e.g. 1s
	StaleWhileRevalidate time.Duration // window used when the origin sends no stale-while-revalidate
	StaleIfError         time.Duration // window used when the origin sends no stale-if-error
	// TTLs, when set, is a cache behavior's cache policy: CloudFront's
	// MinTTL/DefaultTTL/MaxTTL rule (ClampTTL) decides the lifetime of
	// successful responses instead of DefaultTTL and the origin's lifetime
	// alone. Errors without a lifetime keep NegativeTTL.
	TTLs *TTLs
	// NoLiveClamp leaves live manifests' lifetimes unclamped (a behavior's
	// media.live_clamp: false).
	NoLiveClamp bool
}

// Input describes one origin response.
type Input struct {
	Status        int
	Header        http.Header   // the origin's response header
	RequestTime   time.Time     // when the origin request was sent
	ResponseTime  time.Time     // when the response headers arrived
	Manifest      manifest.Info // Format None for non-manifests
	Path          string        // request path (for manifest.IsSegmentPath)
	Authorization bool          // the client request carried Authorization
}

// Policy is what the edge may do with a response. All durations are >= 0.
//
// TTL is the full freshness lifetime. The response is fresh until
// ResponseTime + TTL - InitialAge, and the Age to send is
// InitialAge + (now - ResponseTime). When Store is false, TTL and the stale
// windows are 0.
type Policy struct {
	Store                bool          // may be kept in the shared cache
	Shareable            bool          // may be handed to other clients (e.g. coalesced waiters)
	Reason               string        // why !Store or !Shareable: "no-store", "private", "set-cookie", "authorization", "vary", "status"
	Kind                 string        // what the response is for the lifetime rules: a Kind* constant
	InitialAge           time.Duration // corrected_initial_age (RFC 9111 §4.2.3)
	TTL                  time.Duration // freshness lifetime
	StaleWhileRevalidate time.Duration
	StaleIfError         time.Duration
	MustRevalidate       bool     // must-revalidate, proxy-revalidate or s-maxage: never serve stale unvalidated beyond the origin's own windows
	NoCache              bool     // unqualified no-cache: stored, but revalidate before each use (TTL 0)
	StripFields          []string // header fields named by private="…" / no-cache="…": remove before storing
}

// Decide applies RFC 9111 shared-cache rules and the media defaults to one
// origin response. See the package documentation for the rules.
func Decide(in Input, cfg Config) Policy {
	cc := ParseCacheControl(in.Header.Values("Cache-Control"))
	p := Policy{Kind: kindOf(in), InitialAge: initialAge(in.Header, in.RequestTime, in.ResponseTime)}
	_, varyOK := variant.ParseVary(in.Header.Values("Vary"))
	if p.Reason = unshareable(in, cc, varyOK); p.Reason != "" && !keptForMinTTL(p.Reason, cfg) {
		return p
	}
	p.Reason, p.Shareable = "", true
	lifetime, explicit := explicitLifetime(in, cc)
	if !storableStatus(in.Status, explicit) {
		p.Reason = "status"
		return p
	}
	p.Store = true
	p.StripFields = append(cc.PrivateFields, cc.NoCacheFields...)
	p.TTL = lifetime
	if !explicit {
		p.TTL = defaultTTL(in.Status, p.Kind, in.Manifest, cfg)
	}
	setStale(&p, cc, cfg)
	if cfg.TTLs != nil {
		applyTTLs(&p, in, explicit, *cfg.TTLs)
	}
	if in.Status >= 400 {
		// An error is never served stale: a live segment that 404s a moment
		// before it is published must be asked for again once -negative-ttl
		// passes, not answered 404 for another stale window.
		p.StaleWhileRevalidate, p.StaleIfError = 0, 0
	}
	if !cfg.NoLiveClamp {
		clampLive(&p, in.Manifest)
	}
	return p
}

// unshareable returns why a response must not be stored or shared, or "".
func unshareable(in Input, cc Directives, varyOK bool) string {
	switch {
	case cc.NoStore:
		return "no-store"
	case cc.Private:
		return "private"
	case len(in.Header.Values("Set-Cookie")) > 0:
		return "set-cookie"
	case in.Authorization && !cc.Public && !cc.HasSMaxAge && !cc.MustRevalidate:
		return "authorization"
	case !varyOK:
		return "vary"
	}
	return ""
}

// setStale fills MustRevalidate, NoCache and the stale windows. The
// configured default windows do not apply to must-revalidate,
// proxy-revalidate, s-maxage or no-cache responses; the origin's own
// stale-while-revalidate / stale-if-error always do. The default
// stale-while-revalidate window does not apply to live manifests either: a
// player reloading a live playlist wants the newest one, and a stale answer
// makes it wait another reload interval for segments that already exist.
func setStale(p *Policy, cc Directives, cfg Config) {
	p.MustRevalidate = cc.MustRevalidate || cc.ProxyRevalidate || cc.HasSMaxAge
	p.NoCache = cc.NoCache
	if p.NoCache {
		p.TTL = 0
	}
	if !p.MustRevalidate && !p.NoCache {
		if p.Kind != KindHLSLive && p.Kind != KindDASHDynamic {
			p.StaleWhileRevalidate = max(0, cfg.StaleWhileRevalidate)
		}
		p.StaleIfError = max(0, cfg.StaleIfError)
	}
	if cc.HasStaleWhileRevalidate {
		p.StaleWhileRevalidate = cc.StaleWhileRevalidate
	}
	if cc.HasStaleIfError {
		p.StaleIfError = cc.StaleIfError
	}
}
