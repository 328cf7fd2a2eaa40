package cachekey

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// TestCachePolicyKey: every behavior of the cache policy's query strings,
// headers and cookies, and the canonical form of what enters the key.
func TestCachePolicyKey(t *testing.T) {
	viewer := hdr("Accept-Language", "  en-GB ", "X-Device", "tv", "X-Device", "a\t\t b",
		"Cookie", "session=s1; theme=dark", "Cookie", "lang=fr; CMCD=x")
	q := "v=2&CMCD=br%3D1&a=1&session=9&b=%7e"
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"flag_mode_all_query_but_cmcd", Config{}, "/a.ts?a=1&b=~&session=9&v=2"},
		{"flag_mode_ignore_query", Config{IgnoreQuery: []string{"session"}}, "/a.ts?a=1&b=~&v=2"},
		{"query_none", Config{QueryStrings: Items{Behavior: None}}, "/a.ts"},
		{"query_whitelist", Config{QueryStrings: Items{Whitelist, []string{"v", "b", "missing"}}}, "/a.ts?b=~&v=2"},
		{"query_whitelist_is_case_sensitive", Config{QueryStrings: Items{Whitelist, []string{"V"}}}, "/a.ts"},
		{"query_all_except", Config{QueryStrings: Items{AllExcept, []string{"session"}}}, "/a.ts?a=1&b=~&v=2"},
		{"query_all_never_keys_cmcd", Config{QueryStrings: Items{Behavior: All}}, "/a.ts?a=1&b=~&session=9&v=2"},
		{"query_whitelist_cannot_key_cmcd", Config{QueryStrings: Items{Whitelist, []string{"CMCD", "a"}}}, "/a.ts?a=1"},
		{"headers_whitelist_lowercased_sorted_normalised", Config{Headers: []string{"X-Device", "accept-language"}},
			"/a.ts?a=1&b=~&session=9&v=2\x00h:accept-language=en-GB\x00h:x-device=tv,a b"},
		{"headers_absent_not_keyed", Config{Headers: []string{"X-Missing"}}, "/a.ts?a=1&b=~&session=9&v=2"},
		{"headers_edge_headers_never_keyed", Config{Headers: []string{"Accept-Encoding", "Cookie", "Host", "CMCD-Request"}}, "/a.ts?a=1&b=~&session=9&v=2"},
		{"cookies_none", Config{QueryStrings: Items{Behavior: None}, Cookies: Items{Behavior: None}}, "/a.ts"},
		{"cookies_whitelist", Config{QueryStrings: Items{Behavior: None}, Cookies: Items{Whitelist, []string{"theme", "lang"}}},
			"/a.ts\x00c:lang=fr\x00c:theme=dark"},
		{"cookies_all_except", Config{QueryStrings: Items{Behavior: None}, Cookies: Items{AllExcept, []string{"session"}}},
			"/a.ts\x00c:CMCD=x\x00c:lang=fr\x00c:theme=dark"},
		{"cookies_all_sorted_across_lines", Config{QueryStrings: Items{Behavior: None}, Cookies: Items{Behavior: All}},
			"/a.ts\x00c:CMCD=x\x00c:lang=fr\x00c:session=s1\x00c:theme=dark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := New(tc.cfg).Request("/a.ts", q, viewer)
			if err != nil || got.Key != tc.want {
				t.Fatalf("key = %q (%v), want %q", got.Key, err, tc.want)
			}
			if k, _, _ := strings.Cut(got.Key, "\x00"); got.Target != k {
				t.Fatalf("target %q is not the key's path and query %q (no origin request policy)", got.Target, k)
			}
		})
	}
}

