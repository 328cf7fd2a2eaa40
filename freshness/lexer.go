package freshness

import "strings"

// nextDirective splits the first directive off a Cache-Control value:
// name[=token|=quoted-string]. It returns the name, the unquoted argument,
// whether an "=" was present, and the rest after the separating comma.
func nextDirective(s string) (name, arg string, hasArg bool, rest string) {
	s = strings.TrimLeft(s, " \t,")
	i := strings.IndexAny(s, "=,")
	if i < 0 || s[i] == ',' {
		name, rest = cutComma(s)
		return strings.TrimSpace(name), "", false, rest
	}
	name, s = strings.TrimSpace(s[:i]), strings.TrimLeft(s[i+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		arg, s = quoted(s[1:])
		_, rest = cutComma(s) // anything between the closing quote and the comma is junk
		return name, arg, true, rest
	}
	arg, rest = cutComma(s)
	return name, strings.TrimSpace(arg), true, rest
}

func cutComma(s string) (before, after string) {
	before, after, _ = strings.Cut(s, ",")
	return before, after
}

// quoted reads a quoted-string body (after the opening quote), resolving
// backslash escapes; an unterminated string runs to the end of s.
func quoted(s string) (value, rest string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return b.String(), s[i+1:]
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}
