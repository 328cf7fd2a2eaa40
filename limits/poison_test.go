package limits_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/limits"
)

// reflecting is an origin that writes the unkeyed headers it receives into a
// cacheable body, the way a careless application would build absolute URLs
// or routes from them.
func reflecting(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "video/mp2t")
	w.Header().Set("Cache-Control", "max-age=600")
	_, _ = fmt.Fprintf(w, "method=%s host=%s uri=%s xfh=%q xou=%q xrw=%q xmo=%q xfp=%q ae=%q cookie=%q",
		r.Method, r.Host, r.RequestURI, r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Original-URL"),
		r.Header.Get("X-Rewrite-URL"), r.Header.Get("X-HTTP-Method-Override"), r.Header.Get("X-Forwarded-Proto"),
		r.Header.Get("Accept-Encoding"), r.Header.Get("Cookie"))
}

// TestCachePoisoning sends a first request carrying unkeyed headers to an
// origin that reflects them, then a clean request for the same object. The
// clean request must get the clean body: the fill never forwarded them, or
// (with Authorization) the response was never shared.
func TestCachePoisoning(t *testing.T) {
	tests := []struct {
		name  string
		first []string // header lines of the poisoning request
		pass  bool     // served uncached: the origin sees both requests
	}{
		{"x_forwarded_host", []string{"X-Forwarded-Host: evil.example"}, false},
		{"x_original_url", []string{"X-Original-URL: /admin"}, false},
		{"x_rewrite_url", []string{"X-Rewrite-URL: /admin"}, false},
		{"method_override", []string{"X-HTTP-Method-Override: POST"}, false},
		{"forwarded_proto", []string{"X-Forwarded-Proto: http", "Forwarded: host=evil.example;proto=http"}, false},
		{"host_header", []string{"Host: evil.example", "X-Host: evil.example"}, false},
		{"accept_encoding_all_refused", []string{"Accept-Encoding: gzip;q=0, br;q=0"}, false},
		{"accept_encoding_odd", []string{"Accept-Encoding: evil, compress;q=1, *;q=0.1"}, false},
		{"accept_encoding_huge", []string{"Accept-Encoding: " + strings.Repeat("gzip, ", 1000) + "br"}, false},
		{"cookie", []string{"Cookie: session=attacker"}, false},
		{"all_at_once", []string{"X-Forwarded-Host: evil.example", "X-Original-URL: /admin", "X-Rewrite-URL: /admin",
			"X-HTTP-Method-Override: POST", "Accept-Encoding: gzip;q=0, br;q=0"}, false},
		// Authorization makes the request pass through with its headers; the
		// reflected response reaches only that client and is not stored.
		{"authorized_pass_through", []string{"Authorization: Bearer x", "X-Original-URL: /admin"}, true},
	}
	o := newOrigin(t, reflecting)
	s := newStack(t, limits.Config{}, o, stackOpts{})
	clean := func(path string) string {
		return fmt.Sprintf("method=GET host=%s uri=%s xfh=\"\" xou=\"\" xrw=\"\" xmo=\"\" xfp=\"\" ae=\"identity\" cookie=\"\"",
			strings.TrimPrefix(o.URL, "http://"), path)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/poison/" + tc.name + ".ts"
			first := s.get(t, "", path, tc.first...)
			if first.status != 200 {
				t.Fatalf("first request: %d %q", first.status, first.body)
			}
			second := s.get(t, "", path)
			if second.status != 200 || second.body != clean(path) {
				t.Fatalf("clean request after a poisoning attempt got %d %q\nwant %q", second.status, second.body, clean(path))
			}
			wantOrigin := 1 // the clean request was a hit on the first one's fill
			switch {
			case tc.pass:
				wantOrigin = 2
				if !strings.Contains(first.body, `xou="/admin"`) {
					t.Errorf("pass-through did not reach the origin with its headers: %q", first.body)
				}
			case first.body != clean(path):
				t.Errorf("the fill forwarded unkeyed headers: %q", first.body)
			}
			if n := o.count(path); n != wantOrigin {
				t.Errorf("the origin saw %s %d times, want %d", path, n, wantOrigin)
			}
		})
	}
}
