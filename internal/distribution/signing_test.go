package distribution

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/segments"
)

// TestTrustedKeyGroupsGuardTheirBehaviors: a file's trusted_key_groups make
// their behavior's route refuse unsigned requests (never reaching the
// origin) and serve signed ones; other behaviors stay open; signed_manifests
// (default on) signs a manifest's children, and is off where the file says
// false.
func TestTrustedKeyGroupsGuardTheirBehaviors(t *testing.T) {
	var originHits atomic.Int64
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		originHits.Add(1)
		w.Header().Set("Cache-Control", "max-age=60")
		if strings.HasSuffix(r.URL.Path, ".m3u8") {
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			fmt.Fprint(w, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXT-X-ENDLIST\n")
			return
		}
		fmt.Fprint(w, "media")
	}))
	defer o.Close()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemText := strings.ReplaceAll(strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))), "\n", "\n      ")
	d := build(t, `origins:
  o: {url: `+o.URL+`}
public_keys:
  viewer:
    id: KVIEWER
    pem: |
      `+pemText+`
key_groups:
  viewers: [viewer]
behaviors:
  - {path: /vod/*, origin: o, trusted_key_groups: [viewers]}
  - {path: /plain/*, origin: o, trusted_key_groups: [viewers], signed_manifests: false}
default_behavior: {origin: o}
`)
	h, err := edge.New(edge.Config{Store: segments.New(segments.Config{MaxBytes: 8 << 20, HotBytes: 1 << 20}),
		Routes: d.Routes, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if s, _ := get(srv.URL + "/vod/a.ts"); s != http.StatusForbidden || originHits.Load() != 0 {
		t.Fatalf("unsigned: %d, origin hits %d; want 403, 0", s, originHits.Load())
	}
	if s, _ := get(srv.URL + "/open/a.ts"); s != http.StatusOK {
		t.Errorf("open behavior: %d, want 200", s)
	}
	signer := sign.NewURLSigner("KVIEWER", key)
	exp := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		dir    string
		signed bool
	}{{"/vod/", true}, {"/plain/", false}} {
		u, err := signer.SignWithPolicy(srv.URL+tc.dir+"index.m3u8", &sign.Policy{Statements: []sign.Statement{{
			Resource: srv.URL + tc.dir + "*", Condition: sign.Condition{DateLessThan: sign.NewAWSEpochTime(exp)}}}})
		if err != nil {
			t.Fatal(err)
		}
		s, body := get(u)
		if s != http.StatusOK || strings.Contains(body, "seg0.ts?Policy=") != tc.signed {
			t.Errorf("%s: %d, children signed = %v, want %v:\n%s", tc.dir, s, !tc.signed, tc.signed, body)
		}
	}
}
