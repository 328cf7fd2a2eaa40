package signedurl

import (
	"strings"
	"testing"
	"time"
)

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"Statement":[{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":10},"DateGreaterThan":{"AWS:EpochTime":1},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}`))
	f.Add([]byte(`{"Statement":{"Condition":{"DateLessThan":{"AWS:EpochTime":10}}}}`))
	f.Add([]byte(`{"Statement":[{},{}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePolicy(b)
		if err == nil && (p == nil || len(b) > MaxPolicyBytes) {
			t.Fatalf("accepted %q as %+v", b, p)
		}
		if err == nil && p.SourceIP.IsValid() && !p.SourceIP.Addr().Is4() {
			t.Fatalf("non-IPv4 source %v", p.SourceIP)
		}
	})
}

// FuzzExtract drives the query and cookie extraction and the whole verifier
// with untrusted input: never a panic, never an OK without a valid signature,
// and StripQuery leaves no signing parameter behind.
func FuzzExtract(f *testing.F) {
	f.Add("a=1&Expires=10&Signature=AAAA&Key-Pair-Id=K2JCJMDEHXQW5F", "")
	f.Add("", "CloudFront-Policy=eyJ9; CloudFront-Signature=AA__; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F")
	f.Add("Policy=%zz&Hash-Algorithm=SHA256", `CloudFront-Expires="1"`)
	v := newTestVerifier(f, time.Unix(5, 0))
	f.Fuzz(func(t *testing.T, query, cookie string) {
		reason, err := v.Verify(Request{Scheme: "https", Host: "h", Path: "/a", RawQuery: query, Cookies: []string{cookie}})
		if err == nil || reason == ReasonOK {
			t.Fatalf("accepted query %q cookie %q", query, cookie)
		}
		if err != ErrDenied {
			t.Fatalf("error %v, want ErrDenied itself", err)
		}
		stripped := StripQuery(query)
		for pair := range strings.SplitSeq(stripped, "&") {
			if name, _ := pairName(pair); stripped != "" && IsSigningParam(name) {
				t.Fatalf("StripQuery(%q) = %q keeps %q", query, stripped, name)
			}
		}
		if StripQuery(stripped) != stripped {
			t.Fatalf("StripQuery not idempotent on %q", query)
		}
	})
}
