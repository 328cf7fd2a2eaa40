package edge

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/freshness"
	"github.com/streamedge/streamedge/origin"
)

// twoOrigins is an edge whose /private/* behavior goes to a second origin;
// each origin answers with its name.
func twoOrigins(t *testing.T, private func(*Route)) (*testEdge, *testOrigin, *testOrigin) {
	t.Helper()
	pub := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("public " + r.URL.Path)) })
	priv := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("private " + r.URL.Path)) })
	privOrigin := newTestEdgeOrigin(t, priv.URL)
	e := newTestEdge(t, pub.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
		rt := &Route{Name: "/private/*", Origin: privOrigin, Keys: cachekey.New(cachekey.Config{}), Policy: def.Policy}
		if private != nil {
			private(rt)
		}
		return NewRoutes(def, PathRoute{Pattern: "/private/*", Route: rt})
	}})
	return e, pub, priv
}

// TestRouteSelectedByNormalisedPath: the behavior is selected by the path
// as the cache key holds it, so dot segments and escapes cannot reach a
// behavior's origin (or dodge its rules) through another's pattern.
func TestRouteSelectedByNormalisedPath(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		e, pub, priv := twoOrigins(t, nil)
		for _, tc := range []struct{ path, want string }{
			{"/a.ts", "public /a.ts"},
			{"/private/b.ts", "private /private/b.ts"},
			{"/public/../private/c.ts", "private /private/c.ts"},
			{"/%70rivate/d.ts", "private /private/d.ts"},
		} {
			if r := e.get(t, "GET", tc.path); r.body != tc.want {
				t.Errorf("GET %s: %q (status %d), want %q", tc.path, r.body, r.status, tc.want)
			}
		}
		if pub.count("/a.ts") != 1 || priv.count("/private/c.ts") != 1 {
			t.Errorf("origin requests: public %d, private %d", pub.count("/a.ts"), priv.count("/private/c.ts"))
		}
	})
}

// TestRouteViewerProtocol: over plain HTTP, redirect-to-https answers 301
// to the https URL, https-only 403, both before any origin work.
func TestRouteViewerProtocol(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		for _, tc := range []struct {
			policy   string
			status   int
			location string
		}{
			{ViewerRedirectToHTTPS, http.StatusMovedPermanently, "https://%s/private/x.ts?a=1"},
			{ViewerHTTPSOnly, http.StatusForbidden, ""},
			{ViewerAllowAll, http.StatusOK, ""},
		} {
			e, _, priv := twoOrigins(t, func(rt *Route) { rt.ViewerProtocol = tc.policy })
			req, _ := http.NewRequest("GET", e.URL+"/private/x.ts?a=1", nil)
			req.Host = "edge.example"
			resp, err := e.client.Transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d", tc.policy, resp.StatusCode, tc.status)
			}
			if tc.location != "" && resp.Header.Get("Location") != "https://edge.example/private/x.ts?a=1" {
				t.Errorf("%s: Location %q", tc.policy, resp.Header.Get("Location"))
			}
			if tc.status != http.StatusOK && priv.count("/private/x.ts") != 0 {
				t.Errorf("%s: the origin was asked", tc.policy)
			}
		}
	})
}

// TestRouteAllowedMethods: methods outside the behavior's set are refused
// with 403 and never reach the origin; allowed ones still pass through.
func TestRouteAllowedMethods(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		e, _, priv := twoOrigins(t, func(rt *Route) { rt.Methods = []string{"GET", "HEAD"} })
		if r := e.get(t, "POST", "/private/form"); r.status != http.StatusForbidden {
			t.Errorf("POST on a GET/HEAD behavior: %d", r.status)
		}
		if r := e.get(t, "HEAD", "/private/form"); r.status != http.StatusOK {
			t.Errorf("HEAD: %d", r.status)
		}
		if r := e.get(t, "POST", "/open/form"); r.status != http.StatusOK {
			t.Errorf("POST on the default behavior (every method allowed): %d", r.status)
		}
		if n := priv.count("/private/form"); n != 1 {
			t.Errorf("the private origin was asked %d times, want 1 (the HEAD)", n)
		}
	})
}

// TestRouteCachePolicyTTL: a behavior's cache policy sets the stored
// lifetime (CloudFront's clamp), the default behavior keeps the origin's.
func TestRouteCachePolicyTTL(t *testing.T) {
	e, _, _ := twoOrigins(t, func(rt *Route) {
		rt.Policy.TTLs = &freshness.TTLs{Min: 0, Default: time.Hour, Max: 2 * time.Second}
	})
	now := time.Now()
	e.get(t, "GET", "/private/a.ts")
	hit, ok := e.h.store.Get("/private/a.ts")
	for deadline := time.Now().Add(2 * time.Second); !ok && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // a streamed body is stored once the fill has all of it
		hit, ok = e.h.store.Get("/private/a.ts")
	}
	if !ok {
		t.Fatal("not stored")
	}
	defer hit.Release()
	if ttl := hit.Entry.FreshUntil.Sub(now); ttl < time.Hour-time.Minute {
		t.Errorf("no origin lifetime: stored for %v, want default_ttl 1h", ttl)
	}
}

func newTestEdgeOrigin(t *testing.T, raw string) Origin {
	t.Helper()
	u, _ := url.Parse(raw)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	return oc
}
