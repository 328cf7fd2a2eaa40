package behavior

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxPatternLen is CloudFront's limit on a path pattern.
const MaxPatternLen = 255

// ErrPattern is wrapped by every invalid-pattern error.
var ErrPattern = errors.New("invalid path pattern")

// Pattern is a compiled CloudFront path pattern: `*` matches any run of
// characters (`/` included), `?` exactly one character, everything else
// itself, case-sensitively. A leading `/` is optional: "images/*.jpg" and
// "/images/*.jpg" are the same pattern.
type Pattern struct {
	raw  string // as written
	glob string // with the leading "/"
}

// Compile checks a pattern against CloudFront's rules (at most 255
// characters from A-Z a-z 0-9 _ - . * ? $ / ~ " ' @ : + &, not empty).
func Compile(p string) (Pattern, error) {
	if p == "" {
		return Pattern{}, fmt.Errorf("%w: empty", ErrPattern)
	}
	if len(p) > MaxPatternLen {
		return Pattern{}, fmt.Errorf("%w: %d characters, at most %d", ErrPattern, len(p), MaxPatternLen)
	}
	for i, r := range p {
		if !allowed(r) {
			return Pattern{}, fmt.Errorf("%w: character %q at offset %d (allowed: A-Z a-z 0-9 _ - . * ? $ / ~ \" ' @ : + &)", ErrPattern, r, i)
		}
	}
	g := p
	if p != "*" && !strings.HasPrefix(p, "/") {
		g = "/" + p
	}
	return Pattern{raw: p, glob: g}, nil
}

func allowed(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("_-.*?$/~\"'@:+&", r)
}

// String is the pattern as written.
func (p Pattern) String() string { return p.raw }

// Match reports whether path (the request path without the query string)
// matches the pattern.
func (p Pattern) Match(path string) bool { return glob(p.glob, path) }

// glob is the iterative wildcard match: linear in len(s) for each star
// backtrack, O(len(pat)·len(s)) at worst, no recursion. `?` consumes one
// UTF-8 character (one byte of invalid UTF-8).
func glob(pat, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0 // last `*` in pat, and the s offset it resumes from
	for si < len(s) {
		switch {
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(pat) && pat[pi] == '?':
			_, n := utf8.DecodeRuneInString(s[si:])
			pi, si = pi+1, si+n
		case pi < len(pat) && pat[pi] == s[si]:
			pi, si = pi+1, si+1
		case star >= 0:
			_, n := utf8.DecodeRuneInString(s[mark:])
			mark += n
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}
