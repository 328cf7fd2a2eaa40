package edge

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
	"github.com/streamedge/streamedge/signedurl"
)

// The signing keys of the signed-route tests: trustedKey's public half is
// in the route's key group under trustedKeyID; otherKey is in none.
const trustedKeyID = "K2JCJMDEHXQW5F"

var (
	signingKeysOnce      sync.Once
	trustedKey, otherKey *rsa.PrivateKey
)

func signingKeys(t testing.TB) (trusted, other *rsa.PrivateKey) {
	t.Helper()
	signingKeysOnce.Do(func() {
		var err error
		if trustedKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return trustedKey, otherKey
}

// trustedVerifier trusts trustedKey, parsed from PEM as the configuration
// file gives it.
func trustedVerifier(t testing.TB) *signedurl.Verifier {
	t.Helper()
	k, _ := signingKeys(t)
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := signedurl.ParsePublicKeyPEM(trustedKeyID, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	v, err := signedurl.NewVerifier([]signedurl.KeyGroup{{Name: "viewers", Keys: []signedurl.PublicKey{pk}}}, signedurl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// signedEdge is a real edge whose one route requires signatures, with an
// access log and a registry to read.
type signedEdge struct {
	*testEdge
	reg *prometheus.Registry
	log *syncBuffer
}

func newSignedEdge(t *testing.T, originURL string, manifests bool) *signedEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	rs, err := Single(&Route{Name: "*", Origin: oc, Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(),
		Signed: &Signing{Verifier: trustedVerifier(t), Manifests: manifests}})
	if err != nil {
		t.Fatal(err)
	}
	reg, log := prometheus.NewRegistry(), &syncBuffer{}
	h, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}),
		Routes: rs, Registry: reg, AccessLog: log})
	if err != nil {
		t.Fatal(err)
	}
	edgeURL, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &signedEdge{testEdge: &testEdge{URL: edgeURL, Listener: ln, h: h,
		client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}, reg: reg, log: log}
}

// counter reads one labelled series from the edge's registry.
func (e *signedEdge) counter(t *testing.T, name, label, value string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// fetchURL gets an absolute URL with optional cookies.
func (e *signedEdge) fetchURL(t *testing.T, rawURL string, cookies ...*http.Cookie) result {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b.String(), err: err}
}

// wildcardPolicy grants resource until exp, optionally from a start time and
// to a source range.
func wildcardPolicy(resource string, exp time.Time, from *time.Time, ip string) *sign.Policy {
	c := sign.Condition{DateLessThan: sign.NewAWSEpochTime(exp)}
	if from != nil {
		c.DateGreaterThan = sign.NewAWSEpochTime(*from)
	}
	if ip != "" {
		c.IPAddress = &sign.IPAddress{SourceIP: ip}
	}
	return &sign.Policy{Statements: []sign.Statement{{Resource: resource, Condition: c}}}
}

func mustSign(t *testing.T) func(string, error) string {
	return func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}
