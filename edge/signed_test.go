package edge

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/streamedge/streamedge/failure"
)

// queryOrigin serves every path with a cacheable body and records the
// queries it was asked for.
func queryOrigin(t *testing.T) (*testOrigin, func() []string) {
	var mu sync.Mutex
	var seen []string
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.RawQuery)
		mu.Unlock()
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "media "+r.URL.Path)
	})
	return o, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

// TestSignedRouteRefusesBadSignaturesBeforeTheOrigin: on a route with
// trusted key groups every wrong signature is one 403 (the same body,
// whatever failed) and never reaches the origin; the reason is in the
// access log and streamedge_signed_url_verifications_total only.
func TestSignedRouteRefusesBadSignaturesBeforeTheOrigin(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o, _ := queryOrigin(t)
		e := newSignedEdge(t, o.URL, true)
		trusted, other := signingKeys(t)
		must := mustSign(t)
		s := sign.NewURLSigner(trustedKeyID, trusted)
		hour, past, soon := time.Now().Add(time.Hour), time.Now().Add(-time.Minute), time.Now().Add(30*time.Minute)
		seg := e.URL + "/vod/a.ts"
		canned := must(s.Sign(seg+"?v=1", hour))
		custom := must(s.SignWithPolicy(seg, wildcardPolicy(e.URL+"/vod/a*", hour, nil, "")))
		cookies, err := sign.NewCookieSigner(trustedKeyID, trusted).SignWithPolicy(wildcardPolicy(e.URL+"/vod/*", past, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, url, reason string
		}{
			{"unsigned", seg, "missing"},
			{"forged", strings.Replace(canned, "Signature=", "Signature=AAAA", 1), "bad_signature"},
			{"expired", must(s.Sign(seg, past)), "expired"},
			{"not_yet_valid", must(s.SignWithPolicy(seg, wildcardPolicy(e.URL+"/vod/*", hour, &soon, ""))), "not_yet_valid"},
			{"wrong_key", must(sign.NewURLSigner(trustedKeyID, other).Sign(seg, hour)), "bad_signature"},
			{"untrusted_key_id", must(sign.NewURLSigner("KOTHER", other).Sign(seg, hour)), "unknown_key"},
			{"wrong_ip", must(s.SignWithPolicy(seg, wildcardPolicy(e.URL+"/vod/*", hour, nil, "192.0.2.0/24"))), "ip"},
			{"tampered_query", strings.Replace(canned, "v=1", "v=2", 1), "bad_signature"},
			{"query_added_after_signing", canned + "&x=1", "bad_signature"},
			{"replayed_canned_on_another_path", strings.Replace(canned, "/vod/a.ts", "/vod/b.ts", 1), "bad_signature"},
			{"replayed_custom_on_another_path", strings.Replace(custom, "/vod/a.ts", "/live/a.ts", 1), "resource"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := e.fetchURL(t, tc.url)
				want := failure.Classify(failure.ErrSignature)
				if r.status != http.StatusForbidden || r.body != want.Body+"\n" {
					t.Fatalf("%s: %d %q, want 403 %q", tc.url, r.status, r.body, want.Body)
				}
				if n := e.counter(t, "streamedge_signed_url_verifications_total", "result", tc.reason); n < 1 {
					t.Errorf("no verification counted as %q", tc.reason)
				}
				if !strings.Contains(e.log.String(), `"signed":"`+tc.reason+`"`) {
					t.Errorf("access log has no signed %q: %s", tc.reason, e.log.String())
				}
			})
		}
		if r := e.fetchURL(t, seg, cookies...); r.status != http.StatusForbidden {
			t.Errorf("expired signed cookies: %d, want 403", r.status)
		}
		if r := e.get(t, http.MethodPost, "/vod/a.ts"); r.status != http.StatusForbidden {
			t.Errorf("unsigned POST: %d, want 403", r.status)
		}
		if n := o.count("/vod/a.ts") + o.count("/vod/b.ts") + o.count("/live/a.ts"); n != 0 {
			t.Fatalf("refused requests reached the origin %d times", n)
		}
		if n := e.counter(t, "streamedge_error_responses_total", "reason", "signed_url"); n < 13 {
			t.Errorf("streamedge_error_responses_total{reason=signed_url} = %v, want 13", n)
		}
	})
}

