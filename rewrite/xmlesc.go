package rewrite

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

var xmlEntities = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'"}

// xmlUnescape decodes the five predefined entities and character
// references; anything else (an unknown entity, a stray '&', a control
// character) reports false so the value is left as it is.
func xmlUnescape(b []byte) (string, bool) {
	s := string(b)
	if !strings.ContainsAny(s, "&\t\n\r") {
		return s, true
	}
	var out strings.Builder
	for s != "" {
		amp := strings.IndexAny(s, "&\t\n\r")
		if amp < 0 {
			out.WriteString(s)
			break
		}
		if s[amp] != '&' {
			return "", false
		}
		out.WriteString(s[:amp])
		semi := strings.IndexByte(s[amp:], ';')
		if semi < 0 {
			return "", false
		}
		r, ok := decodeEntity(s[amp+1 : amp+semi])
		if !ok {
			return "", false
		}
		out.WriteString(r)
		s = s[amp+semi+1:]
	}
	return out.String(), true
}

func decodeEntity(name string) (string, bool) {
	if r, ok := xmlEntities[name]; ok {
		return r, true
	}
	num, ok := strings.CutPrefix(name, "#")
	if !ok || num == "" {
		return "", false
	}
	base := 10
	if hex, ok := strings.CutPrefix(num, "x"); ok {
		num, base = hex, 16
	}
	n, err := strconv.ParseUint(num, base, 32)
	if err != nil || n < 0x20 || n == 0x7f || !utf8.ValidRune(rune(n)) {
		return "", false
	}
	return string(rune(n)), true
}

// xmlEscape escapes s for an attribute quoted with quote, or for text when
// quote is 0.
func xmlEscape(s string, quote byte) string {
	if !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&':
			b.WriteString("&amp;")
		case c == '<':
			b.WriteString("&lt;")
		case c == '>':
			b.WriteString("&gt;")
		case c == '"' && quote == '"':
			b.WriteString("&quot;")
		case c == '\'' && quote == '\'':
			b.WriteString("&apos;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
