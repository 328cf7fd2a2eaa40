package tlsfront

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/quic-go/quic-go/http3"

	"github.com/streamedge/streamedge/tlsfront/certtest"
)

// TestHTTP3ConnectionCap: beyond MaxConns a QUIC connection is closed at once
// (H3_EXCESSIVE_LOAD) and counted; once one ends its place is free again.
func TestHTTP3ConnectionCap(t *testing.T) {
	ca := certtest.NewCA(t)
	certs, err := LoadCerts(pairs(ca.Issue(t, "edge", 1, "edge.test")))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := NewMetrics(prometheus.NewRegistry(), certs)
	srv, err := NewHTTP3(pc, certs, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}), HTTP3Config{MaxConns: 1, IdleTimeout: time.Minute}, m)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	defer srv.Close()
	url := "https://" + srv.Addr().String() + "/"
	first := &http3.Transport{TLSClientConfig: ca.Client("edge.test")}
	if body := h3get(t, first, url); body != "HTTP/3.0" {
		t.Fatalf("first connection: %q", body)
	}
	second := &http3.Transport{TLSClientConfig: ca.Client("edge.test")}
	defer second.Close()
	if resp, err := (&http.Client{Transport: second, Timeout: 5 * time.Second}).Get(url); err == nil {
		resp.Body.Close()
		t.Fatal("a second QUIC connection was served with MaxConns 1")
	}
	// The client may dial again after a refusal, so each refused
	// connection counts once but there may be more than one.
	if n := counterValue(m.quicRefused); n < 1 {
		t.Fatalf("refused connections counted: %v", n)
	}
	first.Close() // ends the first connection
	deadline := time.Now().Add(5 * time.Second)
	for {
		third := &http3.Transport{TLSClientConfig: ca.Client("edge.test")}
		resp, err := (&http.Client{Transport: third, Timeout: 2 * time.Second}).Get(url)
		third.Close()
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the place of a closed connection was not released: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func h3get(t *testing.T, tr http.RoundTripper, url string) string {
	t.Helper()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestAltSvcValueIsNeverWrittenThrough: the preallocated value is shared by
// every response, so a handler adding to the field must not change what the
// next response advertises.
func TestAltSvcValueIsNeverWrittenThrough(t *testing.T) {
	h := AltSvc(8443, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Alt-Svc", "clear")
	}))
	for i := 0; i < 2; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if got := strings.Join(rec.Header().Values("Alt-Svc"), "|"); got != `h3=":8443"; ma=86400|clear` {
			t.Fatalf("response %d: Alt-Svc %q", i, got)
		}
	}
}

func TestHandshakeErrorLogCountsOnlyHandshakes(t *testing.T) {
	m, _ := NewMetrics(nil, nil)
	var out strings.Builder
	l := HandshakeErrorLog(m, &out)
	l.Print("http: TLS handshake error from 127.0.0.1:1234: EOF")
	l.Print("http: superfluous response.WriteHeader call")
	if n := counterValue(m.handshakeErrs); n != 1 || strings.Count(out.String(), "\n") != 2 {
		t.Fatalf("counted %v, passed on %q", n, out.String())
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	_ = c.Write(&m)
	return m.GetCounter().GetValue()
}
