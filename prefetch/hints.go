package prefetch

import (
	"net/http"
	"strings"
)

// MaxHints bounds the targets read from one response's hints.
const MaxHints = 4

// Hints are the next objects an origin response names: `Link: <uri>;
// rel=next` (RFC 8288) and `CDN-Origin-Assist-Prefetch-Path` (a path or a
// comma-separated list), resolved against the response's own target and
// kept only when on the same origin.
func Hints(h http.Header, target string) []string {
	base, err := self.Parse(target)
	if err != nil {
		return nil
	}
	var uris []string
	for _, v := range h.Values("Link") {
		uris = append(uris, nextLinks(v)...)
	}
	for _, v := range h.Values("CDN-Origin-Assist-Prefetch-Path") {
		for _, p := range strings.Split(v, ",") {
			if p = strings.Trim(strings.TrimSpace(p), `"`); p != "" {
				uris = append(uris, p)
			}
		}
	}
	out := onOrigin(base, uris)
	if len(out) > MaxHints {
		out = out[:MaxHints]
	}
	return out
}

// nextLinks are the URIs of the rel=next links of one Link field value.
func nextLinks(v string) []string {
	var out []string
	for v != "" {
		start := strings.IndexByte(v, '<')
		if start < 0 {
			break
		}
		end := strings.IndexByte(v[start:], '>')
		if end < 0 {
			break
		}
		uri := v[start+1 : start+end]
		rest := v[start+end+1:]
		params := rest
		if i := strings.IndexByte(rest, '<'); i >= 0 {
			params = rest[:i]
		}
		if relIsNext(params) {
			out = append(out, uri)
		}
		v = rest
	}
	return out
}

// relIsNext: a link's parameters include rel="… next …".
func relIsNext(params string) bool {
	for _, p := range strings.Split(params, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "rel") {
			continue
		}
		for _, r := range strings.Fields(strings.Trim(strings.TrimRight(strings.TrimSpace(val), ","), `"`)) {
			if strings.EqualFold(r, "next") {
				return true
			}
		}
	}
	return false
}
