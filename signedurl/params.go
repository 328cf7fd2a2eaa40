package signedurl

import (
	"errors"
	"net/url"
	"strings"
)

// The signing parameters CloudFront reads from a URL's query.
const (
	ParamExpires   = "Expires"
	ParamPolicy    = "Policy"
	ParamSignature = "Signature"
	ParamKeyPairID = "Key-Pair-Id"
	ParamHashAlg   = "Hash-Algorithm"
)

// The signed-cookie names (CloudFront-Hash-Algorithm is the SHA-256 signal).
const (
	CookieExpires   = "CloudFront-Expires"
	CookiePolicy    = "CloudFront-Policy"
	CookieSignature = "CloudFront-Signature"
	CookieKeyPairID = "CloudFront-Key-Pair-Id"
	CookieHashAlg   = "CloudFront-Hash-Algorithm"
)

// maxValueBytes bounds one signing value as read; a Policy is further bounded
// by MaxPolicyBytes once decoded.
const maxValueBytes = 8 << 10

var (
	errDuplicate = errors.New("signing parameter given twice")
	errTooLong   = errors.New("signing parameter too long")
)

// credentials are the signing values of one request, from its query or its cookies.
type credentials struct {
	expires, policy, signature, keyID, hashAlg string
	seen                                       int // how many signing values were present
}

// set records one value under its signing name (URL names); a repeated name is
// refused rather than picking one, as the signer and the verifier could disagree.
func (c *credentials) set(name, value string) error {
	if len(value) > maxValueBytes {
		return errTooLong
	}
	var dst *string
	switch name {
	case ParamExpires:
		dst = &c.expires
	case ParamPolicy:
		dst = &c.policy
	case ParamSignature:
		dst = &c.signature
	case ParamKeyPairID:
		dst = &c.keyID
	case ParamHashAlg:
		dst = &c.hashAlg
	default:
		return nil
	}
	if c.seen&bit(name) != 0 {
		return errDuplicate
	}
	c.seen |= bit(name)
	*dst = value
	return nil
}

func bit(name string) int {
	switch name {
	case ParamExpires:
		return 1
	case ParamPolicy:
		return 2
	case ParamSignature:
		return 4
	case ParamKeyPairID:
		return 8
	default:
		return 16
	}
}

// IsSigningParam reports whether a (decoded) query parameter name is one of
// CloudFront's signing parameters.
func IsSigningParam(name string) bool {
	switch name {
	case ParamExpires, ParamPolicy, ParamSignature, ParamKeyPairID, ParamHashAlg:
		return true
	}
	return false
}

// pairName returns the decoded name of one "name=value" query pair (the raw
// name when it does not decode, which is then never a signing name).
func pairName(pair string) (name, rawValue string) {
	name, rawValue, _ = strings.Cut(pair, "=")
	if dec, err := url.QueryUnescape(name); err == nil {
		name = dec
	}
	return name, rawValue
}

// fromQuery reads the signing parameters of a raw query. Names are compared
// decoded, as StripQuery compares them, so what is verified is what is stripped.
func fromQuery(rawQuery string) (credentials, error) {
	var c credentials
	for pair := range strings.SplitSeq(rawQuery, "&") {
		name, raw := pairName(pair)
		if !IsSigningParam(name) {
			continue
		}
		v, err := url.QueryUnescape(raw)
		if err != nil {
			return c, err
		}
		if err := c.set(name, v); err != nil {
			return c, err
		}
	}
	return c, nil
}

// fromCookies reads the CloudFront-* cookies of the Cookie header values.
func fromCookies(headers []string) (credentials, error) {
	var c credentials
	for _, h := range headers {
		for part := range strings.SplitSeq(h, ";") {
			name, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if !strings.HasPrefix(name, "CloudFront-") {
				continue
			}
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if err := c.set(strings.TrimPrefix(name, "CloudFront-"), v); err != nil {
				return c, err
			}
		}
	}
	return c, nil
}

// StripQuery returns rawQuery without CloudFront's signing parameters
// (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm); the other pairs
// keep their order and their encoding byte for byte. It is what a verified
// request's query becomes before the cache key and the origin request.
func StripQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	kept := make([]string, 0, 8)
	for pair := range strings.SplitSeq(rawQuery, "&") {
		if name, _ := pairName(pair); !IsSigningParam(name) {
			kept = append(kept, pair)
		}
	}
	return strings.Join(kept, "&")
}
