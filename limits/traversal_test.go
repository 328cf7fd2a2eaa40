package limits_test

import (
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/streamedge/streamedge/limits"
)

// TestTraversal sends targets that try to climb out of the origin's base path
// or to name another host. The origin (mounted at /root) must only ever see
// normalised paths under /root, always with its own Host, and a host named
// in an absolute-form target is never contacted.
func TestTraversal(t *testing.T) {
	var canaryHits atomic.Int64
	canary := newOrigin(t, func(http.ResponseWriter, *http.Request) { canaryHits.Add(1) })
	canaryHost := strings.TrimPrefix(canary.URL, "http://")

	tests := []struct {
		name, method, target string
		want                 int    // status
		origin               string // request-target the origin sees, "" for none
	}{
		{"dot_segments", "GET", "/../../etc/passwd", 200, "/root/etc/passwd"},
		{"encoded_dots", "GET", "/%2e%2e/%2e%2e/secret", 200, "/root/secret"},
		{"mixed_case_encoded_dots", "GET", "/a/%2E%2e/%2e./b.ts", 200, "/root/b.ts"},
		{"encoded_slash_dotdot", "GET", "/a/..%2fb", 400, ""},
		{"encoded_slash_dotdot_climb", "GET", "/..%2f..%2f..%2fetc/passwd", 400, ""},
		{"encoded_dots_and_slash", "GET", "/a/%2e%2e%2f%2e%2e%2fetc/passwd", 400, ""},
		{"encoded_backslash_dotdot", "GET", "/a/..%5c..%5cetc/passwd", 400, ""},
		{"raw_backslash_dotdot", "GET", `/a/..\..\etc/passwd`, 400, ""},
		{"encoded_slash_kept", "GET", "/a%2fb.ts", 200, "/root/a%2Fb.ts"},
		{"double_slash_host_like", "GET", "//evil.example/x.ts", 200, "/root/evil.example/x.ts"},
		{"absolute_form_foreign_host", "GET", "http://evil.example/x.ts", 200, "/root/x.ts"},
		{"absolute_form_canary", "GET", "http://" + canaryHost + "/y.ts", 200, "/root/y.ts"},
		{"absolute_form_traversal", "GET", "http://" + canaryHost + "/../../z.ts", 200, "/root/z.ts"},
		{"absolute_form_post_pass_through", "POST", "http://" + canaryHost + "/p", 200, "/root/p"},
		{"pass_through_dot_segments", "POST", "/a/../../p2", 200, "/root/p2"},
		{"asterisk_form", "OPTIONS", "*", 200, ""}, // net/http answers OPTIONS * itself
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := newOrigin(t, nil)
			s := newStack(t, limits.Config{}, o, stackOpts{originPath: "/root"})
			rs := s.raw(t, "", tc.method+" "+tc.target+" HTTP/1.1\r\nHost: edge.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			if len(rs) != 1 || rs[0].status != tc.want {
				t.Fatalf("responses %+v, want one %d", rs, tc.want)
			}
			reqs := o.requests()
			if tc.origin == "" {
				if len(reqs) != 0 {
					t.Fatalf("the origin saw %s %s, want nothing", reqs[0].method, reqs[0].uri)
				}
			} else if len(reqs) != 1 || reqs[0].uri != tc.origin {
				t.Fatalf("the origin saw %+v, want exactly %s", reqs, tc.origin)
			}
			for _, r := range reqs {
				if r.host != strings.TrimPrefix(o.URL, "http://") {
					t.Errorf("the origin saw Host %q", r.host)
				}
				assertUnderRoot(t, r.uri)
			}
			if n := canaryHits.Load(); n != 0 {
				t.Fatalf("the host named in an absolute-form target was contacted %d times", n)
			}
		})
	}
}

// assertUnderRoot checks that uri, decoded the way an origin's file server
// would (and with backslashes as separators), stays normalised under /root.
func assertUnderRoot(t *testing.T, uri string) {
	t.Helper()
	p, _, _ := strings.Cut(uri, "?")
	dec, err := url.PathUnescape(p)
	if err != nil {
		t.Fatalf("origin target %q does not decode: %v", uri, err)
	}
	dec = strings.ReplaceAll(dec, `\`, "/")
	if path.Clean(dec) != strings.TrimSuffix(dec, "/") || !strings.HasPrefix(dec, "/root/") {
		t.Fatalf("origin target %q decodes to %q: not a normalised path under /root", uri, dec)
	}
}
