package invalidation

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// FuzzAuthorization: no Authorization and X-Amz-Date header an attacker can
// write authenticates without the secret, and none panics.
func FuzzAuthorization(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential="+testKeyID+"/20261201/us-east-1/cloudfront/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20261201T120000Z")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/cloudfront/aws4_request,SignedHeaders=content-length;host;x-amz-date,Signature=zz", "x")
	a := authenticator{secrets: map[string]string{testKeyID: testSecret}, now: func() time.Time { return t0 }}
	a.signer = v4.NewSigner()
	f.Fuzz(func(t *testing.T, authz, date string) {
		r := httptest.NewRequest(http.MethodGet, base, nil)
		r.Header.Set("Authorization", authz)
		r.Header.Set("X-Amz-Date", date)
		if err := a.check(context.Background(), r, nil); err == nil {
			t.Fatalf("authenticated %q %q", authz, date)
		}
	})
}

// FuzzCreateBody: any body either makes a valid invalidation or a CloudFront
// error; never a panic, never a path CheckPath refuses.
func FuzzCreateBody(f *testing.F) {
	f.Add(batchXML("cli-1-2", "/*", "/live/index.m3u8"))
	f.Add(`<InvalidationBatch><Paths><Quantity>1</Quantity></Paths></InvalidationBatch>`)
	f.Fuzz(func(t *testing.T, body string) {
		a := &API{cfg: APIConfig{Now: func() time.Time { return t0 }}}
		set := NewSet(Limits{MaxRecords: 50}, nil)
		inv, _, err := a.create(set, []byte(body))
		if err != nil {
			if set.Len() != 0 {
				t.Fatal("a refused body changed the Set")
			}
			return
		}
		for _, p := range inv.Paths {
			if CheckPath(p) != nil || strings.Count(p, "*") > 1 {
				t.Fatalf("accepted path %q", p)
			}
		}
	})
}
