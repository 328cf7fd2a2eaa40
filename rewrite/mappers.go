package rewrite

import (
	"errors"
	"fmt"
	"strings"
)

// ErrQuery: AppendQuery was given a query it cannot append safely.
var ErrQuery = errors.New("rewrite: unusable query")

// EdgeRelative returns a Mapper that turns absolute http/https URIs and
// network-path references (//host/…) whose host is one of hosts (host or
// host:port, compared without case; a default port matches the bare host)
// into path-absolute references: http://origin/v/1.ts → /v/1.ts. URIs on
// other hosts, with user information, or relative ones are left alone.
func EdgeRelative(hosts ...string) Mapper {
	set := hostSet(hosts)
	return func(uri string) (string, bool) {
		rest, ok := onHosts(uri, set)
		if !ok {
			return uri, false
		}
		if rest == "" || rest[0] != '/' {
			rest = "/" + rest
		}
		return rest, true
	}
}

// AppendQuery returns a Mapper that appends query (name=value pairs joined
// by '&', without '?') to every relative URI and every absolute URI on one
// of hosts: after an existing query with '&', else with '?', and always
// before a fragment. URIs whose path ends in '/' (a DASH BaseURL directory,
// whose query would be dropped when a segment resolves against it) and
// fragment-only references are left alone. A '$' in query is written %24
// so DASH templates do not read it as an identifier.
func AppendQuery(query string, hosts ...string) (Mapper, error) {
	query = strings.TrimPrefix(query, "?")
	if query == "" {
		return nil, fmt.Errorf("%w: empty", ErrQuery)
	}
	for i := 0; i < len(query); i++ {
		if !isQueryByte(query[i]) {
			return nil, fmt.Errorf("%w: byte %q at %d", ErrQuery, query[i], i)
		}
	}
	query = strings.ReplaceAll(query, "$", "%24")
	set := hostSet(hosts)
	return func(uri string) (string, bool) {
		if uri == "" || uri[0] == '#' {
			return uri, false
		}
		if hasScheme(uri) || strings.HasPrefix(uri, "//") {
			if _, ok := onHosts(uri, set); !ok {
				return uri, false
			}
		}
		base, frag, hasFrag := strings.Cut(uri, "#")
		path, q, hasQuery := strings.Cut(base, "?")
		if strings.HasSuffix(path, "/") {
			return uri, false
		}
		switch {
		case !hasQuery:
			base += "?" + query
		case q == "" || strings.HasSuffix(q, "&"):
			base += query
		default:
			base += "&" + query
		}
		if hasFrag {
			base += "#" + frag
		}
		return base, true
	}, nil
}

// isQueryByte reports RFC 3986 query characters other than '#'.
func isQueryByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~%!$&'()*+,;=:@/?", c) >= 0
}

func hostSet(hosts []string) map[string]bool {
	set := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		set[strings.ToLower(h)] = true
	}
	return set
}

// onHosts reports whether uri is http(s)://H… or //H… with H in set, and
// returns what follows the authority.
func onHosts(uri string, set map[string]bool) (string, bool) {
	scheme := ""
	rest := uri
	if hasScheme(uri) {
		var ok bool
		scheme, rest, ok = strings.Cut(uri, ":")
		scheme = strings.ToLower(scheme)
		if !ok || (scheme != "http" && scheme != "https") {
			return "", false
		}
	}
	rest, ok := strings.CutPrefix(rest, "//")
	if !ok {
		return "", false
	}
	n := strings.IndexAny(rest, "/?#")
	if n < 0 {
		n = len(rest)
	}
	authority, tail := strings.ToLower(rest[:n]), rest[n:]
	if authority == "" || strings.Contains(authority, "@") {
		return "", false
	}
	if set[authority] {
		return tail, true
	}
	bare, port, hasPort := strings.Cut(authority, ":")
	if hasPort && set[bare] && ((port == "80" && scheme != "https") || (port == "443" && scheme == "https")) {
		return tail, true
	}
	return "", false
}

// hasScheme reports whether uri starts with an RFC 3986 scheme and ':'.
func hasScheme(uri string) bool {
	for i := 0; i < len(uri); i++ {
		c := uri[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}
