package signedurl

import "strings"

// Grant is what a verified request may hand on to the URLs it leads to: a
// custom policy signed in the URL (not in cookies, whose viewers send them to
// every child anyway; not a canned policy, whose Resource is the one URL).
// The edge appends Query to a signed manifest's child URIs that the policy
// also grants (Covers), so a player that only follows URIs stays signed.
type Grant struct {
	// Query is the request's signing parameters (Policy, Signature,
	// Key-Pair-Id, Hash-Algorithm) as the viewer sent them, joined by '&';
	// "" when there is nothing to hand on.
	Query  string
	policy *Policy
}

// Covers reports whether the grant's policy also grants the URL made of
// scheme, host, escaped path and raw query (signing parameters in the query
// are ignored, as a request carrying them would strip them): its Resource
// matches with CloudFront's wildcards. The conditions (dates, IP) are the
// same for every URL and were checked already.
func (g Grant) Covers(scheme, host, escPath, rawQuery string) bool {
	if g.Query == "" || g.policy == nil {
		return false
	}
	if !g.policy.HasResource {
		return true
	}
	t := target{scheme: scheme, host: host, path: escPath, query: StripQuery(rawQuery)}
	t.hasQuery = t.query != ""
	return matchResource(g.policy.Resource, t)
}

// SigningQuery returns the signing pairs of rawQuery, as sent and in order:
// the complement of StripQuery.
func SigningQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	var kept []string
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if name, _ := pairName(pair); IsSigningParam(name) {
			kept = append(kept, pair)
		}
	}
	return strings.Join(kept, "&")
}
