package edge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plainNginxConf is a static nginx origin without gzip, logging every
// request (one line each) so the test can count origin fetches.
const plainNginxConf = `daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/tmp;
    proxy_temp_path       %[1]s/tmp;
    fastcgi_temp_path     %[1]s/tmp;
    uwsgi_temp_path       %[1]s/tmp;
    scgi_temp_path        %[1]s/tmp;
    types {
        application/vnd.apple.mpegurl m3u8;
        application/dash+xml          mpd;
        video/mp2t                    ts;
    }
    gzip off;
    server {
        listen 127.0.0.1:%[2]d;
        root %[1]s/www;
        add_header Cache-Control "max-age=60";
    }
}
`

// startPlainNginx runs nginx (no gzip) over files (path → body) and returns
// its URL and a function counting the requests it logged for a path.
func startPlainNginx(t *testing.T, files map[string]string) (string, func(string) int) {
	t.Helper()
	ensureNginx(t)
	dir := t.TempDir()
	for p, body := range files {
		writeFile(t, filepath.Join(dir, "www", p), body)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	conf := filepath.Join(dir, "nginx.conf")
	writeFile(t, conf, fmt.Sprintf(plainNginxConf, dir, port))
	addr := runNginx(t, nginxBin, dir, conf, port)
	count := func(path string) int {
		b, _ := os.ReadFile(filepath.Join(dir, "access.log")) // nginx writes each line unbuffered
		return strings.Count(string(b), "GET "+path+" ")
	}
	return "http://" + addr, count
}

// TestNginxPlainOriginCompressedAtTheEdge: a real nginx origin without gzip
// serves a playlist, an MPD and a real TS segment. Clients of every class
// get the manifests in their coding (decoding to nginx's bytes exactly,
// nginx's strong ETag weakened on compressed copies), each manifest from
// one nginx request; the segment is never compressed.
func TestNginxPlainOriginCompressedAtTheEdge(t *testing.T) {
	t.Parallel()
	playlist, mpd := bigPlaylist(), readFixture(t, "../manifest/testdata/static.mpd")
	segment := readFixture(t, "../player-test/testorigin/testdata/hls_ts/240p/seg_000.ts")
	url, count := startPlainNginx(t, map[string]string{
		"vod/index.m3u8": playlist, "dash/static.mpd": mpd, "vod/seg_000.ts": segment,
	})
	e := newTestEdge(t, url, edgeOpts{compress: true})
	for path, want := range map[string]string{"/vod/index.m3u8": playlist, "/dash/static.mpd": mpd, "/vod/seg_000.ts": segment} {
		for _, c := range compressClients {
			r := e.get(t, "GET", path, "Accept-Encoding", c.accept)
			if r.status != 200 {
				t.Fatalf("%s for %q: %d", path, c.accept, r.status)
			}
			wantCE := c.want
			if strings.HasSuffix(path, ".ts") {
				wantCE = ""
			}
			if ce := r.header.Get("Content-Encoding"); ce != wantCE {
				t.Fatalf("%s for %q: Content-Encoding %q, want %q", path, c.accept, ce, wantCE)
			}
			if decodeAs(t, r) != want {
				t.Fatalf("%s for %q: body differs from nginx's", path, c.accept)
			}
			if etag := r.header.Get("ETag"); strings.HasPrefix(etag, "W/") != (wantCE != "") {
				t.Fatalf("%s for %q: ETag %s", path, c.accept, etag)
			}
		}
		if n := count(path); n != 1 {
			t.Fatalf("%s: nginx served %d requests for %d clients, want 1", path, n, len(compressClients))
		}
	}
}
