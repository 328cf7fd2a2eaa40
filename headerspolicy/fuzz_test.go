package headerspolicy

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"

	"github.com/streamedge/streamedge/config"
)

// FuzzPreflight feeds untrusted Origin and Access-Control-Request-Headers
// values: the answer never panics, never carries a value that is not a valid
// header value, grants only listed origins, and echoes only header names.
func FuzzPreflight(f *testing.F) {
	for _, s := range [][2]string{
		{player, "range"}, {"HTTPS://PLAYER.EXAMPLE:443", "Range, X-A"}, {"null", ""}, {"https://evil.example", "a b"},
		{player + ":", ",,,"}, {"http://[::1]:80", "x\r\ny"}, {strings.Repeat("a", 300), strings.Repeat("a,", 100)},
	} {
		f.Add(s[0], s[1])
	}
	p, err := New(&config.HeadersPolicy{CORS: &config.CORS{AllowOrigins: []string{player, "http://[::1]"},
		AllowHeaders: []string{"*"}, AllowCredentials: true}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, origin, reqHeaders string) {
		h := http.Header{}
		_, ok := p.Preflight(h, origin, "GET", reqHeaders)
		for k, vs := range h {
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Fatalf("%s: invalid value %q", k, v)
				}
			}
		}
		if acao := h.Get("Access-Control-Allow-Origin"); ok && acao != player && acao != "http://[::1]" {
			t.Fatalf("granted %q for Origin %q", acao, origin)
		}
		if names, parsed := requestHeaderNames(reqHeaders); parsed {
			for _, n := range strings.Split(names, ", ") {
				if names != "" && !httpguts.ValidHeaderFieldName(n) {
					t.Fatalf("echoed %q from %q", n, reqHeaders)
				}
			}
		}
	})
}
