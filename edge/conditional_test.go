package edge

import (
	"net/http"
	"testing"
)

func TestNotModified(t *testing.T) {
	stored := http.Header{"Etag": {`"v1"`}, "Last-Modified": {"Wed, 21 Oct 2015 07:28:00 GMT"}}
	tests := []struct {
		name string
		hdr  map[string]string
		want bool
	}{
		{"none", nil, false},
		{"inm_match", map[string]string{"If-None-Match": `"v1"`}, true},
		{"inm_weak_match", map[string]string{"If-None-Match": `W/"v1"`}, true},
		{"inm_list", map[string]string{"If-None-Match": `"a", "v1"`}, true},
		{"inm_star", map[string]string{"If-None-Match": "*"}, true},
		{"inm_mismatch_wins_over_ims", map[string]string{"If-None-Match": `"v2"`, "If-Modified-Since": "Thu, 22 Oct 2015 00:00:00 GMT"}, false},
		{"ims_later", map[string]string{"If-Modified-Since": "Thu, 22 Oct 2015 00:00:00 GMT"}, true},
		{"ims_equal", map[string]string{"If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"}, true},
		{"ims_earlier", map[string]string{"If-Modified-Since": "Tue, 20 Oct 2015 00:00:00 GMT"}, false},
		{"ims_garbage", map[string]string{"If-Modified-Since": "yesterday"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/x", nil)
			for k, v := range tc.hdr {
				r.Header.Set(k, v)
			}
			if got := notModified(r.Header, stored); got != tc.want {
				t.Fatalf("notModified = %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzNotModified(f *testing.F) {
	f.Add(`"v1"`, "Wed, 21 Oct 2015 07:28:00 GMT", `"v1"`)
	f.Add(`W/"a", *`, "", "")
	f.Add(",,,", "0", `W/`)
	f.Fuzz(func(t *testing.T, inm, ims, etag string) {
		r, _ := http.NewRequest("GET", "/x", nil)
		r.Header.Set("If-None-Match", inm)
		r.Header.Set("If-Modified-Since", ims)
		stored := http.Header{"Etag": {etag}}
		if notModified(r.Header, stored) && etag == "" {
			t.Fatalf("304 without a stored validator (If-None-Match %q)", inm)
		}
	})
}
