package cachekey

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzCookies: the Cookie parser never reports a pair it should not key or
// forward (empty name, '=' or ';' in the name, ';' or a control character
// anywhere) and never panics.
func FuzzCookies(f *testing.F) {
	f.Add("a=1; b=2")
	f.Add(" ;=;a==b;;c=\"q\"; d")
	f.Add("x=\x00; y=\t1")
	f.Fuzz(func(t *testing.T, line string) {
		eachCookie([]string{line, line}, func(name, value string) bool {
			if name == "" || strings.ContainsAny(name, "=;") || strings.Contains(value, ";") || hasCTL(name) || hasCTL(value) {
				t.Fatalf("bad pair %q=%q from %q", name, value, line)
			}
			return true
		})
	})
}

// FuzzRequest: with every dimension on, a key is bounded, canonical (built
// again from its own parts it is the same) and keeps the key's query out of
// nothing the origin gets.
func FuzzRequest(f *testing.F) {
	f.Add("/a/../b.ts", "b=1&a=2&CMCD=x&t=3", "s=1; u=2", "tv", "x")
	f.Add("/p.m3u8", "", "s=\"q\";s=2", " a\t b ", "")
	f.Add("//x", "a&b=&=c", ";;=", "\x01", "y")
	b := New(Config{QueryStrings: Items{AllExcept, []string{"t"}}, Headers: []string{"X-Device"},
		Cookies: Items{Whitelist, []string{"s"}}, Origin: OriginRequest{QueryStrings: Items{Behavior: All},
			Headers: Items{Behavior: AllViewer}, Cookies: Items{Behavior: All}}})
	f.Fuzz(func(t *testing.T, path, query, cookie, device, other string) {
		h := http.Header{"Cookie": {cookie}, "X-Device": {device}, "X-Other": {other}}
		r, err := b.Request(path, query, h)
		if err != nil {
			return
		}
		if len(r.Key) > 4096 || !strings.HasPrefix(r.Key, "/") || !strings.HasPrefix(r.Target, "/") {
			t.Fatalf("bad key %q / target %q", r.Key, r.Target)
		}
		n := 0
		for k, vs := range r.Header {
			for _, v := range vs {
				n += len(k) + len(v)
				if !fieldValue(v) {
					t.Fatalf("forwarded %s: %q", k, v)
				}
			}
		}
		if n > 20480 {
			t.Fatalf("forwarded %d bytes", n)
		}
		target, _, _ := strings.Cut(r.Key, "\x00")
		p, q, _ := strings.Cut(target, "?")
		again, err := b.Request(p, q, h)
		if err != nil || again.Key != r.Key {
			t.Fatalf("not canonical: %q -> %q (%v)", r.Key, again.Key, err)
		}
		for _, kp := range strings.Split(q, "&") {
			if kp != "" && !strings.Contains("&"+strings.SplitN(r.Target, "?", 2)[1]+"&", "&"+kp+"&") {
				t.Fatalf("keyed %q not sent in %q", kp, r.Target)
			}
		}
	})
}
