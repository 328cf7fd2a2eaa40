package freshness

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Downstream rewrites the freshness fields of h, the header the edge stores
// and sends to its clients, so that what a browser or a downstream cache
// keeps agrees with the edge's own lifetime p.TTL. It applies to stored live
// manifests only (KindHLSLive, KindDASHDynamic), whose TTL the live clamp may
// have cut: an origin's max-age=3600 on a live playlist would otherwise reach
// the player, whose HTTP cache then answers every reload with the same
// playlist and freezes playback. Other responses are left as the origin sent
// them.
//
// For a live manifest, every Cache-Control line becomes one line in which
//   - max-age comes first and is min(origin's max-age, TTL), or TTL when
//     the origin sent none (whole seconds, rounded down: a client never
//     keeps it longer than the edge does);
//   - s-maxage, if present, is clamped the same way;
//   - stale-while-revalidate, if present, is clamped to the edge's window;
//   - every other directive is kept as the origin sent it (public,
//     no-cache, must-revalidate, stale-if-error, extensions, …);
//
// and Expires is removed (max-age overrides it for HTTP/1.1 caches; removing
// it keeps HTTP/1.0 caches from keeping the playlist for an hour). The edge
// sends Age as usual, so a client's remaining lifetime, max-age − Age, is
// the edge's own, to the second.
//
// It reports whether the origin promised its clients more than that: a
// max-age or s-maxage above the TTL, or an Expires (the edge counts these).
func (p Policy) Downstream(h http.Header) (lowered bool) {
	if !p.Store || (p.Kind != KindHLSLive && p.Kind != KindDASHDynamic) {
		return false
	}
	values := h.Values("Cache-Control")
	cc := ParseCacheControl(values)
	lowered = (cc.HasMaxAge && cc.MaxAge > p.TTL) || (cc.HasSMaxAge && cc.SMaxAge > p.TTL) || len(h.Values("Expires")) > 0
	h.Set("Cache-Control", clampDirectives(values, cc, p.TTL, p.StaleWhileRevalidate))
	h.Del("Expires")
	return lowered
}

// clampDirectives rebuilds Cache-Control values with one max-age, at most
// ttl (the origin's, as ParseCacheControl reads it, when smaller), s-maxage
// at most ttl and stale-while-revalidate at most swr.
func clampDirectives(values []string, cc Directives, ttl, swr time.Duration) string {
	maxAge := ttl
	if cc.HasMaxAge {
		maxAge = min(maxAge, cc.MaxAge)
	}
	out := []string{"max-age=" + seconds(maxAge)}
	for _, v := range values {
		for v != "" {
			var name, arg string
			var hasArg bool
			name, arg, hasArg, v = nextDirective(v)
			switch strings.ToLower(name) {
			case "", "max-age":
			case "s-maxage":
				out = append(out, clampDelta("s-maxage", arg, ttl))
			case "stale-while-revalidate":
				out = append(out, clampDelta("stale-while-revalidate", arg, swr))
			default:
				out = append(out, directive(name, arg, hasArg))
			}
		}
	}
	return strings.Join(out, ", ")
}

// clampDelta writes name=min(arg, limit); an unparsable arg (which
// ParseCacheControl ignores) becomes the limit.
func clampDelta(name, arg string, limit time.Duration) string {
	if v, ok := parseDelta(arg); ok && v < limit {
		limit = v
	}
	return name + "=" + seconds(limit)
}

// seconds formats d as delta-seconds, rounded down.
func seconds(d time.Duration) string {
	return strconv.FormatInt(int64(max(0, d)/time.Second), 10)
}

// directive writes a directive back: its argument as a token when it is
// one, else as a quoted string.
func directive(name, arg string, hasArg bool) string {
	if !hasArg {
		return name
	}
	if arg != "" && strings.IndexFunc(arg, func(r rune) bool { return !isTokenChar(r) }) < 0 {
		return name + "=" + arg
	}
	return name + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(arg) + `"`
}

// isTokenChar reports whether r may appear in an RFC 9110 token.
func isTokenChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", r)
}
