package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/internal/s3test"
)

// TestServeConfigRewritesManifests: with media.rewrite.edge_relative, a
// manifest from an HTTP origin with a base path names its segments by the
// edge's paths (base path removed, a listed host too, a foreign host left
// alone), a manifest in a real path-style S3 bucket naming the bucket's
// endpoint likewise, and the segments they name are served by the edge; a
// reload turning rewriting off serves the origin's bytes at the next
// refresh, and one turning it on again rewrites again.
func TestServeConfigRewritesManifests(t *testing.T) {
	var originURL string
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/base/vod/index.m3u8":
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			w.Header().Set("Cache-Control", "no-cache") // no validators: fetched whole at every request
			fmt.Fprintf(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n%s/base/vod/1.ts\n#EXTINF:4,\n"+
				"https://packager.example.com/base/vod/2.ts\n#EXTINF:4,\nhttps://other.example.net/vod/3.ts\n#EXT-X-ENDLIST\n", originURL)
		default:
			w.Header().Set("Cache-Control", "max-age=60")
			fmt.Fprintf(w, "web %s", r.URL.Path)
		}
	}))
	defer web.Close()
	originURL = web.URL
	gw := s3test.Start(t)
	s3test.Put(t, gw, "/media", nil)
	s3test.Put(t, gw, "/media/s3/index.m3u8", []byte(fmt.Sprintf("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nhttp://%s/media/s3/1.ts\n#EXT-X-ENDLIST\n", gw)))
	s3test.Put(t, gw, "/media/s3/1.ts", []byte("s3 segment"))
	yaml := func(rewrite bool) string {
		return fmt.Sprintf(`origins:
  web: {url: %s/base}
s3_origins:
  media: {bucket: media, region: %s, endpoint: "http://%s", url_style: path, access_key_id: %s, secret_access_key: %s}
behaviors:
  - path: /s3/*
    origin: media
    media: {rewrite: {edge_relative: true}}
default_behavior:
  origin: web
  media: {rewrite: {edge_relative: %v, hosts: [packager.example.com]}}
`, web.URL, s3test.Region, gw, s3test.Access, s3test.Secret, rewrite)
	}
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	writeFile(t, cfgPath, yaml(true))
	e := startEdge(t, "-config", cfgPath)
	reload := func(rewrite bool) {
		t.Helper()
		writeFile(t, cfgPath, yaml(rewrite))
		var out, errOut strings.Builder
		if err := reloadCommand([]string{"-admin", strings.TrimPrefix(e.admin, "http://")}, &out, &errOut); err != nil {
			t.Fatalf("streamedge reload: %v: %s", err, errOut.String())
		}
	}
	rewritten := "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n/vod/1.ts\n#EXTINF:4,\n/vod/2.ts\n#EXTINF:4,\nhttps://other.example.net/vod/3.ts\n#EXT-X-ENDLIST\n"
	asSent := strings.NewReplacer("/vod/1.ts", web.URL+"/base/vod/1.ts", "/vod/2.ts", "https://packager.example.com/base/vod/2.ts").Replace(rewritten)
	check := func(step, path, want string) {
		t.Helper()
		if code, body, _ := get(t, e.edge+path); code != 200 || body != want {
			t.Fatalf("%s: GET %s: %d\n%s\nwant\n%s", step, path, code, body, want)
		}
	}
	check("rewriting on", "/vod/index.m3u8", rewritten)
	check("a segment it names", "/vod/1.ts", "web /base/vod/1.ts")
	check("S3, rewriting on", "/s3/index.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n/s3/1.ts\n#EXT-X-ENDLIST\n")
	check("the S3 segment it names", "/s3/1.ts", "s3 segment")
	check("refreshed", "/vod/index.m3u8", rewritten)
	reload(false)
	check("after a reload turning it off", "/vod/index.m3u8", asSent)
	reload(true)
	check("after a reload turning it on", "/vod/index.m3u8", rewritten)
	if m := scrape(t, e.admin); !strings.Contains(m, `streamedge_manifest_rewrites_total{result="rewritten"} 4`) {
		t.Errorf("metrics lack streamedge_manifest_rewrites_total{result=\"rewritten\"} 4:\n%s", grepLines(m, "manifest_rewrites"))
	}
}

// TestRewriteOriginURLsFlag: in flag mode -rewrite-origin-urls makes
// manifests' -origin URIs (under its base path) edge paths; off by default
// the manifest is served as sent; with -config the flag is refused (the
// file's media.rewrite governs).
func TestRewriteOriginURLsFlag(t *testing.T) {
	var originURL string
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprintf(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n%s/base/v/1.ts\n#EXT-X-ENDLIST\n", originURL)
	}))
	defer o.Close()
	originURL = o.URL
	asSent := fmt.Sprintf("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n%s/base/v/1.ts\n#EXT-X-ENDLIST\n", o.URL)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, asSent},
		{[]string{"-rewrite-origin-urls"}, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n/v/1.ts\n#EXT-X-ENDLIST\n"},
	} {
		e := startEdge(t, append([]string{"-origin", o.URL + "/base"}, tc.args...)...)
		if code, body, _ := get(t, e.edge+"/v/index.m3u8"); code != 200 || body != tc.want {
			t.Errorf("%v: %d\n%s\nwant\n%s", tc.args, code, body, tc.want)
		}
		_ = e.stop()
	}
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	writeFile(t, cfgPath, "default_behavior: {origin: o}\norigins: {o: {url: http://127.0.0.1:1}}\n")
	var stderr strings.Builder
	if _, err := parseFlags("serve", []string{"-config", cfgPath, "-rewrite-origin-urls"}, &stderr); err == nil ||
		!strings.Contains(stderr.String(), "-rewrite-origin-urls and -config") {
		t.Errorf("-rewrite-origin-urls with -config: err %v, stderr %q", err, stderr.String())
	}
}
