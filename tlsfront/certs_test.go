package tlsfront

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/tlsfront/certtest"
)

// serveTLS serves h over TLS with certs' configuration on a real loopback
// listener and returns its address.
func serveTLS(t *testing.T, certs *Certs, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, TLSConfig: certs.Config(), Protocols: Protocols(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// servedSerial dials addr with SNI name (none when "") and returns the
// serial number of the certificate the server presented.
func servedSerial(t *testing.T, ca *certtest.CA, addr, name string) int64 {
	t.Helper()
	cfg := ca.Client(name)
	if name == "" {
		cfg.InsecureSkipVerify = true // no name to verify against; only the choice is under test
	}
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("dial %q: %v", name, err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

func pairs(ps ...certtest.Pair) []Pair {
	out := make([]Pair, len(ps))
	for i, p := range ps {
		out[i] = Pair{CertFile: p.CertFile, KeyFile: p.KeyFile}
	}
	return out
}

func TestSNIPicksTheCertificateForTheName(t *testing.T) {
	ca := certtest.NewCA(t)
	a := ca.Issue(t, "a", 101, "a.test")
	b := ca.Issue(t, "b", 102, "b.test", "*.live.b.test")
	certs, err := LoadCerts(pairs(a, b))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, certs, http.NotFoundHandler())
	for _, tc := range []struct {
		name, sni string
		want      int64
	}{
		{"exact_first", "a.test", 101},
		{"exact_second", "b.test", 102},
		{"case_insensitive", "B.Test", 102},
		{"wildcard_one_label", "eu.live.b.test", 102},
		{"no_sni_gets_the_default", "", 101},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := servedSerial(t, ca, addr, tc.sni); got != tc.want {
				t.Fatalf("SNI %q: served serial %d, want %d", tc.sni, got, tc.want)
			}
		})
	}
	// An unknown name gets the default, which the client then refuses.
	if _, err := tls.Dial("tcp", addr, ca.Client("other.test")); err == nil || !strings.Contains(err.Error(), "a.test") {
		t.Fatalf("unknown name: %v, want a verification error naming the default a.test", err)
	}
}

func TestLoadCertsRefusesBadPairs(t *testing.T) {
	ca := certtest.NewCA(t)
	good := ca.Issue(t, "good", 1, "a.test")
	other := ca.Issue(t, "other", 2, "b.test")
	expired := ca.IssueValid(t, "expired", 3, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour), "c.test")
	garbage := t.TempDir() + "/garbage.pem"
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		pairs []Pair
		want  string
	}{
		{"none", nil, "no certificate"},
		{"missing_file", []Pair{{"/nonexistent.crt", good.KeyFile}}, "no such file"},
		{"key_of_another_cert", []Pair{{good.CertFile, other.KeyFile}}, "private key does not match"},
		{"not_pem", []Pair{{garbage, good.KeyFile}}, "failed to find any PEM data"},
		{"expired", []Pair{{expired.CertFile, expired.KeyFile}}, "expired at"},
		{"one_bad_of_two", []Pair{{good.CertFile, good.KeyFile}, {other.CertFile, good.KeyFile}}, other.CertFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCerts(tc.pairs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestReloadSwapsCertificateForNewConnectionsOnly: after Reload a new
// connection gets the new certificate while a keep-alive connection opened
// before goes on serving requests.
func TestReloadSwapsCertificateForNewConnectionsOnly(t *testing.T) {
	ca := certtest.NewCA(t)
	p := ca.Issue(t, "edge", 1, "edge.test")
	certs, err := LoadCerts(pairs(p))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, certs, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }))
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: ca.Client("edge.test")}}
	if serial, _ := request(t, old, addr); serial != 1 {
		t.Fatalf("before reload: serial %d", serial)
	}
	ca.Issue(t, "edge", 2, "edge.test") // the files are replaced, as a renewal would
	if err := certs.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := servedSerial(t, ca, addr, "edge.test"); got != 2 {
		t.Fatalf("new connection after reload: serial %d, want 2", got)
	}
	if serial, reused := request(t, old, addr); serial != 1 || !reused {
		t.Fatalf("open connection after reload: serial %d reused %v, want the old connection (serial 1) still serving", serial, reused)
	}
}

func TestBadReloadKeepsTheOldCertificate(t *testing.T) {
	ca := certtest.NewCA(t)
	p := ca.Issue(t, "edge", 1, "edge.test")
	certs, err := LoadCerts(pairs(p))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, certs, http.NotFoundHandler())
	other := ca.Issue(t, "other", 9, "edge.test")
	key, _ := os.ReadFile(other.KeyFile)
	if err := os.WriteFile(p.KeyFile, key, 0o600); err != nil { // a key that is not the certificate's
		t.Fatal(err)
	}
	err = certs.Reload()
	if err == nil || !strings.Contains(err.Error(), p.CertFile) {
		t.Fatalf("reload with a mismatched key: %v, want an error naming %s", err, p.CertFile)
	}
	if got := servedSerial(t, ca, addr, "edge.test"); got != 1 {
		t.Fatalf("after a refused reload: serial %d, want the old certificate (1)", got)
	}
	var m *Metrics
	m.CountReload(errors.New("nil metrics count nothing")) // must not panic
}

// request GETs / on addr with c and reports the served certificate's serial
// and whether the connection was reused.
func request(t *testing.T, c *http.Client, addr string) (serial int64, reused bool) {
	t.Helper()
	req, _ := http.NewRequest("GET", "https://"+addr+"/", nil)
	req.Host = "edge.test"
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.TLS.PeerCertificates[0].SerialNumber.Int64(), reused
}

// TestSessionResumption: the listener's configuration issues session
// tickets, so a returning client resumes without a full handshake, over
// TLS 1.3 and TLS 1.2 alike (players reconnect often; a full handshake per
// reconnect costs a round trip and the server's signature).
func TestSessionResumption(t *testing.T) {
	ca := certtest.NewCA(t)
	certs, err := LoadCerts(pairs(ca.Issue(t, "a", 1, "a.test")))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveTLS(t, certs, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	for _, tc := range []struct {
		name string
		max  uint16
	}{{"tls13", tls.VersionTLS13}, {"tls12", tls.VersionTLS12}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ca.Client("a.test")
			cfg.MaxVersion, cfg.ClientSessionCache = tc.max, tls.NewLRUClientSessionCache(4)
			for i, want := range []bool{false, true} {
				c, err := tls.Dial("tcp", addr, cfg)
				if err != nil {
					t.Fatal(err)
				}
				// A request and its answer: TLS 1.3 tickets arrive after the handshake.
				_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")
				_, _ = io.ReadAll(c)
				st := c.ConnectionState()
				_ = c.Close()
				if st.DidResume != want {
					t.Fatalf("connection %d: resumed %v, want %v", i+1, st.DidResume, want)
				}
			}
		})
	}
}
