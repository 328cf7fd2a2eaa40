package distribution

import "testing"

// TestBuildRoutesRewriteOriginHosts: media.rewrite.edge_relative makes a
// route's mapper for the behavior's origin as its manifests name it: an
// HTTP origin's host under its base path (removed), a virtual-hosted S3
// bucket's host, a path-style bucket's endpoint under /bucket, both
// members of a group, and the listed hosts (the primary's base path);
// behaviors without it have no mapper.
func TestBuildRoutesRewriteOriginHosts(t *testing.T) {
	d := build(t, `origins:
  web: {url: "http://packager.example.com:80/base"}
  backup: {url: "https://backup.example.com:8443"}
s3_origins:
  vhost: {bucket: media, region: eu-west-1, access_key_id: AKIAEXAMPLE, secret_access_key: secret}
  pathstyle: {bucket: media, region: us-east-1, endpoint: "http://127.0.0.1:9000", url_style: path, access_key_id: AKIAEXAMPLE, secret_access_key: secret}
origin_groups:
  pair: {primary: web, secondary: backup}
behaviors:
  - path: /web/*
    origin: web
    media: {rewrite: {edge_relative: true, hosts: [cdn-origin.example.com]}}
  - path: /vhost/*
    origin: vhost
    media: {rewrite: {edge_relative: true}}
  - path: /path/*
    origin: pathstyle
    media: {rewrite: {edge_relative: true}}
  - path: /pair/*
    origin: pair
    media: {rewrite: {edge_relative: true}}
  - path: /off/*
    origin: web
    media: {rewrite: {edge_relative: false}}
default_behavior:
  origin: web
`)
	for _, tc := range []struct{ route, in, want string }{
		{"/web/a.m3u8", "http://packager.example.com/base/web/1.ts", "/web/1.ts"},
		{"/web/a.m3u8", "http://packager.example.com:80/base/web/1.ts", "/web/1.ts"},
		{"/web/a.m3u8", "http://packager.example.com/other/1.ts", "http://packager.example.com/other/1.ts"}, // outside the base path
		{"/web/a.m3u8", "https://cdn-origin.example.com/base/web/1.ts", "/web/1.ts"},                        // a listed host
		{"/web/a.m3u8", "https://backup.example.com:8443/web/1.ts", "https://backup.example.com:8443/web/1.ts"},
		{"/vhost/a.m3u8", "https://media.s3.eu-west-1.amazonaws.com/vhost/1.ts", "/vhost/1.ts"},
		{"/vhost/a.m3u8", "https://s3.eu-west-1.amazonaws.com/media/vhost/1.ts", "https://s3.eu-west-1.amazonaws.com/media/vhost/1.ts"},
		{"/path/a.m3u8", "http://127.0.0.1:9000/media/path/1.ts", "/path/1.ts"},
		{"/pair/a.m3u8", "http://packager.example.com/base/pair/1.ts", "/pair/1.ts"},
		{"/pair/a.m3u8", "https://backup.example.com:8443/pair/1.ts", "/pair/1.ts"},
	} {
		rt := d.Routes.Select(tc.route)
		if rt.Rewrite == nil {
			t.Fatalf("%s: no mapper", rt.Name)
		}
		if got, _ := rt.Rewrite(tc.in); got != tc.want {
			t.Errorf("%s: %q → %q, want %q", rt.Name, tc.in, got, tc.want)
		}
	}
	for _, path := range []string{"/off/a.m3u8", "/a.m3u8"} {
		if d.Routes.Select(path).Rewrite != nil {
			t.Errorf("%s: a mapper without edge_relative: true", path)
		}
	}
}
