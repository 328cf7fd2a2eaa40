package edge

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/streamedge/streamedge/signedurl"
)

// FuzzSignedChildURI: whatever URI a manifest from the origin holds, the
// signed-manifest mapper never panics, leaves URIs it does not sign byte for
// byte, and a URI it signs ends with the viewer's parameters (before any
// fragment) and is one the policy grants.
func FuzzSignedChildURI(f *testing.F) {
	for _, s := range []string{"seg0.ts", "../keys/k.key", "/show/a.ts?x=1#t", "https://ads.example/a.ts", "//edge.example/show/x",
		"seg_$Number%05d$.m4s", "video/", "?only=query", "#frag", "a.ts?Signature=x", "%zz", "http://edge.example:80/show/a"} {
		f.Add(s)
	}
	trusted, _ := signingKeys(f)
	v := trustedVerifier(f)
	signed, err := sign.NewURLSigner(trustedKeyID, trusted).SignWithPolicy("http://edge.example/show/master.m3u8",
		wildcardPolicy("http://edge.example/show/*", time.Now().Add(time.Hour), nil, ""))
	if err != nil {
		f.Fatal(err)
	}
	u, _ := url.Parse(signed)
	req := signedurl.Request{Scheme: "http", Host: u.Host, Path: u.EscapedPath(), RawQuery: u.RawQuery}
	grant, _, err := v.Check(req)
	if err != nil || grant.Query == "" {
		f.Fatalf("no grant: %v", err)
	}
	m, err := childMapper(req, grant)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		out, ok := m(uri)
		if !ok {
			if out != uri {
				t.Fatalf("unsigned %q changed to %q", uri, out)
			}
			return
		}
		base, _, _ := strings.Cut(out, "#")
		if !strings.HasSuffix(base, grant.Query) {
			t.Fatalf("%q signed as %q, without the viewer's parameters at the end", uri, out)
		}
	})
}
