package signedurl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"
	"time"
)

// testKeys are generated once per test binary (RSA 2048 generation is slow
// under -race).
type testKeys struct {
	rsaA, rsaB *rsa.PrivateKey
	ec         *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeys
)

func getKeys(t testing.TB) testKeys {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if keys.rsaA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keys.rsaB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keys.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	return keys
}

func pubPEM(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Key IDs of the test groups: KA (RSA A) and KE (ECDSA) are trusted; KB's key
// (RSA B) is not in any group.
const (
	keyA  = "K2JCJMDEHXQW5F"
	keyEC = "KECDSAP256TEST"
)

// newTestVerifier trusts KA and KE; a non-zero now fixes the clock.
func newTestVerifier(t testing.TB, now time.Time) *Verifier {
	t.Helper()
	k := getKeys(t)
	a, err := ParsePublicKeyPEM(keyA, pubPEM(t, &k.rsaA.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	e, err := ParsePublicKeyPEM(keyEC, pubPEM(t, &k.ec.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Metrics: NewMetrics()}
	if !now.IsZero() {
		opt.Now = func() time.Time { return now }
	}
	v, err := NewVerifier([]KeyGroup{{Name: "rsa", Keys: []PublicKey{a}}, {Name: "ec", Keys: []PublicKey{e}}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParsePublicKeyRefusesWeakOrUnknownKeys(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, pemBytes := range map[string][]byte{
		"rsa_1024":   pubPEM(t, &small.PublicKey),
		"ecdsa_p384": pubPEM(t, &p384.PublicKey),
		"not_pem":    []byte("hello"),
		"private":    pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}),
	} {
		if _, err := ParsePublicKeyPEM("K1", pemBytes); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	k := getKeys(t)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.rsaA.PublicKey)})
	if _, err := ParsePublicKeyPEM("K1", pkcs1); err != nil {
		t.Errorf("PKCS #1 RSA public key refused: %v", err)
	}
}

func TestNewVerifierRefusesOneIDForTwoKeys(t *testing.T) {
	k := getKeys(t)
	a, _ := ParsePublicKeyPEM("K1", pubPEM(t, &k.rsaA.PublicKey))
	b, _ := ParsePublicKeyPEM("K1", pubPEM(t, &k.rsaB.PublicKey))
	if _, err := NewVerifier([]KeyGroup{{Name: "g1", Keys: []PublicKey{a}}, {Name: "g2", Keys: []PublicKey{b}}}, Options{}); err == nil {
		t.Fatal("one key ID naming two keys accepted")
	}
	if _, err := NewVerifier(nil, Options{}); err == nil {
		t.Fatal("a verifier with no keys accepted")
	}
}
