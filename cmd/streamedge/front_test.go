package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"

	"github.com/streamedge/streamedge/tlsfront/certtest"
)

// countingOrigin serves "segment PATH" (cacheable) and counts requests per path.
type countingOrigin struct {
	*httptest.Server
	mu sync.Mutex
	n  map[string]int
}

func newCountingOrigin(t *testing.T, delay time.Duration) *countingOrigin {
	o := &countingOrigin{n: map[string]int{}}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.n[r.URL.Path]++
		o.mu.Unlock()
		time.Sleep(delay)
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Type", "video/mp2t")
		_, _ = io.WriteString(w, "segment "+r.URL.Path)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *countingOrigin) count(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[path]
}

// tlsEdge is the edge as serve wires it, with -tls-listen on loopback and
// certificates for a.test (the default) and b.test.
type tlsEdge struct {
	*running
	ca      *certtest.CA
	a, b    certtest.Pair
	tlsAddr string // 127.0.0.1:PORT, TCP and UDP
	origin  *countingOrigin
}

var tlsListenLog = regexp.MustCompile(`tls_listen=(\S+)`)

func startTLSEdge(t *testing.T, delay time.Duration, args ...string) *tlsEdge {
	t.Helper()
	e := &tlsEdge{ca: certtest.NewCA(t), origin: newCountingOrigin(t, delay)}
	e.a = e.ca.Issue(t, "a", 1, "a.test")
	e.b = e.ca.Issue(t, "b", 2, "b.test")
	// Both spellings of several pairs: a comma list and a repeated flag.
	e.running = startEdge(t, append([]string{"-origin", e.origin.URL, "-tls-listen", "127.0.0.1:0",
		"-tls-cert", e.a.CertFile + "," + e.b.CertFile, "-tls-key", e.a.KeyFile, "-tls-key", e.b.KeyFile}, args...)...)
	m := tlsListenLog.FindStringSubmatch(e.stderr.String())
	if m == nil {
		t.Fatalf("no tls_listen in the start log: %s", e.stderr.String())
	}
	e.tlsAddr = m[1]
	return e
}

// client speaks HTTPS to the edge for name: HTTP/2 when h2, else HTTP/1.1.
func (e *tlsEdge) client(name string, h2 bool) *http.Client {
	p := new(http.Protocols)
	p.SetHTTP1(!h2)
	p.SetHTTP2(h2)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: e.ca.Client(name), Protocols: p}, Timeout: 10 * time.Second}
}

func (e *tlsEdge) h3client(name string) *http.Client {
	tr := &http3.Transport{TLSClientConfig: e.ca.Client(name)}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// fetch GETs path over c and returns the response with its body read.
func fetch(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: body: %v", url, err)
	}
	return resp, string(b)
}

// metric is the value of one series on the admin listener (-1 when absent).
func metric(t *testing.T, e *running, series string) float64 {
	t.Helper()
	_, body, _ := get(t, e.admin+"/metrics")
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

func TestHTTPSAndHTTP2ServeTheCacheAsWired(t *testing.T) {
	e := startTLSEdge(t, 0)
	wantAltSvc := `h3=":` + e.tlsAddr[strings.LastIndex(e.tlsAddr, ":")+1:] + `"; ma=86400`
	if _, _, hdr := get(t, e.edge+"/plain.ts"); hdr.Get("Alt-Svc") != wantAltSvc {
		t.Fatalf("plain listener Alt-Svc %q, want %q", hdr.Get("Alt-Svc"), wantAltSvc)
	}
	for _, tc := range []struct {
		name  string
		h2    bool
		proto string
	}{{"http1.1_over_tls", false, "HTTP/1.1"}, {"http2_by_alpn", true, "HTTP/2.0"}} {
		t.Run(tc.name, func(t *testing.T) {
			c, path := e.client("a.test", tc.h2), "/"+tc.name+".ts"
			for i, want := range []string{"Miss", "Hit"} {
				resp, body := fetch(t, c, "https://"+e.tlsAddr+path)
				if resp.StatusCode != 200 || body != "segment "+path || resp.Proto != tc.proto {
					t.Fatalf("request %d: %d %q over %s, want 200 over %s", i, resp.StatusCode, body, resp.Proto, tc.proto)
				}
				if !strings.HasPrefix(resp.Header.Get("X-Cache"), want) || resp.Header.Get("Alt-Svc") != wantAltSvc {
					t.Fatalf("request %d: X-Cache %q Alt-Svc %q", i, resp.Header.Get("X-Cache"), resp.Header.Get("Alt-Svc"))
				}
			}
			if n := e.origin.count(path); n != 1 {
				t.Fatalf("origin requests for %s: %d, want 1", path, n)
			}
		})
	}
	if v := metric(t, e.running, `streamedge_requests_by_protocol_total{proto="HTTP/2.0"}`); v != 2 {
		t.Fatalf("HTTP/2 requests counted: %v, want 2", v)
	}
	// No h2c: HTTP/2 with prior knowledge on the plain listener is refused.
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: p}, Timeout: 5 * time.Second}
	if resp, err := h2c.Get(e.edge + "/h2c.ts"); err == nil {
		resp.Body.Close()
		t.Fatalf("h2c on -listen answered %s %d", resp.Proto, resp.StatusCode)
	}
}

