package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/streamedge/streamedge/signedurl"
)

func ecKeyPEM(t *testing.T) (*ecdsa.PrivateKey, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// TestTrustedKeyGroupsLoadAndVerify: public keys (inline PEM and pem_file
// relative to the file), key groups and a behavior's trusted_key_groups
// load into a Verifier that accepts the SDK's signatures of a trusted key and
// refuses a key of a group the behavior does not trust; signed_manifests
// defaults to true exactly where trusted_key_groups is set; id defaults to
// the key's name.
func TestTrustedKeyGroupsLoadAndVerify(t *testing.T) {
	dir := t.TempDir()
	inline, inlinePEM := ecKeyPEM(t)
	other, otherPEM := ecKeyPEM(t)
	if err := os.WriteFile(filepath.Join(dir, "other.pem"), []byte(otherPEM), 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := "origins:\n  packager:\n    url: http://127.0.0.1:8081\n" +
		"public_keys:\n  viewer-key:\n    id: K2JCJMDEHXQW5F\n    pem: |\n      " + strings.ReplaceAll(strings.TrimSpace(inlinePEM), "\n", "\n      ") + "\n" +
		"  OTHERKEY:\n    pem_file: other.pem\n" +
		"key_groups:\n  viewers: [viewer-key]\n  partners: [OTHERKEY]\n" +
		"behaviors:\n  - path: /vod/*\n    origin: packager\n    trusted_key_groups: [viewers]\n" +
		"default_behavior:\n  origin: packager\n"
	file := filepath.Join(dir, "edge.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if f.PublicKeys["OTHERKEY"].ID != "OTHERKEY" {
		t.Errorf("id = %q, want the key's name", f.PublicKeys["OTHERKEY"].ID)
	}
	vod, def := &f.Behaviors[0].BehaviorSettings, f.DefaultBehavior
	if !*vod.SignedManifests || *def.SignedManifests {
		t.Errorf("signed_manifests defaults: signed behavior %v, open behavior %v; want true, false", *vod.SignedManifests, *def.SignedManifests)
	}
	if v, err := f.Verifier(def, signedurl.Options{}); v != nil || err != nil {
		t.Errorf("open behavior: Verifier = %v, %v; want nil, nil", v, err)
	}
	v, err := f.Verifier(vod, signedurl.Options{})
	if err != nil || v == nil {
		t.Fatalf("Verifier: %v", err)
	}
	hour := time.Now().Add(time.Hour)
	check := func(keyID string, signer *ecdsa.PrivateKey) signedurl.Reason {
		signed, err := sign.NewURLSigner(keyID, signer).Sign("https://edge.example/vod/a.ts", hour)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(signed)
		reason, _ := v.Verify(signedurl.Request{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery})
		return reason
	}
	if r := check("K2JCJMDEHXQW5F", inline); r != signedurl.ReasonOK {
		t.Errorf("trusted key: %s, want ok", r)
	}
	if r := check("OTHERKEY", other); r != signedurl.ReasonUnknownKey {
		t.Errorf("key of a group the behavior does not trust: %s, want unknown_key", r)
	}
}
