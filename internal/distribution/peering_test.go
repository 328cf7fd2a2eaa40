package distribution

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/edge"
	"github.com/streamedge/streamedge/peering"
)

// TestPeeringWrapsEveryRouteAndEndsWithTheDistribution: with a peering
// section every route's origin is a peering origin around the route's
// own; without one it is the origin itself; closing the distribution (as
// a reload does for the old one) ends the pool's probe goroutines.
func TestPeeringWrapsEveryRouteAndEndsWithTheDistribution(t *testing.T) {
	const file = `origins:
  a: {url: http://127.0.0.1:1}
  b: {url: http://127.0.0.1:2}
behaviors:
  - {path: /b/*, origin: b}
default_behavior: {origin: a}
`
	plain := build(t, file)
	plain.Routes.Each(func(rt *edge.Route) {
		if _, ok := rt.Origin.(*peering.Origin); ok {
			t.Errorf("route %s is peered without a peering section", rt.Name)
		}
	})
	before := runtime.NumGoroutine()
	d := build(t, file+`peering:
  self: http://127.0.0.1:8080
  members: [http://127.0.0.1:8080, http://127.0.0.1:8081]
  probe_interval: 50ms
`)
	names := map[string]bool{}
	d.Routes.Each(func(rt *edge.Route) {
		p, ok := rt.Origin.(*peering.Origin)
		if !ok {
			t.Errorf("route %s is not peered", rt.Name)
			return
		}
		if _, ok := p.Unwrap().(*measured); !ok {
			t.Errorf("route %s: the peering origin does not wrap the route's measured origin", rt.Name)
		}
		names[rt.OriginName] = true
	})
	if !names["a"] || !names["b"] {
		t.Errorf("routes' origins: %v", names)
	}
	d.Close()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d before the peered distribution, %d after its Close", before, n)
	}
}

// TestSignedAndHTTPSOnlyBehaviorsAreNotPeered: a behavior with
// trusted_key_groups keeps its own origin under peering (an owner would
// refuse the fill: the viewer's signature never leaves the edge that
// checked it), so does an https-only one while members talk plain HTTP
// (the owner would answer 403); the others are peered.
func TestSignedAndHTTPSOnlyBehaviorsAreNotPeered(t *testing.T) {
	pemText := publicKeyPEM(t)
	d := build(t, `origins:
  o: {url: http://127.0.0.1:1}
public_keys:
  viewer:
    id: KVIEWER
    pem: |
      `+pemText+`
key_groups:
  viewers: [viewer]
behaviors:
  - {path: /paid/*, origin: o, trusted_key_groups: [viewers]}
  - {path: /secure/*, origin: o, viewer_protocol: https-only}
default_behavior: {origin: o}
peering:
  self: http://127.0.0.1:8080
  members: [http://127.0.0.1:8080, http://127.0.0.1:8081]
`)
	if _, ok := d.Routes.Select("/paid/a.ts").Origin.(*peering.Origin); ok {
		t.Error("the signed behavior is peered")
	}
	if _, ok := d.Routes.Select("/secure/a.ts").Origin.(*peering.Origin); ok {
		t.Error("an https-only behavior is peered over plain HTTP")
	}
	if _, ok := d.Routes.Select("/free/a.ts").Origin.(*peering.Origin); !ok {
		t.Error("the default behavior is not peered")
	}
}

func publicKeyPEM(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	return strings.ReplaceAll(strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))), "\n", "\n      ")
}