func TestSNIChoosesTheCertificateAsWired(t *testing.T) {
	e := startTLSEdge(t, 0, "-http3=false")
	for _, tc := range []struct {
		sni  string
		want int64
	}{{"a.test", e.a.Serial}, {"b.test", e.b.Serial}} {
		resp, _ := fetch(t, e.client(tc.sni, true), "https://"+e.tlsAddr+"/x.ts")
		if got := resp.TLS.PeerCertificates[0].SerialNumber.Int64(); got != tc.want {
			t.Fatalf("SNI %s: certificate serial %d, want %d", tc.sni, got, tc.want)
		}
		if resp.TLS.Version < tls.VersionTLS12 || resp.Header.Get("Alt-Svc") != "" {
			t.Fatalf("SNI %s: TLS version %x, Alt-Svc %q with -http3=false", tc.sni, resp.TLS.Version, resp.Header.Get("Alt-Svc"))
		}
	}
	old := e.ca.Client("a.test")
	old.MaxVersion = tls.VersionTLS11
	if c, err := tls.Dial("tcp", e.tlsAddr, old); err == nil {
		c.Close()
		t.Fatal("a TLS 1.1 client was accepted")
	}
}

func TestHTTP3ServesTheCacheAsWired(t *testing.T) {
	dir := t.TempDir()
	e := startTLSEdge(t, 0, "-access-log", filepath.Join(dir, "access.log"))
	_, _, _ = get(t, e.edge+"/seg1.ts") // filled over HTTP/1.1
	h3 := e.h3client("a.test")
	resp, body := fetch(t, h3, "https://"+e.tlsAddr+"/seg1.ts")
	if resp.StatusCode != 200 || resp.Proto != "HTTP/3.0" || body != "segment /seg1.ts" ||
		!strings.HasPrefix(resp.Header.Get("X-Cache"), "Hit") {
		t.Fatalf("HTTP/3: %d %s %q X-Cache %q", resp.StatusCode, resp.Proto, body, resp.Header.Get("X-Cache"))
	}
	if resp.Header.Get("Alt-Svc") != "" {
		t.Fatalf("HTTP/3 response advertises itself: %q", resp.Header.Get("Alt-Svc"))
	}
	if resp, body = fetch(t, h3, "https://"+e.tlsAddr+"/seg2.ts"); body != "segment /seg2.ts" || e.origin.count("/seg2.ts") != 1 {
		t.Fatalf("HTTP/3 miss: %q, origin %d", body, e.origin.count("/seg2.ts"))
	}
	// A refusal carries Connection: close, which HTTP/3 forbids: it is dropped,
	// and the client reads the 400.
	req, _ := http.NewRequest("GET", "https://"+e.tlsAddr+"/body.ts", strings.NewReader("x"))
	if resp, err := h3.Do(req); err != nil || resp.StatusCode != 400 {
		t.Fatalf("GET with a body over HTTP/3: %v %v, want a 400", resp, err)
	} else {
		resp.Body.Close()
	}
	if v := metric(t, e.running, `streamedge_requests_by_protocol_total{proto="HTTP/3.0"}`); v != 3 {
		t.Fatalf("HTTP/3 requests counted: %v, want 2", v)
	}
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "access.log"))
	for _, proto := range []string{`"proto":"HTTP/1.1"`, `"proto":"HTTP/3.0"`} {
		found := false
		for _, line := range strings.Split(string(log), "\n") {
			found = found || strings.Contains(line, `"method":"GET","uri":"/seg1.ts"`) && strings.Contains(line, proto)
		}
		if !found {
			t.Fatalf("access log lacks a GET /seg1.ts line with %s:\n%s", proto, log)
		}
	}
}