// TestSignedViewersShareOneCachedObject: valid signatures (canned, custom
// wildcard, client-IP policy, SHA-1 cookies) for one object are one cache
// entry; the origin sees the viewer's own parameters but no signing
// parameter.
func TestSignedViewersShareOneCachedObject(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o, seen := queryOrigin(t)
		e := newSignedEdge(t, o.URL, true)
		trusted, _ := signingKeys(t)
		must := mustSign(t)
		s := sign.NewURLSigner(trustedKeyID, trusted)
		hour := time.Now().Add(time.Hour)
		seg := e.URL + "/vod/a.ts?lang=en"
		cookies, err := sign.NewCookieSigner(trustedKeyID, trusted).SignWithPolicy(wildcardPolicy(e.URL+"/vod/*", hour, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		viewers := []struct {
			name, url string
		}{
			{"canned", must(s.Sign(seg, hour))},
			{"canned_other_expiry", must(s.Sign(seg, hour.Add(time.Minute)))},
			{"custom_wildcard", must(s.SignWithPolicy(seg, wildcardPolicy(e.URL+"/vod/*", hour, nil, "")))},
			{"custom_client_ip", must(s.SignWithPolicy(seg, wildcardPolicy(e.URL+"/vod/*", hour, nil, "127.0.0.1/32")))},
			{"cookies", seg},
		}
		for i, v := range viewers {
			var r result
			if v.name == "cookies" {
				r = e.fetchURL(t, v.url, cookies...)
			} else {
				r = e.fetchURL(t, v.url)
			}
			if r.status != http.StatusOK || r.body != "media /vod/a.ts" {
				t.Fatalf("%s: %d %q", v.name, r.status, r.body)
			}
			if want := map[bool]string{true: "Miss", false: "Hit"}[i == 0]; !strings.HasPrefix(r.header.Get("X-Cache"), want) {
				t.Errorf("%s: X-Cache %q, want %s", v.name, r.header.Get("X-Cache"), want)
			}
		}
		if n := o.count("/vod/a.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1 for every viewer's signature", n)
		}
		if q := seen(); len(q) != 1 || q[0] != "lang=en" {
			t.Fatalf("origin saw queries %q, want [lang=en] (no signing parameters)", q)
		}
		if n := e.counter(t, "streamedge_signed_url_verifications_total", "result", "ok"); n != float64(len(viewers)) {
			t.Errorf("ok verifications = %v, want %d", n, len(viewers))
		}
	})
}

// TestSignedRouteHashAlgorithmKeptOutOfTheKey: Hash-Algorithm is a signing
// parameter too: not keyed, not sent (SHA-256 signatures themselves are
// signedurl.TestSHA256SignaturesAccepted's).
func TestSignedRouteHashAlgorithmKeptOutOfTheKey(t *testing.T) {
	o, seen := queryOrigin(t)
	e := newSignedEdge(t, o.URL, true)
	trusted, _ := signingKeys(t)
	must := mustSign(t)
	hour := time.Now().Add(time.Hour)
	sha1 := must(sign.NewURLSigner(trustedKeyID, trusted).Sign(e.URL+"/k.ts", hour))
	sha1x := sha1 + "&Hash-Algorithm=SHA1" // the explicit form of the default
	for _, u := range []string{sha1, sha1x} {
		if r := e.fetchURL(t, u); r.status != http.StatusOK {
			t.Fatalf("%s: %d %q", u, r.status, r.body)
		}
	}
	if n := o.count("/k.ts"); n != 1 || seen()[0] != "" {
		t.Fatalf("origin requests = %d (queries %q), want 1 without a query", n, seen())
	}
}

// TestSignedPassThroughCarriesNoCredentials: a signed POST (passed through,
// uncached) reaches the origin without the signing parameters and without
// the CloudFront-* cookies, other cookies and parameters kept.
func TestSignedPassThroughCarriesNoCredentials(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		var mu sync.Mutex
		var gotQuery, gotCookie string
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			gotQuery, gotCookie = r.URL.RawQuery, strings.Join(r.Header.Values("Cookie"), "|")
			mu.Unlock()
			fmt.Fprint(w, "posted")
		})
		e := newSignedEdge(t, o.URL, true)
		trusted, _ := signingKeys(t)
		hour := time.Now().Add(time.Hour)
		signedURL := mustSign(t)(sign.NewURLSigner(trustedKeyID, trusted).Sign(e.URL+"/api/beacon?x=1", hour))
		cookies, err := sign.NewCookieSigner(trustedKeyID, trusted).SignWithPolicy(wildcardPolicy(e.URL+"/api/*", hour, nil, ""))
		if err != nil {
			t.Fatal(err)
		}
		post := func(u string, cookies ...*http.Cookie) int {
			req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader("b"))
			req.Header.Add("Cookie", "session=abc")
			for _, c := range cookies {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if s := post(signedURL); s != http.StatusOK || gotQuery != "x=1" {
			t.Errorf("signed URL POST: %d, origin query %q; want 200, x=1", s, gotQuery)
		}
		if s := post(e.URL+"/api/beacon?y=2", cookies...); s != http.StatusOK || gotQuery != "y=2" || gotCookie != "session=abc" {
			t.Errorf("signed-cookie POST: %d, origin query %q cookies %q; want 200, y=2, session=abc", s, gotQuery, gotCookie)
		}
	})
}

func TestSignedRouteNeedsAVerifier(t *testing.T) {
	o, _ := queryOrigin(t)
	e := newTestEdge(t, o.URL, edgeOpts{})
	rt := e.h.Routes().Select("/")
	if _, err := Single(&Route{Name: "*", Origin: rt.Origin, Keys: rt.Keys, Signed: &Signing{}}); err == nil {
		t.Fatal("a Signed route without a Verifier was accepted")
	}
}
