package signedurl

import (
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
)

// TestGrantOnlyForCustomPoliciesInTheURL: a wildcard custom policy in the
// query hands its parameters on to the URLs its Resource covers; a canned
// policy (Resource = the one URL) and signed cookies hand on nothing.
func TestGrantOnlyForCustomPoliciesInTheURL(t *testing.T) {
	k := getKeys(t)
	v := newTestVerifier(t, time.Time{})
	s := sign.NewURLSigner(keyA, k.rsaA)
	hour := time.Now().Add(time.Hour)
	check := func(rawURL string, cookies ...string) Grant {
		t.Helper()
		u, err := url.Parse(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		g, reason, err := v.Check(Request{Scheme: u.Scheme, Host: u.Host, Path: u.EscapedPath(), RawQuery: u.RawQuery, Cookies: cookies})
		if err != nil {
			t.Fatalf("%s: %s", rawURL, reason)
		}
		return g
	}
	custom, err := s.SignWithPolicy("https://edge.example/show/master.m3u8?lang=en", customPolicy("https://edge.example/show/*", hour, nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	g := check(custom)
	u, _ := url.Parse(custom)
	if want := SigningQuery(u.RawQuery); g.Query != want || want == "" || StripQuery(u.RawQuery) != "lang=en" {
		t.Errorf("Query = %q, want the signing pairs %q", g.Query, want)
	}
	for _, tc := range []struct {
		path, query string
		want        bool
	}{
		{"/show/v1/seg1.ts", "", true},
		{"/show/v1/seg1.ts", "a=1&" + g.Query, true},
		{"/other/seg1.ts", "", false},
	} {
		if got := g.Covers("https", "edge.example", tc.path, tc.query); got != tc.want {
			t.Errorf("Covers(%s?%s) = %v, want %v", tc.path, tc.query, got, tc.want)
		}
	}
	if g.Covers("https", "other.example", "/show/a.ts", "") {
		t.Error("covers another host")
	}
	canned, _ := s.Sign("https://edge.example/show/master.m3u8", hour)
	if g := check(canned); g.Query != "" || g.Covers("https", "edge.example", "/show/a.ts", "") {
		t.Errorf("canned policy granted %+v", g)
	}
	cs, _ := sign.NewCookieSigner(keyA, k.rsaA).SignWithPolicy(customPolicy("https://edge.example/show/*", hour, nil, ""))
	var header string
	for _, c := range cs {
		header += c.Name + "=" + c.Value + "; "
	}
	if g := check("https://edge.example/show/master.m3u8", header); g.Query != "" {
		t.Errorf("cookies granted %+v", g)
	}
}

// FuzzSigningQueryPartitions: SigningQuery keeps exactly the pairs the
// verifier reads and StripQuery drops, so what a signed manifest hands on is
// what was verified.
func FuzzSigningQueryPartitions(f *testing.F) {
	f.Add("a=1&Policy=p&Signature=s&Key-Pair-Id=K&b=2")
	f.Add("Expire%73=1&Hash-Algorithm=SHA256&&x")
	f.Fuzz(func(t *testing.T, q string) {
		all, errAll := fromQuery(q)
		kept, errKept := fromQuery(SigningQuery(q))
		if (errAll == nil) != (errKept == nil) || (errAll == nil && all != kept) {
			t.Fatalf("SigningQuery(%q) = %q reads %+v %v, the query %+v %v", q, SigningQuery(q), kept, errKept, all, errAll)
		}
		if rest, err := fromQuery(StripQuery(q)); err == nil && rest.seen != 0 {
			t.Fatalf("StripQuery(%q) = %q still has signing values", q, StripQuery(q))
		}
	})
}