// TestHTTP3DrainsOnShutdown: SIGTERM lets an HTTP/3 request in flight finish.
func TestHTTP3DrainsOnShutdown(t *testing.T) {
	e := startTLSEdge(t, 500*time.Millisecond, "-listen", "off")
	done := make(chan string, 1)
	go func() {
		resp, err := e.h3client("a.test").Get("https://" + e.tlsAddr + "/slow.ts")
		if err != nil {
			done <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- string(b)
	}()
	waitFor(t, "the request at the origin", func() bool { return e.origin.count("/slow.ts") > 0 })
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != "segment /slow.ts" {
		t.Fatalf("in-flight HTTP/3 request across shutdown: %q", got)
	}
}

func TestHTTPSOnlyWithListenOff(t *testing.T) {
	e := startTLSEdge(t, 0, "-listen", "off")
	if "http://"+e.tlsAddr != e.edge {
		t.Fatalf("with -listen off the edge address is %s, want the TLS one %s", e.edge, e.tlsAddr)
	}
	if resp, _ := fetch(t, e.client("b.test", true), "https://"+e.tlsAddr+"/x.ts"); resp.StatusCode != 200 {
		t.Fatalf("HTTPS only: %d", resp.StatusCode)
	}
	if !strings.Contains(e.stderr.String(), `listen=`+e.tlsAddr) {
		t.Fatalf("start log: %s", e.stderr.String())
	}
}

// TestSIGHUPReloadKeepsOpenConnections: SIGHUP swaps the certificate for new
// connections (TCP and QUIC), HTTP/1.1, HTTP/2 and HTTP/3 connections opened before
// keep serving, and a bad pair is refused, logged and counted while the
// current one serves on.
func TestSIGHUPReloadKeepsOpenConnections(t *testing.T) {
	e := startTLSEdge(t, 0)
	// HTTP/1.1 (fasthttp, behind the ALPN split), HTTP/2 and HTTP/3, each
	// on a keep-alive connection opened before the reload.
	old1, old, oldH3 := e.client("a.test", false), e.client("a.test", true), e.h3client("a.test")
	for _, c := range []*http.Client{old1, old, oldH3} {
		if resp, _ := fetch(t, c, "https://"+e.tlsAddr+"/1.ts"); resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 1 {
			t.Fatalf("%s: not the first certificate", resp.Proto)
		}
	}
	e.ca.Issue(t, "a", 11, "a.test") // renewed in place
	hup(t)
	waitFor(t, "the renewed certificate on a new connection", func() bool { return newSerial(t, e) == 11 })
	for _, c := range []*http.Client{old1, old, oldH3} {
		resp, _ := fetch(t, c, "https://"+e.tlsAddr+"/2.ts")
		if resp.StatusCode != 200 || resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 1 {
			t.Fatalf("%s connection opened before the reload: %d, serial %d", resp.Proto, resp.StatusCode, resp.TLS.PeerCertificates[0].SerialNumber)
		}
	}
	if resp, _ := fetch(t, e.h3client("a.test"), "https://"+e.tlsAddr+"/3.ts"); resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 11 {
		t.Fatal("a new QUIC connection did not get the renewed certificate")
	}
	if err := os.WriteFile(e.a.CertFile, []byte("-----BEGIN CERTIFICATE-----\ntruncated"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup(t)
	waitFor(t, "the refused reload counted", func() bool {
		return metric(t, e.running, `streamedge_tls_cert_reloads_total{result="error"}`) == 1
	})
	if s := newSerial(t, e); s != 11 {
		t.Fatalf("after a refused reload a new connection got serial %d, want 11", s)
	}
	if metric(t, e.running, `streamedge_tls_cert_reloads_total{result="ok"}`) != 1 ||
		!strings.Contains(e.stderr.String(), "certificate reload refused") {
		t.Fatalf("reloads not reported: %s", e.stderr.String())
	}
}

func hup(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

func newSerial(t *testing.T, e *tlsEdge) int64 {
	c, err := tls.Dial("tcp", e.tlsAddr, e.ca.Client("a.test"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestTLSListenerKeepsTheConnectionLimits: the TLS listener sits behind the
// limits listener (a connection over -max-conns-per-ip is refused) and a
// client that never finishes its handshake is cut after -read-header-timeout.
func TestTLSListenerKeepsTheConnectionLimits(t *testing.T) {
	// 2s: long enough that the second client connects while the silent one
	// is still admitted, even on a loaded machine.
	e := startTLSEdge(t, 0, "-http3=false", "-max-conns-per-ip", "1", "-read-header-timeout", "2s")
	idle, err := net.Dial("tcp", e.tlsAddr) // a slowloris: connects, never says hello
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	waitFor(t, "the silent connection admitted", func() bool { return metric(t, e.running, "streamedge_client_connections") == 1 })
	if _, err := e.client("a.test", true).Get("https://" + e.tlsAddr + "/x.ts"); err == nil {
		t.Fatal("a second connection from the same IP was served")
	}
	if v := metric(t, e.running, `streamedge_limit_rejections_total{limit="conns_per_ip"}`); v != 1 {
		t.Fatalf("conns_per_ip rejections: %v", v)
	}
	_ = idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the silent connection was not closed by the handshake timeout: %v", err)
	}
	waitFor(t, "the handshake timeout counted", func() bool {
		return metric(t, e.running, "streamedge_tls_handshake_errors_total") == 1
	})
	c := e.client("a.test", true)
	if resp, _ := fetch(t, c, "https://"+e.tlsAddr+"/x.ts"); resp.StatusCode != 200 {
		t.Fatalf("after the slowloris left: %d", resp.StatusCode)
	}
	c.CloseIdleConnections()
	waitFor(t, "the connection released", func() bool { return metric(t, e.running, "streamedge_client_connections") == 0 })
	// Plain HTTP on the TLS port: a 400 from net/http, counted as a handshake error.
	if code, body, _ := get(t, "http://"+e.tlsAddr+"/x.ts"); code != 400 || !strings.Contains(body, "HTTPS") {
		t.Fatalf("plain HTTP to the TLS port: %d %q", code, body)
	}
	if v := metric(t, e.running, "streamedge_tls_handshake_errors_total"); v != 2 {
		t.Fatalf("handshake errors: %v, want 2", v)
	}
}

func TestCurlHTTPSAndHTTP2(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed")
	}
	if v, _ := exec.Command(curl, "--version").Output(); !strings.Contains(string(v), "HTTP2") {
		t.Skip("this curl has no HTTP/2 support")
	}
	e := startTLSEdge(t, 0, "-http3=false")
	_, port, _ := net.SplitHostPort(e.tlsAddr)
	// --cacert and the name b.test: curl verifies that SNI chose b.test's
	// certificate (the default is a.test's).
	for _, tc := range []struct{ flag, want string }{{"--http1.1", "1.1 200"}, {"--http2", "2 200"}} {
		out, err := exec.Command(curl, "-sS", tc.flag, "--cacert", e.ca.File, "--resolve", "b.test:"+port+":127.0.0.1",
			"-o", os.DevNull, "-w", "%{http_version} %{response_code}", "https://b.test:"+port+"/curl.ts").CombinedOutput()
		if err != nil || string(out) != tc.want {
			t.Fatalf("curl %s: %q (%v), want %q", tc.flag, out, err, tc.want)
		}
	}
}

func TestTLSFlagsRefusedAtStart(t *testing.T) {
	ca := certtest.NewCA(t)
	p := ca.Issue(t, "a", 1, "a.test")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"listen_off_without_tls", []string{"-listen", "off"}, "-listen off needs -tls-listen"},
		{"cert_without_tls_listen", []string{"-tls-cert", p.CertFile, "-tls-key", p.KeyFile}, "need -tls-listen"},
		{"tls_listen_without_cert", []string{"-tls-listen", ":8443"}, "needs -tls-cert and -tls-key"},
		{"key_count_mismatch", []string{"-tls-listen", ":8443", "-tls-cert", p.CertFile + "," + p.CertFile, "-tls-key", p.KeyFile}, "one key per certificate"},
		{"same_address", []string{"-listen", ":8443", "-tls-listen", ":8443", "-tls-cert", p.CertFile, "-tls-key", p.KeyFile}, "the same address as -listen"},
		{"empty_file_name", []string{"-tls-listen", ":8443", "-tls-cert", p.CertFile + ",", "-tls-key", p.KeyFile}, "empty file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			err := run(context.Background(), append([]string{"serve", "-origin", "http://o"}, tc.args...), io.Discard, &stderr)
			if err != errUsage || !strings.Contains(stderr.String(), tc.want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Fatalf("err %v, stderr %q, want one line with %q", err, stderr.String(), tc.want)
			}
		})
	}
	err := run(context.Background(), []string{"serve", "-origin", "http://o", "-listen", "127.0.0.1:0", "-admin", "off",
		"-tls-listen", "127.0.0.1:0", "-tls-cert", p.CertFile, "-tls-key", "/nonexistent.key"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-tls-cert: certificate "+p.CertFile+", key /nonexistent.key") {
		t.Fatalf("unreadable key: %v", err)
	}
}
