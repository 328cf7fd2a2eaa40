package cachekey

import (
	"errors"
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	b := New(Config{IgnoreQuery: []string{"session"}})
	tests := []struct {
		name, path, query, want string
		err                     error
	}{
		{"plain", "/live/index.m3u8", "", "/live/index.m3u8", nil},
		{"sorted_query", "/a.ts", "b=2&a=1", "/a.ts?a=1&b=2", nil},
		{"cmcd_dropped", "/a.ts", "CMCD=br%3D3200%2Cot%3Dv&x=1", "/a.ts?x=1", nil},
		{"signed_url_kept_by_default", "/a.ts", "Signature=abc&Expires=1&Key-Pair-Id=K&Policy=p", "/a.ts?Expires=1&Key-Pair-Id=K&Policy=p&Signature=abc", nil},
		{"repeated_params_keep_their_order", "/a.ts", "b=1&a=2&a=1", "/a.ts?a=2&a=1&b=1", nil},
		{"repeated_params_other_order", "/a.ts", "a=1&b=1&a=2", "/a.ts?a=1&a=2&b=1", nil},
		{"sorted_by_name_not_value", "/a.ts", "ab=1&a=2", "/a.ts?a=2&ab=1", nil},
		{"ignore_query_flag", "/a.ts", "session=42&v=1", "/a.ts?v=1", nil},
		{"llhls_directives_kept", "/p.m3u8", "_HLS_part=2&_HLS_msn=10", "/p.m3u8?_HLS_msn=10&_HLS_part=2", nil},
		{"dot_segments", "/a/b/../c/./d.ts", "", "/a/c/d.ts", nil},
		{"traversal_above_root", "/../../etc/passwd", "", "/etc/passwd", nil},
		{"encoded_dots", "/a/%2e%2E/b.ts", "", "/b.ts", nil},
		{"encoded_slash_kept", "/a%2fb.ts", "", "/a%2Fb.ts", nil},
		{"dotdot_behind_encoded_slash", "/a/..%2fb.ts", "", "", ErrBadRequest},
		{"encoded_dotdot_and_slash", "/a/%2e%2e%2f%2e%2e%2fetc", "", "", ErrBadRequest},
		{"dotdot_behind_backslash", `/a/..\b.ts`, "", "", ErrBadRequest},
		{"dots_in_name_kept", "/a/b..%2Fc.ts", "", "/a/b..%2Fc.ts", nil},
		{"unreserved_decoded", "/%61%62c.ts", "", "/abc.ts", nil},
		{"double_slash", "//a///b.ts", "", "/a/b.ts", nil},
		{"trailing_slash", "/dir/", "", "/dir/", nil},
		{"empty_params", "/a.ts", "&&x=1&", "/a.ts?x=1", nil},
		{"bad_escape", "/a%zz.ts", "", "", ErrBadRequest},
		{"control", "/a\x01.ts", "", "", ErrBadRequest},
		{"too_long", "/" + strings.Repeat("a", 5000), "", "", ErrTooLong},
		{"too_many_params", "/a", strings.Repeat("x=1&", 100), "", ErrTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := b.FromTarget(tc.path, tc.query)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Fatalf("key = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSignedURLParamsDroppedOnlyOnPurpose(t *testing.T) {
	b := New(Config{IgnoreQuery: SignedURLParams})
	if k, _ := b.FromTarget("/a.ts", "Expires=1&Signature=abc&Key-Pair-Id=K&Policy=p&v=1"); k != "/a.ts?v=1" {
		t.Fatalf("key = %q", k)
	}
}

func TestIgnoreAllQuery(t *testing.T) {
	b := New(Config{IgnoreQuery: []string{"*"}})
	if k, _ := b.FromTarget("/a.ts", "v=1"); k != "/a.ts" {
		t.Fatalf("key = %q", k)
	}
}

func TestLLHLSDirectivesStayInTheKey(t *testing.T) {
	for _, ignore := range [][]string{nil, {"*"}, {"_HLS_msn", "_HLS_part", "_HLS_skip", "v"}} {
		b := New(Config{IgnoreQuery: ignore})
		k, err := b.FromTarget("/a/index.m3u8", "v=1&_HLS_skip=YES&_HLS_part=2&_HLS_msn=10")
		want := "/a/index.m3u8?_HLS_msn=10&_HLS_part=2&_HLS_skip=YES"
		if ignore == nil {
			want = "/a/index.m3u8?_HLS_msn=10&_HLS_part=2&_HLS_skip=YES&v=1"
		}
		if err != nil || k != want {
			t.Errorf("-ignore-query %q: key %q, %v; want %q", ignore, k, err, want)
		}
	}
}

func FuzzKey(f *testing.F) {
	f.Add("/a/../b.ts", "b=1&a=2&CMCD=x")
	f.Add("/%2e%2e/x", "")
	f.Add("//x//y/", "a&b=&=c")
	b := New(Config{})
	f.Fuzz(func(t *testing.T, path, query string) {
		if path != "" && isClean(path) {
			if full, err := normalizeFull(path); err != nil || full != path {
				t.Fatalf("fast path kept %q; full normalisation gives %q (%v)", path, full, err)
			}
		}
		key, err := b.FromTarget(path, query)
		if err != nil {
			return
		}
		if !strings.HasPrefix(key, "/") || len(key) > 4096 {
			t.Fatalf("bad key %q", key)
		}
		p, q, _ := strings.Cut(key, "?")
		for _, seg := range strings.Split(p, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("dot segment survived in %q", key)
			}
		}
		// Normalising a key again must not change it (one object, one key).
		again, err := b.FromTarget(p, q)
		if err != nil || again != key {
			t.Fatalf("not idempotent: %q -> %q (%v)", key, again, err)
		}
	})
}

func TestExcludingAddsToTheBuildersExclusions(t *testing.T) {
	base := New(Config{IgnoreQuery: []string{"utm"}})
	b := base.Excluding(SignedURLParams...)
	const q = "Policy=p&Signature=s&Key-Pair-Id=K&Hash-Algorithm=SHA256&utm=1&CMCD=x&v=1"
	if k, _ := b.FromTarget("/a.ts", q); k != "/a.ts?v=1" {
		t.Fatalf("key = %q, want /a.ts?v=1", k)
	}
	if k, _ := base.FromTarget("/a.ts", q); k == "/a.ts?v=1" {
		t.Fatal("Excluding changed the original builder")
	}
}
