package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/manifest"
)

const nginxBin = "/usr/sbin/nginx"

// nginxConf is a static origin with gzip for HLS and DASH, as commonly
// deployed: gzip_proxied any, since nginx compresses nothing for a request
// carrying Via (every edge fill) otherwise.
const nginxConf = `daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/tmp/client_body;
    proxy_temp_path       %[1]s/tmp/proxy;
    fastcgi_temp_path     %[1]s/tmp/fastcgi;
    uwsgi_temp_path       %[1]s/tmp/uwsgi;
    scgi_temp_path        %[1]s/tmp/scgi;
    types {
        application/vnd.apple.mpegurl m3u8;
        application/dash+xml          mpd;
        video/mp2t                    ts;
        video/mp4                     mp4 m4s;
    }
    gzip on;
    gzip_types application/vnd.apple.mpegurl application/x-mpegurl application/dash+xml;
    gzip_min_length 0;
    gzip_proxied any;
    gzip_vary %[3]s;
    server {
        listen 127.0.0.1:%[2]d;
        root %[1]s/www;
        add_header Cache-Control "max-age=60";
    }
}
`

const testMPD = `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static"
     mediaPresentationDuration="PT12S" minBufferTime="PT2S">
  <Period id="0" start="PT0S">
    <AdaptationSet mimeType="video/mp4" segmentAlignment="true">
      <Representation id="240p" bandwidth="400000" codecs="avc1.42c015" width="426" height="240">
        <SegmentTemplate timescale="1000" duration="2000" startNumber="0"
                         initialization="$RepresentationID$/init.mp4" media="$RepresentationID$/seg_00$Number$.m4s"/>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`

// startNginx runs a real nginx origin over copies of the test fixtures and
// returns its URL. It installs nginx with apt-get when missing and root, and
// skips when it can do neither.
func startNginx(t *testing.T, gzipVary bool) string {
	t.Helper()
	ensureNginx(t)
	dir := t.TempDir()
	fixtures := filepath.Join("..", "player-test", "testorigin", "testdata")
	for _, f := range [][2]string{
		{"hls_ts/240p/index.m3u8", "hls/240p/index.m3u8"},
		{"hls_ts/240p/seg_000.ts", "hls/240p/seg_000.ts"},
		{"fmp4/240p/init.mp4", "dash/240p/init.mp4"},
	} {
		copyFile(t, filepath.Join(fixtures, f[0]), filepath.Join(dir, "www", f[1]))
	}
	writeFile(t, filepath.Join(dir, "www", "hls", "master.m3u8"),
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240\n240p/index.m3u8\n")
	writeFile(t, filepath.Join(dir, "www", "dash", "manifest.mpd"), testMPD)
	for _, d := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		if err := os.MkdirAll(filepath.Join(dir, "tmp", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	port := freePort(t)
	vary := map[bool]string{true: "on", false: "off"}[gzipVary]
	conf := filepath.Join(dir, "nginx.conf")
	writeFile(t, conf, fmt.Sprintf(nginxConf, dir, port, vary))
	addr := runNginx(t, nginxBin, dir, conf, port)
	return "http://" + addr
}

func ensureNginx(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(nginxBin); err == nil {
		return
	}
	if os.Geteuid() != 0 {
		t.Skipf("%s is missing and the test is not root: apt-get install nginx to run it", nginxBin)
	}
	apt := func(args ...string) error {
		cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=600", "-qq"}, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %v: %w: %s", args, err, out)
		}
		return nil
	}
	err := apt("install", "-y", "--no-install-recommends", "nginx")
	if err != nil {
		err = errors.Join(err, apt("update"), apt("install", "-y", "--no-install-recommends", "nginx"))
	}
	if _, statErr := os.Stat(nginxBin); statErr != nil {
		t.Fatalf("installing nginx: %v", err)
	}
}

// freePort is a loopback port free a moment ago, below Linux's ephemeral
// range (32768-60999) so that no connection's local port takes it before
// nginx binds it.
func freePort(t *testing.T) int {
	t.Helper()
	for range 1000 {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000)))
		if err == nil {
			defer l.Close()
			return l.Addr().(*net.TCPAddr).Port
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return 0
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(b))
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNginxGzipOriginThroughEdge: a real nginx origin with gzip_types for
// HLS and DASH. Identity, gzip and br clients all get a valid playlist and
// MPD; gzip and br clients get gzip with Vary: Accept-Encoding (added by the
// edge when nginx's gzip_vary is off), identity clients get identity; the
// second round is served from the cache.
func TestNginxGzipOriginThroughEdge(t *testing.T) {
	t.Parallel()
	for _, gzipVary := range []bool{true, false} {
		t.Run(fmt.Sprintf("gzip_vary_%v", gzipVary), func(t *testing.T) {
			t.Parallel()
			e := newTestEdge(t, startNginx(t, gzipVary), edgeOpts{})
			clients := []struct{ class, accept string }{
				{"gzip", "gzip, deflate"}, {"br", "gzip, deflate, br"}, {"", ""}, {"", "identity"},
			}
			for _, path := range []string{"/hls/master.m3u8", "/hls/240p/index.m3u8", "/dash/manifest.mpd"} {
				format := manifest.Detect("", path)
				for round := range 2 {
					for _, c := range clients {
						r := e.get(t, "GET", path, "Accept-Encoding", c.accept)
						if r.status != 200 {
							t.Fatalf("%s for %q client: %d %q", path, c.accept, r.status, trunc(r.body))
						}
						body := decodeResponse(t, r, c.class)
						if _, err := manifest.Parse(format, []byte(body)); err != nil {
							t.Fatalf("%s for %q client: invalid manifest: %v", path, c.accept, err)
						}
						ce := r.header.Get("Content-Encoding")
						if (c.class == "") != (ce == "") || (c.class != "" && ce != "gzip") {
							t.Fatalf("%s for %q client: Content-Encoding %q", path, c.accept, ce)
						}
						if vary := strings.Join(r.header.Values("Vary"), ","); !strings.Contains(vary, "Accept-Encoding") {
							t.Fatalf("%s for %q client: Vary %q", path, c.accept, vary)
						}
						if round == 1 {
							wantCache(t, r, "Hit")
						}
					}
				}
			}
			seg := e.get(t, "GET", "/hls/240p/seg_000.ts", "Accept-Encoding", "gzip")
			if seg.status != 200 || seg.header.Get("Content-Encoding") != "" || len(seg.body) < 1000 {
				t.Fatalf("segment: %d %q %d bytes", seg.status, seg.header.Get("Content-Encoding"), len(seg.body))
			}
		})
	}
}

// runNginx starts nginx with conf (prefix dir) until the test ends and
// waits until it listens on port; it returns the address.
func runNginx(t *testing.T, bin, dir, conf string, port int) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting nginx: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not listen on %s: %s", addr, log)
		}
	}
}
