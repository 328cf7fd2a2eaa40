package signedurl

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
)

// Every way a signature can be wrong is refused with the same 403 body.
func TestRefusedSignatures(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	hour := time.Now().Add(time.Hour)
	signA := sign.NewURLSigner(keyA, k.rsaA)
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := must(signA.Sign(srv.URL+"/vod/a.ts?x=1", hour))
	goodCustom := must(signA.SignWithPolicy(srv.URL+"/vod/a.ts", customPolicy(srv.URL+"/vod/a.ts", hour, nil, "")))
	future := time.Now().Add(30 * time.Minute)
	for _, tc := range []struct {
		name, url string
		reason    Reason
	}{
		{"unsigned", srv.URL + "/vod/a.ts", ReasonMissing},
		{"forged_signature", replaceParam(good, "Signature", cfEncode([]byte(strings.Repeat("x", 256)))), ReasonBadSignature},
		{"expired_canned", must(signA.Sign(srv.URL+"/vod/a.ts", time.Now().Add(-time.Second))), ReasonExpired},
		{"expired_custom", must(signA.SignWithPolicy(srv.URL+"/vod/a.ts",
			customPolicy(srv.URL+"/vod/*", time.Now().Add(-time.Second), nil, ""))), ReasonExpired},
		{"not_yet_valid", must(signA.SignWithPolicy(srv.URL+"/vod/a.ts",
			customPolicy(srv.URL+"/vod/*", hour, &future, ""))), ReasonNotYetValid},
		{"wrong_key_signed_as_a_trusted_id", must(sign.NewURLSigner(keyA, k.rsaB).Sign(srv.URL+"/vod/a.ts", hour)), ReasonBadSignature},
		{"untrusted_key_id", must(sign.NewURLSigner("KUNTRUSTED", k.rsaB).Sign(srv.URL+"/vod/a.ts", hour)), ReasonUnknownKey},
		{"ecdsa_key_id_on_rsa_signature", replaceParam(good, "Key-Pair-Id", keyEC), ReasonBadSignature},
		{"wrong_ip", must(signA.SignWithPolicy(srv.URL+"/vod/a.ts",
			customPolicy(srv.URL+"/vod/*", hour, nil, "192.0.2.0/24"))), ReasonIP},
		{"tampered_query_value", strings.Replace(good, "x=1", "x=2", 1), ReasonBadSignature},
		{"tampered_query_added", good + "&extra=1", ReasonBadSignature},
		{"tampered_expires", replaceParam(good, "Expires", "9999999999"), ReasonBadSignature},
		{"tampered_policy", replaceParam(goodCustom, "Policy", cfEncode([]byte(`{"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":9999999999}}}]}`))), ReasonBadSignature},
		{"replayed_canned_on_another_path", strings.Replace(good, "/vod/a.ts", "/vod/b.ts", 1), ReasonBadSignature},
		{"replayed_custom_on_another_path", strings.Replace(goodCustom, "/vod/a.ts", "/vod/b.ts", 1), ReasonResource},
		{"replayed_custom_with_a_query", strings.Replace(goodCustom, "/vod/a.ts?", "/vod/a.ts?more=1&", 1), ReasonResource},
		{"replayed_wildcard_outside", strings.Replace(must(signA.SignWithPolicy(srv.URL+"/vod/a.ts",
			customPolicy(srv.URL+"/vod/*", hour, nil, ""))), "/vod/a.ts", "/live/a.ts", 1), ReasonResource},
		{"duplicate_signature", good + "&Signature=AAAA", ReasonMalformed},
		{"both_expires_and_policy", good + "&Policy=" + param(goodCustom, "Policy"), ReasonMalformed},
		{"undecodable_signature", replaceParam(good, "Signature", "!!!"), ReasonMalformed},
		{"no_key_pair_id", removeParam(good, "Key-Pair-Id"), ReasonMissing},
		{"encoded_name_counts_as_signing_param", good + "&Expire%73=1", ReasonMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) { get(t, tc.url).wantDenied(t, tc.url, tc.reason) })
	}
}

func TestRefusedCookies(t *testing.T) {
	k := getKeys(t)
	srv := newGate(t, newTestVerifier(t, time.Time{}))
	cs := sign.NewCookieSigner(keyA, k.rsaA)
	good, err := cs.SignWithPolicy(customPolicy(srv.URL+"/show/*", time.Now().Add(time.Hour), nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := cs.SignWithPolicy(customPolicy(srv.URL+"/show/*", time.Now().Add(-time.Second), nil, ""))
	wrongIP, _ := cs.SignWithPolicy(customPolicy(srv.URL+"/show/*", time.Now().Add(time.Hour), nil, "198.51.100.7"))
	forged := cloneCookies(good)
	forged[1].Value = cfEncode([]byte(strings.Repeat("y", 256)))
	dup := append(cloneCookies(good), &http.Cookie{Name: CookieKeyPairID, Value: keyEC})
	for name, tc := range map[string]struct {
		cookies []*http.Cookie
		reason  Reason
	}{
		"expired": {expired, ReasonExpired}, "wrong_ip": {wrongIP, ReasonIP},
		"forged": {forged, ReasonBadSignature}, "duplicate_key_id": {dup, ReasonMalformed},
	} {
		get(t, srv.URL+"/show/a.m3u8", tc.cookies...).wantDenied(t, name, tc.reason)
	}
	get(t, srv.URL+"/show/a.m3u8", good...).wantOK(t, "good cookies")
}

func cloneCookies(cs []*http.Cookie) []*http.Cookie {
	out := make([]*http.Cookie, len(cs))
	for i, c := range cs {
		cc := *c
		out[i] = &cc
	}
	return out
}

func param(rawURL, name string) string {
	u, _ := url.Parse(rawURL)
	return u.Query().Get(name)
}

func replaceParam(rawURL, name, value string) string {
	return strings.Replace(rawURL, name+"="+param(rawURL, name), name+"="+value, 1)
}

func removeParam(rawURL, name string) string {
	return strings.Replace(rawURL, "&"+name+"="+param(rawURL, name), "", 1)
}
