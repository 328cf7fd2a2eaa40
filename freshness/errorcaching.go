package freshness

import (
	"net/http"
	"time"
)

// ErrorCaching applies a custom error response's error caching minimum TTL
// to the policy Decide gave an error response (CloudFront Developer Guide,
// "Control how long CloudFront caches errors"):
//   - the origin's s-maxage, max-age or Expires (at most maxTTL, when > 0):
//     kept for that lifetime or minTTL, whichever is longer;
//   - no-store, no-cache or private on a 404, 410, 414 or 501: honoured (the
//     policy stays Decide's);
//   - anything else, those directives on other statuses included: kept for
//     minTTL.
//
// A minTTL of 0 keeps an error only for the origin's lifetime, if it gave
// one. 416 is never cached (CloudFront ignores its minimum TTL). The minimum
// counts from the response's arrival (the origin's Age does not shorten
// it). An error is never served stale.
func ErrorCaching(p Policy, in Input, minTTL, maxTTL time.Duration) Policy {
	if in.Status < 400 || in.Status == http.StatusRequestedRangeNotSatisfiable {
		return p
	}
	cc := ParseCacheControl(in.Header.Values("Cache-Control"))
	if (cc.NoStore || cc.NoCache || cc.Private) && honoursNoStore[in.Status] {
		return p
	}
	if !p.Shareable && p.Reason != "no-store" && p.Reason != "private" {
		return p // Set-Cookie, Vary, Authorization: one viewer's response stays one viewer's
	}
	keep := max(0, minTTL) // from arrival
	if life, ok := originLifetime(cc, in.Header, in.ResponseTime); ok && !cc.NoStore && !cc.NoCache && !cc.Private {
		if maxTTL > 0 {
			life = min(life, maxTTL)
		}
		keep = max(keep, life-p.InitialAge)
	}
	p.StaleWhileRevalidate, p.StaleIfError, p.NoCache = 0, 0, false
	if keep <= 0 {
		p.Store, p.TTL = false, 0
		return p
	}
	p.Store, p.Shareable, p.Reason = true, true, ""
	p.TTL = keep + p.InitialAge
	return p
}

// honoursNoStore are the statuses whose no-store, no-cache or private
// CloudFront honours under an error caching minimum TTL.
var honoursNoStore = map[int]bool{404: true, 410: true, 414: true, 501: true}