// TestKeyIsCanonical: requests spelling the same keyed values differently
// share one key; a differing keyed value does not.
func TestKeyIsCanonical(t *testing.T) {
	b := New(Config{QueryStrings: Items{Whitelist, []string{"a", "b"}}, Headers: []string{"x-device", "Accept-Language"},
		Cookies: Items{Whitelist, []string{"s", "t"}}})
	key := func(q string, h http.Header) string {
		t.Helper()
		r, err := b.Request("/a/../p.m3u8", q, h)
		if err != nil {
			t.Fatal(err)
		}
		return r.Key
	}
	base := key("a=1&b=2&z=9", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1; t=2; u=3"))
	same := []struct {
		name, q string
		h       http.Header
	}{
		{"query_order", "b=2&a=1", hdr("x-device", "tv", "accept-language", "en", "Cookie", "t=2; s=1")},
		{"unkeyed_query_and_cookie", "a=1&b=2&y=0", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1;t=2;zz=4")},
		{"header_spaces", "%61=1&b=2", hdr("X-Device", " tv ", "Accept-Language", "en\t", "Cookie", " s=1 ; t=2")},
		{"cookie_lines_split", "a=1&b=2", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1", "Cookie", "t=2")},
		{"unkeyed_header", "a=1&b=2", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1; t=2", "User-Agent", "x")},
	}
	for _, tc := range same {
		if k := key(tc.q, tc.h); k != base {
			t.Errorf("%s: key %q, want %q", tc.name, k, base)
		}
	}
	differ := map[string]string{
		"keyed_query":            key("a=2&b=2", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1; t=2")),
		"keyed_header":           key("a=1&b=2", hdr("X-Device", "phone", "Accept-Language", "en", "Cookie", "s=1; t=2")),
		"keyed_cookie":           key("a=1&b=2", hdr("X-Device", "tv", "Accept-Language", "en", "Cookie", "s=1; t=3")),
		"header_absent_vs_empty": key("a=1&b=2", hdr("X-Device", "", "Accept-Language", "en", "Cookie", "s=1; t=2")),
	}
	for name, k := range differ {
		if k == base {
			t.Errorf("%s: shares key %q", name, k)
		}
	}
}

// TestOriginRequestUnion: the fill's target and headers are the key's items
// plus the origin request policy's; nothing else from the viewer.
func TestOriginRequestUnion(t *testing.T) {
	b := New(Config{
		QueryStrings: Items{Whitelist, []string{"v"}}, Headers: []string{"X-Device"}, Cookies: Items{Whitelist, []string{"s"}},
		Origin: OriginRequest{QueryStrings: Items{Whitelist, []string{"token"}}, Headers: Items{Whitelist, []string{"X-Trace", "Host"}},
			Cookies: Items{Whitelist, []string{"ab"}}},
	})
	r, err := b.Request("/a.ts", "z=0&token=t1&v=2", hdr("X-Device", "tv", "X-Trace", "tr", "X-Other", "o",
		"Host", "viewer.example", "Cookie", "s=1; ab=b; other=3"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "/a.ts?v=2\x00h:x-device=tv\x00c:s=1"; r.Key != want {
		t.Errorf("key = %q, want %q", r.Key, want)
	}
	if r.Headers != 1 || r.Cookies != 1 {
		t.Errorf("counted %d keyed headers, %d cookies; want 1, 1", r.Headers, r.Cookies)
	}
	if want := "/a.ts?token=t1&v=2"; r.Target != want {
		t.Errorf("target = %q, want %q", r.Target, want)
	}
	want := http.Header{"X-Device": {"tv"}, "X-Trace": {"tr"}, "Cookie": {"ab=b; s=1"}}
	if len(r.Header) != len(want) {
		t.Fatalf("headers = %v, want %v", r.Header, want)
	}
	for k, v := range want {
		if strings.Join(r.Header[k], "|") != strings.Join(v, "|") {
			t.Errorf("%s = %q, want %q", k, r.Header[k], v)
		}
	}
}

// TestOriginRequestAllViewer: allViewer forwards every viewer header but
// those the edge sets itself; allExcept leaves out the names too.
func TestOriginRequestAllViewer(t *testing.T) {
	h := hdr("X-A", "1", "X-B", "2", "Accept-Encoding", "gzip", "Connection", "close", "Authorization", "x", "CMCD-Request", "bl=100",
		"If-None-Match", `"e"`, "Cookie", "s=1", "Range", "bytes=0-")
	for _, tc := range []struct {
		name string
		it   Items
		want []string
	}{
		{"all_viewer", Items{Behavior: AllViewer}, []string{"X-A", "X-B"}},
		{"all_viewer_and_cloudfront", Items{Behavior: AllViewerAndWhitelistCloudFront, Names: []string{"CloudFront-Viewer-Country"}}, []string{"X-A", "X-B"}},
		{"all_except", Items{AllExcept, []string{"x-b"}}, []string{"X-A"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(Config{Origin: OriginRequest{Headers: tc.it}}).Request("/a", "", h)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Header) != len(tc.want) {
				t.Fatalf("forwarded %v, want %v", r.Header, tc.want)
			}
			for _, k := range tc.want {
				if r.Header.Get(k) != h.Get(k) {
					t.Fatalf("forwarded %v, want %v", r.Header, tc.want)
				}
			}
			if r.Key != "/a" || r.Target != "/a" {
				t.Fatalf("key %q target %q: origin request items entered the key", r.Key, r.Target)
			}
		})
	}
}

// TestKeyBounds: no request makes a key, or what a fill keeps, unbounded: a
// client sending 10,000 query parameters or a 1 MB cookie gets 414/431, or
// its unkeyed excess is dropped.
func TestKeyBounds(t *testing.T) {
	many := strings.Repeat("x=1&", 10000)
	mb := strings.Repeat("a", 1<<20)
	all := Config{QueryStrings: Items{Behavior: All}, Cookies: Items{Behavior: All}, Headers: []string{"X-Big"}}
	tests := []struct {
		name  string
		cfg   Config
		query string
		h     http.Header
		err   error
	}{
		{"10000_query_params_flag_mode", Config{}, many, nil, ErrTooLong},
		{"10000_query_params_whitelist", Config{QueryStrings: Items{Whitelist, []string{"x"}}}, many, nil, ErrTooLong},
		{"1mb_keyed_cookie", all, "", hdr("Cookie", "s="+mb), ErrHeadersTooLarge},
		{"1mb_cookie_header_of_small_cookies", all, "", hdr("Cookie", strings.Repeat("c=1; ", 200000)), ErrHeadersTooLarge},
		{"1mb_unkeyed_cookie_dropped", Config{Cookies: Items{Whitelist, []string{"s"}}}, "", hdr("Cookie", "big="+mb+"; s=1"), nil},
		{"1mb_keyed_header", all, "", hdr("X-Big", mb), ErrHeadersTooLarge},
		{"keyed_values_over_max_len_together", Config{Cookies: Items{Behavior: All}}, "", hdr("Cookie",
			strings.Repeat("c="+strings.Repeat("v", 1000)+"; ", 10)), ErrHeadersTooLarge},
		{"1mb_forwarded_cookie", Config{Origin: OriginRequest{Cookies: Items{Behavior: All}}}, "", hdr("Cookie", "big="+mb), ErrHeadersTooLarge},
		{"1mb_forwarded_header", Config{Origin: OriginRequest{Headers: Items{Behavior: AllViewer}}}, "", hdr("X-Big", mb), ErrHeadersTooLarge},
		{"control_in_keyed_header", all, "", hdr("X-Big", "a\x01b"), ErrBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.h == nil {
				tc.h = http.Header{}
			}
			r, err := New(tc.cfg).Request("/a.ts", tc.query, tc.h)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if err == nil && (len(r.Key) > 4096 || len(strings.Join(r.Header["Cookie"], "")) > 20480) {
				t.Fatalf("unbounded: key %d bytes, cookies %d", len(r.Key), len(r.Header["Cookie"]))
			}
		})
	}
}

// TestFlagModeKeysUnchanged: without policies Request is FromTarget, bit for
// bit, and whatever the viewer's headers and cookies.
func TestFlagModeKeysUnchanged(t *testing.T) {
	b := New(Config{IgnoreQuery: []string{"session"}})
	h := hdr("Cookie", "s=1", "Accept-Language", "en")
	for _, tc := range [][2]string{{"/a.ts", ""}, {"/a.ts", "b=2&a=1&CMCD=x&session=1"}, {"/x/../y%2e.ts", "a=1&a=0"}} {
		k, err := b.FromTarget(tc[0], tc[1])
		r, err2 := b.Request(tc[0], tc[1], h)
		if k != r.Key || k != r.Target || r.Header != nil || !errors.Is(err2, err) {
			t.Fatalf("%v: FromTarget %q (%v), Request %+v (%v)", tc, k, err, r, err2)
		}
	}
}

// TestRequestCleanPathAllocatesNothing: a clean path without a query, and
// without the keyed headers and cookies present, allocates nothing, in flag
// mode and with a cache policy.
func TestRequestCleanPathAllocatesNothing(t *testing.T) {
	h := hdr("User-Agent", "player")
	for name, cfg := range map[string]Config{
		"flag_mode":   {},
		"query_none":  {QueryStrings: Items{Behavior: None}},
		"with_policy": {Headers: []string{"X-Device"}, Cookies: Items{Whitelist, []string{"s"}}},
	} {
		b := New(cfg)
		if n := testing.AllocsPerRun(100, func() { _, _ = b.Request("/live/seg_1.ts", "", h) }); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}

// TestQueryNoneReadsNoQuery: a behavior keying and forwarding no query
// string never parses it, as flag mode's -ignore-query '*': a malformed or
// huge query is nobody's business.
func TestQueryNoneReadsNoQuery(t *testing.T) {
	b := New(Config{QueryStrings: Items{Behavior: None}, Cookies: Items{Whitelist, []string{"s"}}})
	for _, q := range []string{"a=%zz", strings.Repeat("x=1&", 2000)} {
		if r, err := b.Request("/a.ts", q, http.Header{}); err != nil || r.Key != "/a.ts" || r.Target != "/a.ts" {
			t.Fatalf("%.20q: %+v %v", q, r, err)
		}
	}
}

// TestUnvariedDropsKeyedFields: a Vary naming only headers (or Cookie) the
// key holds is no longer a reason not to share; other fields stay.
func TestUnvariedDropsKeyedFields(t *testing.T) {
	b := New(Config{Headers: []string{"X-Device"}, Cookies: Items{Whitelist, []string{"s"}}})
	for _, tc := range []struct{ vary, want string }{
		{"x-device", ""},
		{"X-Device, Accept-Encoding", "Accept-Encoding"},
		{"Cookie,X-Other", "X-Other"},
		{"Accept-Encoding", "Accept-Encoding"},
		{"*", "*"},
	} {
		h := http.Header{"Vary": {tc.vary}, "Cache-Control": {"max-age=1"}}
		got := b.Unvaried(h)
		if strings.Join(got["Vary"], ",") != tc.want || got.Get("Cache-Control") != "max-age=1" || h.Get("Vary") != tc.vary {
			t.Errorf("Vary %q: got %q (original now %q), want %q", tc.vary, got["Vary"], h.Get("Vary"), tc.want)
		}
	}
	if flag := New(Config{}); flag.Unvaried(http.Header{"Vary": {"X-Device"}}).Get("Vary") != "X-Device" {
		t.Error("flag mode dropped a Vary field")
	}
}

// TestDroppedNamesNeverReachKeyOrOrigin: CMCD, IgnoreQuery names and the
// names a signed route excludes (query parameters and cookies) enter
// neither the key nor the fill, even under "all" policies.
func TestDroppedNamesNeverReachKeyOrOrigin(t *testing.T) {
	all := Items{Behavior: All}
	b := New(Config{IgnoreQuery: []string{"session"}, QueryStrings: all, Cookies: all,
		Origin: OriginRequest{QueryStrings: all, Cookies: all}}).
		Excluding(SignedURLParams...).ExcludingCookies("CloudFront-Policy", "CloudFront-Signature")
	r, err := b.Request("/a.ts", "v=1&CMCD=x&session=2&Signature=s&Expires=9", hdr("Cookie", "CloudFront-Policy=p; CloudFront-Signature=s; u=1"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Key != "/a.ts?v=1\x00c:u=1" || r.Target != "/a.ts?v=1" || r.Header.Get("Cookie") != "u=1" {
		t.Fatalf("key %q target %q cookie %q", r.Key, r.Target, r.Header.Get("Cookie"))
	}
}
