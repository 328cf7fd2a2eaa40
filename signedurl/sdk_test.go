package signedurl

import (
	"crypto"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
)

// The SDK's signers (github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign
// v1.9.16) make the URLs and cookies; the verifier behind a real HTTP server
// must accept exactly the ones CloudFront accepts.

func customPolicy(resource string, lt time.Time, gt *time.Time, ip string) *sign.Policy {
	c := sign.Condition{DateLessThan: sign.NewAWSEpochTime(lt)}
	if gt != nil {
		c.DateGreaterThan = sign.NewAWSEpochTime(*gt)
	}
	if ip != "" {
		c.IPAddress = &sign.IPAddress{SourceIP: ip}
	}
	return &sign.Policy{Statements: []sign.Statement{{Resource: resource, Condition: c}}}
}

func TestSDKSignedURLsAccepted(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	hour := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Minute)
	rsaSigner := sign.NewURLSigner(keyA, k.rsaA)
	ecSigner := sign.NewURLSigner(keyEC, k.ec)
	for _, tc := range []struct {
		name   string
		signer *sign.URLSigner
		url    string
		policy *sign.Policy // nil: canned
	}{
		{"canned_rsa_sha1", rsaSigner, srv.URL + "/live/index.m3u8", nil},
		{"canned_keeps_the_viewers_query", rsaSigner, srv.URL + "/live/index.m3u8?color=red&b=%2F", nil},
		{"canned_ecdsa_p256", ecSigner, srv.URL + "/vod/seg1.ts", nil},
		{"custom_exact_resource", rsaSigner, srv.URL + "/vod/seg1.ts",
			customPolicy(srv.URL+"/vod/seg1.ts", hour, nil, "")},
		{"custom_exact_resource_with_query", rsaSigner, srv.URL + "/vod/seg1.ts?x=1",
			customPolicy(srv.URL+"/vod/seg1.ts?x=1", hour, nil, "")},
		{"custom_wildcard_ip_and_start", rsaSigner, srv.URL + "/live/720p/seg9.ts",
			customPolicy(srv.URL+"/live/*", hour, &past, "127.0.0.0/8")},
		{"custom_single_host_ip", rsaSigner, srv.URL + "/live/a.ts",
			customPolicy(srv.URL+"/live/?.ts", hour, nil, "127.0.0.1")},
		{"custom_ecdsa_wildcard_domain", ecSigner, srv.URL + "/any/thing.mp4?q=1",
			customPolicy("http://127.0.0.*", hour, nil, "")},
		{"custom_star_everything", ecSigner, srv.URL + "/x", customPolicy("*", hour, nil, "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var signed string
			var err error
			if tc.policy == nil {
				signed, err = tc.signer.Sign(tc.url, hour)
			} else {
				signed, err = tc.signer.SignWithPolicy(tc.url, tc.policy)
			}
			if err != nil {
				t.Fatal(err)
			}
			r := get(t, signed)
			r.wantOK(t, signed)
			if _, q, _ := strings.Cut(tc.url, "?"); r.body != q {
				t.Errorf("stripped query %q, want the viewer's own %q", r.body, q)
			}
		})
	}
}

