package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCertServesHTTP2OnLoopback: the generated certificate is accepted for
// 127.0.0.1 by the warm-up client and negotiates h2 with net/http.
func TestCertServesHTTP2OnLoopback(t *testing.T) {
	cf, err := makeCert(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.TLS = mustTLSConfig(t, cf)
	srv.StartTLS()
	defer srv.Close()
	resp, err := tlsClient(cf).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "HTTP/2.0" {
		t.Fatalf("protocol %q, want HTTP/2.0", b)
	}
	if fi, err := os.Stat(cf.Key); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode: %v %v", fi.Mode(), err)
	}
}

// TestNginxTLSConfigPassesNginxTest renders the shared peers' nginx
// template with the HTTPS listener and has nginx itself check it.
func TestNginxTLSConfigPassesNginxTest(t *testing.T) {
	peers := os.Getenv("BENCH_PEERS_DIR")
	if peers == "" {
		peers = "../../../shared/peers"
	}
	tmpl, err := os.ReadFile(filepath.Join(peers, "nginx.conf.tmpl"))
	if err != nil {
		t.Skipf("no peers' nginx template: %v", err)
	}
	dir := t.TempDir()
	cf, err := makeCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	conf, err := nginxTLSConfig(tmpl, dir, "127.0.0.1:21980", "127.0.0.1:21984", "127.0.0.1:21981", 256, cf, os.Getuid() == 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"listen 127.0.0.1:21980 backlog=4096;", "listen 127.0.0.1:21984 ssl http2",
		"ssl_certificate " + cf.Cert + ";", "max_size=256M", "proxy_cache_lock on;"} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q", want)
		}
	}
	if strings.Contains(conf, "@") {
		t.Errorf("unsubstituted placeholder left:\n%s", conf)
	}
	if _, err := os.Stat(nginxBin); err != nil {
		t.Skipf("no %s to check the config", nginxBin)
	}
	for _, d := range []string{"logs", "tmp", "cache"} {
		_ = os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginxBin, "-t", "-q", "-p", dir+"/", "-c", path, "-e", filepath.Join(dir, "logs/error.log")).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v: %s", err, out)
	}
	if _, err := nginxTLSConfig([]byte("http { server { } }"), dir, "a", "b", "c", 1, cf, false); err == nil {
		t.Error("a template without the listen line must be an error")
	}
}

// TestHelpListsTLSFlag: the HTTPS phase runs only for a streamedge whose
// serve -h lists -tls-listen (as a flag, not in some other flag's text).
func TestHelpListsTLSFlag(t *testing.T) {
	dir := t.TempDir()
	script := func(name, usage string) string {
		p := filepath.Join(dir, name)
		body := "#!/bin/sh\ncat >&2 <<'EOF'\n" + usage + "\nEOF\nexit 2\n"
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	with := script("with", "Usage of serve:\n  -listen string\n    \taddress\n  -tls-listen string\n    \tHTTPS address")
	without := script("without", "Usage of serve:\n  -listen string\n    \tsee -tls-listen in a later version")
	if !helpLists(with, "-tls-listen") {
		t.Error("flag listed, not found")
	}
	if helpLists(without, "-tls-listen") {
		t.Error("flag named in another flag's text counted as listed")
	}
	if helpLists(filepath.Join(dir, "missing"), "-tls-listen") {
		t.Error("a missing binary lists nothing")
	}
}

func mustTLSConfig(t *testing.T, cf certFiles) *tls.Config {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(cf.Cert, cf.Key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, NextProtos: []string{"h2", "http/1.1"}}
}

// TestHTTPSSkipsStreamedgeWithoutTLSFlag: a streamedge build without
// -tls-listen gets a "skipped" HTTPS result and nothing is started (no
// origin: its port is never opened); Varnish and ATS get none.
func TestHTTPSSkipsStreamedgeWithoutTLSFlag(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\necho 'Usage of serve:' >&2\necho '  -listen string' >&2\nexit 2\n"
	if err := os.WriteFile(filepath.Join(dir, "streamedge"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cf, err := makeCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config{Bin: dir, Work: dir, PortBase: 1}
	res := peerHTTPS(t.Context(), cfg, "streamedge", &cf)
	if res == nil || !strings.Contains(res.Skipped, "-tls-listen") || res.H1 != nil || res.Error != "" {
		t.Fatalf("streamedge without TLS: %+v", res)
	}
	if res := peerHTTPS(t.Context(), cfg, "nginx", nil); res == nil || res.Skipped == "" {
		t.Fatalf("no certificate: %+v", res)
	}
	if res := peerHTTPS(t.Context(), cfg, "varnish", &cf); res != nil {
		t.Fatalf("varnish: %+v, want no HTTPS phase", res)
	}
}
