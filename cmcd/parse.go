package cmcd

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Bounds on what one request may make this package hold.
const (
	MaxPayloadBytes = 4096 // per source (the query argument or one header)
	MaxKeys         = 64   // pairs read from one request; the rest are ignored
	MaxStringBytes  = 256  // a string value (sid and cid: 64, as CTA-5004 says)
	MaxIDBytes      = 64
	MaxUnknown      = 8  // untyped keys kept
	maxKeyBytes     = 64 // a key name
	maxUnknownValue = 64 // an untyped key's raw value, longer is cut
)

// ErrInvalid wraps every problem Parse reports; the keys that did parse are
// still returned.
var ErrInvalid = errors.New("cmcd: invalid")

// parser accumulates one request's Data from one or more payloads.
type parser struct {
	d     Data
	pairs int
	err   error
}

func (p *parser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
	}
}

// Parse reads one CMCD payload: the decoded value of the CMCD query
// argument, or the value of a CMCD-* header.
func Parse(payload string) (Data, error) {
	var p parser
	p.payload(payload)
	return p.d, p.err
}

func (p *parser) payload(s string) {
	if len(s) > MaxPayloadBytes {
		p.fail("payload of %d bytes", len(s))
		return
	}
	for s != "" {
		var pair string
		pair, s = nextPair(s)
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		if p.pairs++; p.pairs > MaxKeys {
			p.fail("more than %d keys", MaxKeys)
			return
		}
		key, value, hasValue := strings.Cut(pair, "=")
		p.pair(strings.TrimSpace(key), strings.TrimSpace(value), hasValue)
	}
}

// nextPair splits s at the first comma outside a quoted string or an
// inner list.
func nextPair(s string) (pair, rest string) {
	inQuote, depth := false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == '(':
			depth++
		case !inQuote && c == ')':
			depth--
		case !inQuote && depth <= 0 && c == ',':
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func (p *parser) pair(key, value string, hasValue bool) {
	if !validKey(key) {
		p.fail("key %.64q", key)
		return
	}
	k, known := keyByName[key]
	if !known {
		p.unknown(key, value)
		return
	}
	if strings.HasPrefix(value, "(") {
		value = firstItem(value)
	}
	if err := p.set(k, value, hasValue); err != nil {
		p.fail("%s=%.64q: %v", key, value, err)
	}
}

func (p *parser) unknown(key, value string) {
	for i := range p.d.Unknown {
		if p.d.Unknown[i].Key == key {
			p.d.Unknown[i].Value = cut(value, maxUnknownValue)
			return
		}
	}
	if len(p.d.Unknown) >= MaxUnknown {
		return
	}
	p.d.Unknown = append(p.d.Unknown, Pair{Key: key, Value: cut(value, maxUnknownValue)})
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// firstItem returns the first member of an inner list "(a b;p c)", without
// its parameters.
func firstItem(v string) string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "("), ")"))
	if strings.HasPrefix(v, `"`) {
		if end, ok := quotedEnd(v); ok {
			return v[:end]
		}
		return v
	}
	if i := strings.IndexAny(v, " ;"); i >= 0 {
		v = v[:i]
	}
	return v
}

// quotedEnd returns the offset after the closing quote of the string v
// starts with.
func quotedEnd(v string) (int, bool) {
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
}

func validKey(k string) bool {
	if k == "" || len(k) > maxKeyBytes || !(k[0] >= 'a' && k[0] <= 'z' || k[0] == '*') {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._*", c) >= 0) {
			return false
		}
	}
	return true
}

var errType = errors.New("wrong type")

func parseInt(v string) (int64, error) {
	if v == "" || len(v) > 18 || strings.Trim(v, "0123456789") != "" {
		return 0, errType
	}
	return strconv.ParseInt(v, 10, 64)
}

func parseString(v string, limit int) (string, error) {
	end, ok := quotedEnd(v)
	if !strings.HasPrefix(v, `"`) || !ok || end != len(v) {
		return "", errType
	}
	var b strings.Builder
	for i := 1; i < len(v)-1; i++ {
		c := v[i]
		if c == '\\' {
			i++
			c = v[i]
		}
		if c < 0x20 || c == 0x7f {
			return "", errType
		}
		b.WriteByte(c)
	}
	if b.Len() > limit {
		return "", fmt.Errorf("longer than %d bytes", limit)
	}
	return b.String(), nil
}

func parseToken(v string) (string, error) {
	if v == "" || len(v) > 16 {
		return "", errType
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("*_.:/%-", c) >= 0) {
			return "", errType
		}
	}
	return v, nil
}

func parseBool(v string, hasValue bool) (bool, error) {
	switch {
	case !hasValue || v == "?1":
		return true, nil
	case v == "?0":
		return false, nil
	}
	return false, errType
}

func parseDecimal(v string) (float64, error) {
	if v == "" || len(v) > 20 || strings.Trim(v, "0123456789.") != "" {
		return 0, errType
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || f > 1e6 {
		return 0, errType
	}
	return f, nil
}
