package signedurl

import "strings"

// target is the viewer's URL in the sections CloudFront matches a policy
// Resource against: protocol, domain, path and (when present) query.
type target struct {
	scheme, host, path, query string
	hasQuery                  bool
}

// String is the URL a canned policy's Resource must equal.
func (t target) String() string {
	s := t.scheme + "://" + t.host + t.path
	if t.hasQuery {
		s += "?" + t.query
	}
	return s
}

// maxQueryTries bounds the ways an unescaped '?' in a Resource is tried as the
// start of its query section (see matchPathQuery).
const maxQueryTries = 4

// matchResource reports whether a custom policy's Resource grants the target,
// with CloudFront's wildcards: '*' is any run of characters and '?' exactly one,
// and neither crosses a section (protocol, domain, path, query). A Resource of
// "*" grants everything; one without a protocol starting with '*' in its domain
// means "*://"; a trailing '*' in the domain grants every path and query; a
// trailing '*' in the path grants any query (CloudFront's implied "\?*"). The
// query section starts at "\?"; an unescaped '?' is a one-character wildcard,
// or, as the SDK examples sign a plain URL with a query, the query's start.
func matchResource(res string, t target) bool {
	if res == "*" {
		return true
	}
	proto, rest, ok := strings.Cut(res, "://")
	if !ok {
		if !strings.HasPrefix(res, "*") {
			return false
		}
		proto, rest = "*", res
	}
	if !matchProto(strings.ToLower(proto), strings.ToLower(t.scheme)) {
		return false
	}
	domain, pq, hasPath := strings.Cut(rest, "/")
	if !hasPath && strings.HasSuffix(domain, "*") {
		return glob(strings.ToLower(domain), strings.ToLower(t.host))
	}
	if !glob(strings.ToLower(domain), strings.ToLower(t.host)) {
		return false
	}
	return matchPathQuery("/"+pq, t)
}

func matchProto(p, scheme string) bool {
	switch p {
	case "*", "http*":
		return scheme == "http" || scheme == "https"
	case "http", "https":
		return p == scheme
	}
	return false
}

// matchPathQuery matches the path (and query) pattern: split at "\?" when
// there is one; otherwise the whole is a path pattern (whose trailing '*'
// grants any query), or, for a request with a query, one of its first
// unescaped '?' is taken as the query's start.
func matchPathQuery(pat string, t target) bool {
	if p, q, ok := strings.Cut(pat, `\?`); ok {
		return glob(p, t.path) && matchQuery(q, t)
	}
	if glob(pat, t.path) && (!t.hasQuery || strings.HasSuffix(pat, "*")) {
		return true
	}
	if !t.hasQuery {
		return false
	}
	from := 0
	for range maxQueryTries {
		i := strings.IndexByte(pat[from:], '?')
		if i < 0 {
			return false
		}
		i += from
		if glob(pat[:i], t.path) && matchQuery(pat[i+1:], t) {
			return true
		}
		from = i + 1
	}
	return false
}

func matchQuery(q string, t target) bool {
	if !t.hasQuery {
		return q == "" || q == "*"
	}
	return glob(q, t.query)
}

// glob matches s against a pattern of literal bytes, '*' (any run) and '?'
// (one byte): the linear-space greedy algorithm with one backtrack point,
// exact for these two wildcards.
func glob(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
