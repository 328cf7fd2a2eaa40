package cachekey

import "strings"

// eachCookie calls fn for every name=value pair of Cookie header lines
// (RFC 6265 §5.4: pairs separated by ';', optional spaces), in order, until fn
// returns false. It keeps nothing: a megabyte of cookies costs one pass.
// Lenient as browsers are: a pair without '=' or with an empty name is
// skipped, and so is one holding a control character (it could never be
// keyed or forwarded safely); values keep their quotes. Names are
// case-sensitive.
func eachCookie(lines []string, fn func(name, value string) bool) {
	for _, line := range lines {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			name, value, ok := strings.Cut(pair, "=")
			name, value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
			if !ok || name == "" || hasCTL(name) || hasCTL(value) {
				continue
			}
			if !fn(name, value) {
				return
			}
		}
	}
}

// hasCTL reports a control character (tab included) or DEL.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// fieldValue reports a header value that may be sent as it is: no control
// character but tab.
func fieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
