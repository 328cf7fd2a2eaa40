package cachekey

import (
	"fmt"
	"net/url"
	"strings"
)

// normalizePath resolves dot segments (RFC 3986 §5.2.4) after decoding
// escaped unreserved characters, so "/a/%2e%2e/b" and "/b" are one key and no
// path climbs above the root; repeated slashes are merged.
func normalizePath(escaped string) (string, error) {
	if escaped == "" {
		return "/", nil
	}
	if isClean(escaped) {
		return escaped, nil // the common case: nothing to rewrite, nothing allocated
	}
	return normalizeFull(escaped)
}

// normalizeFull is normalizePath without the fast path.
func normalizeFull(escaped string) (string, error) {
	if escaped[0] != '/' {
		return "", fmt.Errorf("%w: path must start with /", ErrBadRequest)
	}
	norm, err := normalizeEscapes(escaped)
	if err != nil {
		return "", err
	}
	norm = strings.ReplaceAll(norm, "?", "%3F") // a raw '?' would start the query

	out := make([]string, 0, 8)
	for _, seg := range strings.Split(norm, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			if hidesDotSegment(seg) {
				return "", fmt.Errorf("%w: dot segment behind an encoded slash", ErrBadRequest)
			}
			out = append(out, seg)
		}
	}
	p := "/" + strings.Join(out, "/")
	if len(out) > 0 && (strings.HasSuffix(norm, "/") || strings.HasSuffix(norm, "/.") || strings.HasSuffix(norm, "/..")) {
		p += "/"
	}
	return p, nil
}

// hidesDotSegment reports a segment that an origin decoding %2F or %5C (or
// treating a backslash as a separator) would see as containing "." or "..":
// "..%2Fetc" would climb there while the edge resolved nothing, so such
// targets are refused rather than forwarded.
func hidesDotSegment(seg string) bool {
	if !strings.Contains(seg, "%2F") && !strings.Contains(seg, "%5C") {
		return false
	}
	for _, part := range strings.Split(strings.ReplaceAll(seg, "%5C", "%2F"), "%2F") {
		if part == "." || part == ".." {
			return true
		}
	}
	return false
}

// isClean reports a path that normalising would return unchanged: it starts
// with '/', has no escapes, no characters to escape, no empty, "." or ".."
// segments.
func isClean(p string) bool {
	if p[0] != '/' {
		return false
	}
	prevSlash := true
	for i := 1; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '/':
			if prevSlash || dotSegmentEndsAt(p, i) {
				return false
			}
			prevSlash = true
			continue
		case c == '%' || c == '?' || !isPathSafe(c):
			return false
		}
		prevSlash = false
	}
	return !dotSegmentEndsAt(p, len(p))
}

// dotSegmentEndsAt reports whether the segment ending at p[end] is "." or "..".
func dotSegmentEndsAt(p string, end int) bool {
	return (end >= 2 && p[end-1] == '.' && p[end-2] == '/') ||
		(end >= 3 && p[end-1] == '.' && p[end-2] == '.' && p[end-3] == '/')
}

// isPathSafe: characters normalizeEscapes keeps as they are.
func isPathSafe(c byte) bool {
	return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' &&
		c != '`' && c != '{' && c != '|' && c != '}' && c != '#'
}

// normalizeEscapes decodes %XX of unreserved characters, upper-cases the hex
// of every other escape and escapes bytes that may not appear raw. It fails on
// a broken escape or a control character.
func normalizeEscapes(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", fmt.Errorf("%w: bad percent-escape", ErrBadRequest)
			}
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(s[i+1 : i+3]))
			}
			i += 2
		case c < 0x20 || c == 0x7f:
			return "", fmt.Errorf("%w: control character", ErrBadRequest)
		case c >= 0x80 || c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '#':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// unescapeLoose decodes a normalised query name for comparison with the
// excluded names; a name that does not decode is compared as it is.
func unescapeLoose(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// Path is the normalised form of an escaped request path, as keys hold it:
// the path a cache behavior is selected by, so "/public/../private/x"
// selects the behavior of "/private/x".
func Path(escaped string) (string, error) { return normalizePath(escaped) }
