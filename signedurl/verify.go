package signedurl

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // CloudFront's default signature hash
	_ "crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ErrDenied is the only error Verify returns: the same value whichever check
// failed, so nothing downstream can leak the reason to the viewer.
var ErrDenied = errors.New("signedurl: access denied")

// DeniedBody is the 403 body to answer a denied request with (CloudFront's
// AccessDenied error XML; Content-Type text/xml). It is the same for every
// failure.
const DeniedBody = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>`

// Reason labels a verification result for metrics and logs only.
type Reason string

// The reasons Verify reports.
const (
	ReasonOK           Reason = "ok"
	ReasonMissing      Reason = "missing"       // no signature, key ID, Expires or Policy
	ReasonMalformed    Reason = "malformed"     // duplicate, undecodable or conflicting values
	ReasonUnknownKey   Reason = "unknown_key"   // Key-Pair-Id not in a trusted group
	ReasonBadSignature Reason = "bad_signature" // forged, tampered, wrong key, other URL (canned)
	ReasonPolicy       Reason = "policy"        // signed custom policy that does not parse
	ReasonExpired      Reason = "expired"
	ReasonNotYetValid  Reason = "not_yet_valid"
	ReasonIP           Reason = "ip"
	ReasonResource     Reason = "resource" // custom policy not granting this URL
)

// maxSignatureBytes bounds a decoded signature (RSA 4096 is 512 bytes).
const maxSignatureBytes = 1024

// Request is what Verify needs of a viewer request: the URL as the viewer sent
// it (path still escaped as received; no normalisation), its Cookie headers and
// its address.
type Request struct {
	Scheme   string // "http" or "https"
	Host     string
	Path     string // escaped, as in the request-target
	RawQuery string
	Cookies  []string   // Cookie header values
	ClientIP netip.Addr // the viewer's address (IPv4-mapped IPv6 is unmapped)
}

// RequestFromHTTP builds a Request from a server request; scheme and the
// client's address are the listener's to know.
func RequestFromHTTP(r *http.Request, scheme string, clientIP netip.Addr) Request {
	path, query, hasQuery := strings.Cut(r.RequestURI, "?")
	if r.RequestURI == "" || !strings.HasPrefix(path, "/") {
		path, query, hasQuery = r.URL.EscapedPath(), r.URL.RawQuery, r.URL.RawQuery != ""
	}
	if !hasQuery {
		query = ""
	}
	return Request{Scheme: scheme, Host: r.Host, Path: path, RawQuery: query,
		Cookies: r.Header.Values("Cookie"), ClientIP: clientIP}
}

// Verifier checks signed URLs and cookies against one behavior's trusted key
// groups. It is safe for concurrent use.
type Verifier struct {
	keys    map[string]crypto.PublicKey
	now     func() time.Time
	metrics *Metrics
}

// Options are a Verifier's optional parts.
type Options struct {
	Now     func() time.Time // default time.Now
	Metrics *Metrics         // nil: not counted
}

// NewVerifier returns a Verifier trusting the keys of groups.
func NewVerifier(groups []KeyGroup, opt Options) (*Verifier, error) {
	keys, err := keyIndex(groups)
	if err != nil {
		return nil, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Verifier{keys: keys, now: opt.Now, metrics: opt.Metrics}, nil
}

// Verify checks the request's signed URL or, when its query has no signing
// parameter, its signed cookies (a signed URL wins over cookies, as on
// CloudFront). It returns ReasonOK and nil, or a reason label and ErrDenied.
func (v *Verifier) Verify(req Request) (Reason, error) {
	_, reason, err := v.Check(req)
	return reason, err
}

// Check is Verify that also returns what a passed request was granted (see
// Grant); the Grant is zero when the request is refused.
func (v *Verifier) Check(req Request) (Grant, Reason, error) {
	reason, g := v.verify(req)
	v.metrics.Observe(reason)
	if reason != ReasonOK {
		return Grant{}, reason, ErrDenied
	}
	return g, ReasonOK, nil
}

func (v *Verifier) verify(req Request) (Reason, Grant) {
	creds, err := fromQuery(req.RawQuery)
	inURL := creds.seen != 0
	if err == nil && !inURL {
		creds, err = fromCookies(req.Cookies)
	}
	if err != nil {
		return ReasonMalformed, Grant{}
	}
	if creds.signature == "" || creds.keyID == "" || (creds.policy == "") == (creds.expires == "") {
		if creds.policy != "" && creds.expires != "" {
			return ReasonMalformed, Grant{}
		}
		return ReasonMissing, Grant{}
	}
	key, ok := v.keys[creds.keyID]
	if !ok {
		return ReasonUnknownKey, Grant{}
	}
	alg, ok := hashAlg(creds.hashAlg)
	sig, sigOK := decodeCF(creds.signature, maxSignatureBytes)
	if !ok || !sigOK {
		return ReasonMalformed, Grant{}
	}
	t := target{scheme: req.Scheme, host: req.Host, path: req.Path}
	t.query = StripQuery(req.RawQuery)
	t.hasQuery = t.query != ""
	if creds.expires != "" {
		return v.canned(creds.expires, t, key, alg, sig), Grant{}
	}
	reason, p := v.custom(creds.policy, t, req.ClientIP, key, alg, sig)
	if reason != ReasonOK || !inURL {
		return reason, Grant{}
	}
	return reason, Grant{Query: SigningQuery(req.RawQuery), policy: p}
}

func hashAlg(name string) (crypto.Hash, bool) {
	switch name {
	case "", "SHA1":
		return crypto.SHA1, true
	case "SHA256":
		return crypto.SHA256, true
	}
	return 0, false
}

// canned rebuilds the canned policy the signer signed from the URL and
// Expires, byte for byte, and checks the signature and the expiry.
func (v *Verifier) canned(expires string, t target, key crypto.PublicKey, alg crypto.Hash, sig []byte) Reason {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || exp < 0 || strings.HasPrefix(expires, "+") {
		return ReasonMalformed
	}
	signed := false
	for _, p := range cannedPolicies(t.String(), expires) {
		if verifySignature(key, alg, p, sig) {
			signed = true
			break
		}
	}
	if !signed {
		return ReasonBadSignature
	}
	if v.now().Unix() >= exp {
		return ReasonExpired
	}
	return ReasonOK
}

// cannedPolicies are the byte forms of a canned policy signers write: the Go
// SDK JSON-escapes the Resource (without HTML escaping), botocore pastes it
// raw; they differ only for a URL holding '"', '\' or control characters.
func cannedPolicies(resource, expires string) [][]byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(resource) // a string always encodes
	quoted := strings.TrimSuffix(buf.String(), "\n")
	form := func(res string) []byte {
		return []byte(`{"Statement":[{"Resource":` + res + `,"Condition":{"DateLessThan":{"AWS:EpochTime":` + expires + `}}}]}`)
	}
	out := [][]byte{form(quoted)}
	if raw := `"` + resource + `"`; raw != quoted {
		out = append(out, form(raw))
	}
	return out
}

// custom checks the signature over the policy bytes as sent, then the parsed
// policy's conditions and Resource.
func (v *Verifier) custom(b64 string, t target, ip netip.Addr, key crypto.PublicKey, alg crypto.Hash, sig []byte) (Reason, *Policy) {
	raw, ok := decodeCF(b64, MaxPolicyBytes)
	if !ok {
		return ReasonMalformed, nil
	}
	if !verifySignature(key, alg, raw, sig) {
		return ReasonBadSignature, nil
	}
	p, err := ParsePolicy(raw)
	if err != nil {
		return ReasonPolicy, nil
	}
	now := v.now().Unix()
	switch {
	case now >= p.DateLessThan:
		return ReasonExpired, nil
	case p.DateGreaterThan != 0 && now < p.DateGreaterThan:
		return ReasonNotYetValid, nil
	case p.SourceIP.IsValid() && !p.SourceIP.Contains(ip.Unmap()):
		return ReasonIP, nil
	case p.HasResource && !matchResource(p.Resource, t):
		return ReasonResource, nil
	}
	return ReasonOK, p
}

func verifySignature(key crypto.PublicKey, alg crypto.Hash, msg, sig []byte) bool {
	h := alg.New()
	h.Write(msg)
	digest := h.Sum(nil)
	switch k := key.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, alg, digest, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(k, digest, sig)
	}
	return false
}
