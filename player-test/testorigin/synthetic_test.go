package testorigin

import (
	"bytes"
	"strings"
	"testing"
)

func TestSyntheticSizes(t *testing.T) {
	_, srv := start(t, Options{})
	tests := []struct {
		path  string
		size  int
		ctype string
	}{
		{"/synthetic/0/a.bin", 0, "application/octet-stream"},
		{"/synthetic/1000/a.ts", 1000, mimeTS},
		{"/synthetic/1KiB/a.m4s", 1024, mimeVideoMP4},
		{"/synthetic/4097/b.m4s", 4097, mimeVideoMP4},
		{"/synthetic/2MiB/big.ts", 2 << 20, mimeTS},
		{"/synthetic/64MiB/max.bin", 64 << 20, "application/octet-stream"},
		{"/synthetic/10/p.m3u8", 10, mimeHLS},
		{"/synthetic/500/p.m3u8", 500, mimeHLS},
		{"/synthetic/3KiB/dir/deep/p.m3u8", 3072, mimeHLS},
	}
	for _, tc := range tests {
		resp, body := fetch(t, srv.URL+tc.path)
		if resp.StatusCode != 200 || len(body) != tc.size || resp.Header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: %d, %d bytes, %q", tc.path, resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("ETag") == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=86400") {
			t.Errorf("%s: headers %v", tc.path, resp.Header)
		}
		if strings.HasSuffix(tc.path, ".m3u8") && tc.size >= 200 {
			s := string(body)
			if !strings.HasPrefix(s, "#EXTM3U\n") || !strings.HasSuffix(s, "#EXT-X-ENDLIST\n") || !strings.Contains(s, "#EXTINF:") {
				t.Errorf("%s: not a VOD playlist: %.80q", tc.path, s)
			}
		}
	}
	for _, bad := range []string{"65MiB", "-1", "1GiB", "x"} {
		if resp, _ := fetch(t, srv.URL+"/synthetic/"+bad+"/a.bin"); resp.StatusCode != 400 {
			t.Errorf("size %s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestSyntheticDeterministicPerName(t *testing.T) {
	_, srv := start(t, Options{})
	r1, a := fetch(t, srv.URL+"/synthetic/10000/one.bin")
	_, a2 := fetch(t, srv.URL+"/synthetic/10000/one.bin")
	r2, b := fetch(t, srv.URL+"/synthetic/10000/two.bin")
	if !bytes.Equal(a, a2) {
		t.Error("same URL, different bytes")
	}
	if bytes.Equal(a, b) || r1.Header.Get("ETag") == r2.Header.Get("ETag") {
		t.Error("different names should be different objects")
	}
}
