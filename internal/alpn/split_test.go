package alpn_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/internal/alpn"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tlsEdge is a real edge on -tls-listen's split: h2 to net/http, HTTP/1.1 to
// fasthttp, with httptest's certificate.
func tlsEdge(t *testing.T) (addr string, roots *x509.CertPool, log *syncBuf, reg *prometheus.Registry) {
	t.Helper()
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = io.WriteString(w, "segment "+r.URL.Path)
	}))
	t.Cleanup(o.Close)
	u, _ := url.Parse(o.URL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	log = &syncBuf{}
	h, err := edge.New(edge.Config{Store: segments.New(segments.Config{MaxBytes: 256 << 20}), Origin: oc,
		Keys: cachekey.New(cachekey.Config{}), Policy: freshness.Config{DefaultTTL: time.Hour}, Registry: prometheus.NewRegistry(),
		AccessLog: log})
	if err != nil {
		t.Fatal(err)
	}
	certSrv := httptest.NewUnstartedServer(nil)
	certSrv.StartTLS()
	cert := certSrv.TLS.Certificates
	roots = x509.NewCertPool()
	roots.AddCert(certSrv.Certificate())
	certSrv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg = prometheus.NewRegistry()
	h2ln, h1ln, err := alpn.Split(ln, &tls.Config{Certificates: cert, NextProtos: []string{"h2", "http/1.1"}},
		alpn.Options{HandshakeTimeout: 500 * time.Millisecond, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	netSrv := &http.Server{Handler: h}
	fastSrv := edge.NewFastServer(h.ServeFastHTTP, edge.FastServerConfig{IdleTimeout: time.Second})
	go func() { _ = netSrv.Serve(h2ln) }()
	go func() { _ = fastSrv.Serve(h1ln) }()
	t.Cleanup(func() { _ = netSrv.Close(); _ = fastSrv.Shutdown(); _ = h1ln.Close() })
	return ln.Addr().String(), roots, log, reg
}

// connections reads streamedge_tls_connections_total{protocol}.
func connections(t *testing.T, reg *prometheus.Registry, protocol string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if mf.GetName() == "streamedge_tls_connections_total" && m.GetLabel()[0].GetValue() == protocol {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestSplitSendsEachProtocolToItsFrontEnd: over one TLS port an HTTP/2
// client is served by net/http and an HTTP/1.1 client by fasthttp, with the
// same cached answer; the access log says which.
func TestSplitSendsEachProtocolToItsFrontEnd(t *testing.T) {
	addr, roots, log, reg := tlsEdge(t)
	for _, tc := range []struct {
		name        string
		h2          bool
		proto, logs string
		metric      string
	}{
		{"http2_to_net", true, "HTTP/2.0", `"proto":"HTTP/2.0","front":"net"`, "h2"},
		{"http1_to_fasthttp", false, "HTTP/1.1", `"proto":"HTTP/1.1","front":"fasthttp"`, "http/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: tc.h2}
			if !tc.h2 {
				tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
			}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("https://" + addr + "/v/seg.ts")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.Proto != tc.proto || resp.StatusCode != 200 || string(b) != "segment /v/seg.ts" {
				t.Fatalf("%s %d %q", resp.Proto, resp.StatusCode, b)
			}
			if !strings.Contains(log.String(), tc.logs) {
				t.Fatalf("access log lacks %s:\n%s", tc.logs, log.String())
			}
			if n := connections(t, reg, tc.metric); n != 1 {
				t.Fatalf("streamedge_tls_connections_total{protocol=%q} = %v, want 1", tc.metric, n)
			}
		})
	}
}

// TestSplitDropsStalledAndPlainHandshakes: a client that never completes a
// handshake is closed after the handshake timeout, plain HTTP at once;
// neither reaches a front end.
func TestSplitDropsStalledAndPlainHandshakes(t *testing.T) {
	addr, _, log, reg := tlsEdge(t)
	for _, send := range []string{"", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, send)
		_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
		start := time.Now()
		_, err = io.ReadAll(c)
		c.Close()
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("send %q: connection held %s past the 500ms handshake timeout", send, time.Since(start))
		}
	}
	if log.String() != "" {
		t.Fatalf("a failed handshake reached a front end: %s", log.String())
	}
	// Counted as the split gives the connection up, which may be a moment
	// after the client saw it closed.
	n := connections(t, reg, "handshake_failed")
	for deadline := time.Now().Add(2 * time.Second); n < 2 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		n = connections(t, reg, "handshake_failed")
	}
	if n != 2 {
		t.Fatalf("handshake_failed = %v, want 2", n)
	}
}
