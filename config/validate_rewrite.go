package config

import (
	"net/url"
	"strconv"
	"strings"
)

// rewrite checks media.rewrite: hosts are host or host:port names (no
// scheme, path or credentials), at most MaxRewriteHosts, and need
// edge_relative set (hosts alone look like rewriting on, and are not).
func (v *validator) rewrite(at path, r *Rewrite) {
	if r == nil {
		return
	}
	if len(r.Hosts) > 0 && r.EdgeRelative == nil {
		v.add(at.key("hosts"), "hosts alone rewrite nothing: set edge_relative: true (or false to keep rewriting off)")
	}
	if len(r.Hosts) > MaxRewriteHosts {
		v.add(at.key("hosts"), "%d hosts: at most %d", len(r.Hosts), MaxRewriteHosts)
	}
	for i, h := range r.Hosts {
		if err := rewriteHost(h); err != "" {
			v.add(at.key("hosts").idx(i), "%q: %s", h, err)
		}
	}
}

// rewriteHost is why h is no host[:port] ("" when it is one).
func rewriteHost(h string) string {
	if h == "" || strings.ContainsAny(h, "/?#@ \t") {
		return "want a host or host:port, without scheme, path or credentials (cdn.example.com, 10.0.0.5:8080)"
	}
	u, err := url.Parse("//" + h)
	if err != nil || u.Host != h || u.Hostname() == "" {
		return "want a host or host:port (cdn.example.com, 10.0.0.5:8080)"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "port must be 1 to 65535"
		}
	}
	return ""
}
