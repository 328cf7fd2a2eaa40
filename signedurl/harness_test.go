package signedurl

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
)

// newGate starts a real HTTP server that answers what the edge will: 403 with
// DeniedBody for a refused request, else 200 with the stripped query (what
// the cache key would see). The reason goes in a test-only header so the
// tests can say which check refused.
func newGate(t *testing.T, v *Verifier) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		ip, _ := netip.ParseAddr(host)
		reason, err := v.Verify(RequestFromHTTP(r, "http", ip))
		w.Header().Set("X-Test-Reason", string(reason))
		if err != nil {
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, DeniedBody)
			return
		}
		_, _ = io.WriteString(w, StripQuery(RequestFromHTTP(r, "http", ip).RawQuery))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type result struct {
	status int
	reason Reason
	body   string
}

func get(t *testing.T, rawURL string, cookies ...*http.Cookie) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{resp.StatusCode, Reason(resp.Header.Get("X-Test-Reason")), string(b)}
}

func (r result) wantOK(t *testing.T, what string) {
	t.Helper()
	if r.status != http.StatusOK || r.reason != ReasonOK {
		t.Errorf("%s: status %d reason %q, want 200 ok", what, r.status, r.reason)
	}
}

func (r result) wantDenied(t *testing.T, what string, reason Reason) {
	t.Helper()
	if r.status != http.StatusForbidden || r.body != DeniedBody {
		t.Errorf("%s: status %d body %q, want 403 and DeniedBody", what, r.status, r.body)
	}
	if reason != "" && r.reason != reason {
		t.Errorf("%s: reason %q, want %q", what, r.reason, reason)
	}
}

// cfEncode is CloudFront's URL-safe base64, for signatures the SDK cannot make.
func cfEncode(b []byte) string {
	return strings.NewReplacer("+", "-", "=", "_", "/", "~").Replace(base64.StdEncoding.EncodeToString(b))
}

// sdkPolicyBytes returns the exact policy JSON the SDK signs for p (decoded
// from the base64 policy its Sign returns).
func sdkPolicyBytes(t *testing.T, p *sign.Policy, signer crypto.Signer) []byte {
	t.Helper()
	_, b64, err := p.Sign(signer)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := decodeCF(string(b64), MaxPolicyBytes)
	if !ok {
		t.Fatalf("SDK policy %q does not decode", b64)
	}
	return raw
}

// signSHA256 signs msg with SHA-256 (RSA PKCS #1 v1.5 or ECDSA ASN.1), as
// CloudFront's Hash-Algorithm=SHA256 expects; feature/cloudfront/sign v1.9.16
// only signs SHA-1.
func signSHA256(t *testing.T, signer crypto.Signer, msg []byte) string {
	t.Helper()
	h := crypto.SHA256.New()
	h.Write(msg)
	sig, err := signer.Sign(rand.Reader, h.Sum(nil), crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return cfEncode(sig)
}

func join(u, params string) string {
	if strings.Contains(u, "?") {
		return u + "&" + params
	}
	return u + "?" + params
}
