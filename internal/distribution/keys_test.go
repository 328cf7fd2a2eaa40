package distribution

import (
	"net/http"
	"testing"
)

// TestBuildRoutesKeyDimensions: a behavior's cache policy (query strings,
// headers, cookies) and origin request policy become its route's key and
// what its fills send.
func TestBuildRoutesKeyDimensions(t *testing.T) {
	d := build(t, `origins:
  a: {url: http://127.0.0.1:1}
behaviors:
  - path: /live/*.m3u8
    origin: a
    cache_policy:
      query_strings: {behavior: whitelist, names: [_HLS_msn, _HLS_part]}
      headers: {behavior: whitelist, names: [X-Device]}
      cookies: {behavior: allExcept, names: [tracking]}
    origin_request:
      query_strings: {behavior: whitelist, names: [token]}
      headers: {behavior: whitelist, names: [X-Trace]}
      cookies: {behavior: all}
default_behavior:
  origin: a
  cache_policy: {query_strings: {behavior: allExcept, names: [session]}}
`)
	h := http.Header{"X-Device": {"tv"}, "X-Trace": {"t"}, "Cookie": {"s=1; tracking=9"}}
	for _, tc := range []struct {
		path, key, target, cookie string
	}{
		{"/live/a.m3u8", "/live/a.m3u8?_HLS_msn=3\x00h:x-device=tv\x00c:s=1", "/live/a.m3u8?_HLS_msn=3&token=x", "s=1; tracking=9"},
		{"/vod/x.mp4", "/vod/x.mp4?_HLS_msn=3&token=x", "/vod/x.mp4?_HLS_msn=3&token=x", ""},
	} {
		r, err := d.Routes.Select(tc.path).Keys.Request(tc.path, "token=x&session=7&_HLS_msn=3", h)
		if err != nil || r.Key != tc.key || r.Target != tc.target || r.Header.Get("Cookie") != tc.cookie {
			t.Errorf("%s: key %q target %q cookie %q (%v), want %q %q %q", tc.path, r.Key, r.Target, r.Header.Get("Cookie"), err, tc.key, tc.target, tc.cookie)
		}
	}
}