func TestSDKSignedCookiesAccepted(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	cs := sign.NewCookieSigner(keyA, k.rsaA)
	hour := time.Now().Add(time.Hour)

	canned, err := cs.Sign(srv.URL+"/live/index.m3u8", hour)
	if err != nil {
		t.Fatal(err)
	}
	// The SDK's canned cookies carry the Expires in the Policy cookie's place:
	// it always writes CloudFront-Policy; a canned policy is still a policy.
	get(t, srv.URL+"/live/index.m3u8", canned...).wantOK(t, "canned cookie")
	get(t, srv.URL+"/live/other.m3u8", canned...).wantDenied(t, "canned cookie on another path", ReasonResource)

	// CloudFront's canned cookies (CloudFront-Expires): the SDK's canned
	// policy signs them; the verifier rebuilds the policy from the URL.
	sig, _, err := sign.NewCannedPolicy(srv.URL+"/live/index.m3u8", hour).Sign(k.rsaA)
	if err != nil {
		t.Fatal(err)
	}
	expiresCookies := []*http.Cookie{{Name: CookieExpires, Value: strconv.FormatInt(hour.Unix(), 10)},
		{Name: CookieSignature, Value: string(sig)}, {Name: CookieKeyPairID, Value: keyA}}
	get(t, srv.URL+"/live/index.m3u8", expiresCookies...).wantOK(t, "CloudFront-Expires cookie")
	get(t, srv.URL+"/live/index.m3u8?x=1", expiresCookies...).wantDenied(t, "CloudFront-Expires cookie, other URL", ReasonBadSignature)

	custom, err := cs.SignWithPolicy(customPolicy("http*://127.0.0.1:*/show/*", hour, nil, "127.0.0.1/32"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/show/index.m3u8", "/show/720p/seg1.m4s", "/show/720p/seg1.m4s?_HLS_msn=4"} {
		get(t, srv.URL+p, custom...).wantOK(t, "wildcard cookie "+p)
	}
	get(t, srv.URL+"/other/index.m3u8", custom...).wantDenied(t, "wildcard cookie outside its resource", ReasonResource)
	get(t, srv.URL+"/show/index.m3u8").wantDenied(t, "no cookie at all", ReasonMissing)
}

// A URL carrying any signing parameter is a signed URL: its failure is not
// rescued by valid cookies (CloudFront's precedence).
func TestSignedURLWinsOverCookies(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	cookies, err := sign.NewCookieSigner(keyA, k.rsaA).SignWithPolicy(customPolicy("*", time.Now().Add(time.Hour), nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	get(t, srv.URL+"/a.ts?Expires=1&Signature=AAAA&Key-Pair-Id="+keyA, cookies...).wantDenied(t, "bad URL, good cookies", ReasonBadSignature)
	get(t, srv.URL+"/a.ts", cookies...).wantOK(t, "good cookies alone")
}

func TestSHA256SignaturesAccepted(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	hour := time.Now().Add(time.Hour)
	res := srv.URL + "/live/index.m3u8?v=2"
	for name, signer := range map[string]crypto.Signer{"rsa": k.rsaA, "ecdsa": k.ec} {
		id := keyA
		if name == "ecdsa" {
			id = keyEC
		}
		canned := sdkPolicyBytes(t, sign.NewCannedPolicy(res, hour), k.rsaA)
		u := join(res, "Expires="+strconv.FormatInt(hour.Unix(), 10)+"&Signature="+signSHA256(t, signer, canned)+"&Key-Pair-Id="+id+"&Hash-Algorithm=SHA256")
		get(t, u).wantOK(t, name+" canned SHA256")
		get(t, strings.TrimSuffix(u, "&Hash-Algorithm=SHA256")).wantDenied(t, name+" SHA256 signature read as SHA1", ReasonBadSignature)

		p := customPolicy(srv.URL+"/live/*", hour, nil, "")
		raw := sdkPolicyBytes(t, p, k.rsaA)
		sig := signSHA256(t, signer, raw)
		u = join(res, "Policy="+cfEncode(raw)+"&Signature="+sig+"&Key-Pair-Id="+id+"&Hash-Algorithm=SHA256")
		get(t, u).wantOK(t, name+" custom SHA256")
		cookies := []*http.Cookie{{Name: CookiePolicy, Value: cfEncode(raw)}, {Name: CookieSignature, Value: sig},
			{Name: CookieKeyPairID, Value: id}, {Name: CookieHashAlg, Value: "SHA256"}}
		get(t, srv.URL+"/live/seg.ts", cookies...).wantOK(t, name+" custom SHA256 cookies")
	}
	get(t, join(res, "Expires=1&Signature=AA&Key-Pair-Id="+keyA+"&Hash-Algorithm=MD5")).wantDenied(t, "unknown hash", ReasonMalformed)
}
