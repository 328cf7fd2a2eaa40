package edge

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/config"
	"github.com/streamedge/streamedge/headerspolicy"
)

const playerOrigin = "https://player.example"

// playerPolicy is a response headers policy for an hls.js player on another
// origin: CORS for it (Range preflighted), security and custom headers.
func playerPolicy() *config.HeadersPolicy {
	return &config.HeadersPolicy{
		CORS: &config.CORS{AllowOrigins: []string{playerOrigin}, AllowMethods: []string{"GET", "HEAD"},
			AllowHeaders: []string{"Range"}, ExposeHeaders: []string{"Content-Length", "Content-Range", "Age"},
			MaxAge: durationPtr(10 * time.Minute)},
		Security: &config.Security{StrictTransportSecurity: &config.HSTS{MaxAge: config.Duration(365 * 24 * time.Hour)},
			ContentTypeOptions: true},
		CustomHeaders: []config.CustomHeader{{Name: "X-Served-By", Value: "streamedge"}},
		RemoveHeaders: []string{"X-Powered-By"},
	}
}

func durationPtr(d time.Duration) *config.Duration { c := config.Duration(d); return &c }

// withPolicies gives the test edge's default route the policy def (methods:
// GET, HEAD, OPTIONS, as a CloudFront behavior answering preflights) and
// adds path-pattern routes of the same origin with their own policies.
func withPolicies(t *testing.T, e *testEdge, def *config.HeadersPolicy, patterns map[string]*config.HeadersPolicy) {
	t.Helper()
	base := e.h.Routes().def
	route := func(name string, p *config.HeadersPolicy) *Route {
		pol, err := headerspolicy.New(p)
		if err != nil {
			t.Fatal(err)
		}
		return &Route{Name: name, Origin: base.Origin, Keys: base.Keys, Policy: base.Policy,
			Methods: []string{"GET", "HEAD", "OPTIONS"}, Headers: pol}
	}
	var ordered []PathRoute
	for pat, p := range patterns {
		ordered = append(ordered, PathRoute{Pattern: pat, Route: route(pat, p)})
	}
	rs, err := NewRoutes(route("*", def), ordered...)
	if err != nil {
		t.Fatal(err)
	}
	e.h.SetRoutes(rs)
}

// mediaOrigin serves a VOD playlist and a segment (cacheable), counting
// every request, OPTIONS included.
func mediaOrigin(t *testing.T, extra http.Header) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		for k, v := range extra {
			w.Header()[k] = v
		}
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("X-Powered-By", "packager/1.0")
		switch {
		case strings.HasSuffix(r.URL.Path, ".m3u8"):
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			_, _ = w.Write([]byte(vodPlaylist))
		case strings.HasSuffix(r.URL.Path, ".ts"):
			w.Header().Set("Content-Type", "video/mp2t")
			http.ServeContent(w, r, "seg.ts", time.Time{}, strings.NewReader(strings.Repeat("\x47", 188*100)))
		default:
			http.NotFound(w, r)
		}
	})
}

// The preflight hls.js sends for a byte-range segment (Range is not a
// CORS-safelisted header) is answered by the edge: 204 with the policy's
// CORS headers, and never reaches the origin; a refused origin or method
// gets 204 without them (the browser then refuses the request). Stats counts
// each under ByResult["preflight"], as streamedge_requests_total does.
func TestPreflightAnsweredAtEdge(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, nil)
		e := newTestEdge(t, o.URL, edgeOpts{})
		withPolicies(t, e, playerPolicy(), nil)
		var log syncBuffer
		e.h.cfg.AccessLog = &log
		for _, tc := range []struct {
			name, origin, method string
			allowed              bool
		}{
			{"allowed", playerOrigin, "GET", true},
			{"refused_origin", "https://evil.example", "GET", false},
			{"refused_method", playerOrigin, "DELETE", false},
		} {
			r := e.get(t, "OPTIONS", "/vod/seg_000.ts", "Origin", tc.origin, "Access-Control-Request-Method", tc.method,
				"Access-Control-Request-Headers", "range")
			if r.err != nil || r.status != http.StatusNoContent {
				t.Fatalf("%s: status %d, %v", tc.name, r.status, r.err)
			}
			if got := r.header.Get("Vary"); got != "Origin" {
				t.Errorf("%s: Vary = %q, want Origin", tc.name, got)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: security headers missing: %v", tc.name, r.header)
			}
			acao := r.header.Get("Access-Control-Allow-Origin")
			if !tc.allowed {
				if acao != "" || r.header.Get("Access-Control-Allow-Methods") != "" {
					t.Errorf("%s: CORS headers on a refused preflight: %v", tc.name, r.header)
				}
				continue
			}
			if acao != playerOrigin || r.header.Get("Access-Control-Allow-Methods") != "GET, HEAD" ||
				r.header.Get("Access-Control-Allow-Headers") != "Range" || r.header.Get("Access-Control-Max-Age") != "600" {
				t.Errorf("%s: preflight headers %v", tc.name, r.header)
			}
			if err := browserPreflightCheck(r, playerOrigin, "GET", []string{"range"}); err != "" {
				t.Errorf("a browser would refuse the preflight: %s", err)
			}
		}
		if n := o.count("/vod/seg_000.ts"); n != 0 {
			t.Errorf("origin saw %d requests, want 0 (preflights answered at the edge)", n)
		}
		if a, r := value(t, e.h.metrics.cors.by[1][1]), value(t, e.h.metrics.cors.by[1][0]); a != 1 || r != 2 {
			t.Errorf("streamedge_cors_requests_total{kind=preflight}: allowed %v, refused %v; want 1, 2", a, r)
		}
		waitFor(t, func() bool { return strings.Count(log.String(), "\n") == 3 })
		if l := log.String(); strings.Count(l, `"cache":"preflight","`) != 3 || strings.Count(l, `"cors":"refused"`) != 2 {
			t.Errorf("access log:\n%s", l)
		}
		s := e.h.Stats()
		for deadline := time.Now().Add(5 * time.Second); s.ClientRequests < 3 && time.Now().Before(deadline); s = e.h.Stats() {
			time.Sleep(10 * time.Millisecond) // a request is counted after its response is written
		}
		if s.ClientRequests != 3 || s.ByResult["preflight"] != 3 || s.OriginRequests != 0 || s.OriginOffload() != 1 {
			t.Errorf("Stats = %+v, want 3 preflights of 3 requests, none sent to the origin", s)
		}
	})
}

// A preflight needs its behavior to allow OPTIONS, as on CloudFront: else
// 403, and nothing reaches the origin either.
func TestPreflightNeedsOptionsAllowed(t *testing.T) {
	o := mediaOrigin(t, nil)
	e := newTestEdge(t, o.URL, edgeOpts{})
	withPolicies(t, e, playerPolicy(), nil)
	rs := e.h.Routes()
	def := *rs.def
	def.Methods = []string{"GET", "HEAD"}
	rs2, err := NewRoutes(&def)
	if err != nil {
		t.Fatal(err)
	}
	e.h.SetRoutes(rs2)
	r := e.get(t, "OPTIONS", "/vod/seg_000.ts", "Origin", playerOrigin, "Access-Control-Request-Method", "GET")
	if r.status != http.StatusForbidden || o.count("/vod/seg_000.ts") != 0 {
		t.Fatalf("status %d, origin requests %d; want 403, 0", r.status, o.count("/vod/seg_000.ts"))
	}
}

// hls.js fetches the playlist and segments cross-origin: on a miss and on
// the hit after it, the response carries the grant for the player's origin
// (a browser's CORS check passes, Content-Range readable), Vary: Origin and
// the security and custom headers; X-Powered-By is removed. The policy is
// applied at the response stage: the stored copy is shared, one origin
// request per object, and a request without Origin gets no grant.
func TestCORSHeadersOnMissAndHit(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, nil)
		e := newTestEdge(t, o.URL, edgeOpts{})
		withPolicies(t, e, playerPolicy(), nil)
		for _, path := range []string{"/vod/index.m3u8", "/vod/seg_000.ts"} {
			for i, want := range []string{"Miss", "Hit"} {
				hdr := []string{"Origin", playerOrigin}
				if strings.HasSuffix(path, ".ts") {
					hdr = append(hdr, "Range", "bytes=0-187")
				}
				r := e.get(t, "GET", path, hdr...)
				wantCache(t, r, want)
				if err := browserCORSCheck(r, playerOrigin, false); err != "" {
					t.Errorf("%s #%d: a browser would refuse: %s", path, i, err)
				}
				if strings.HasSuffix(path, ".ts") && (r.status != http.StatusPartialContent || !exposed(r, "Content-Range")) {
					t.Errorf("%s: status %d, Content-Range not readable: %v", path, r.status, r.header)
				}
				checkPolicyHeaders(t, path, r)
			}
			if n := o.count(path); n != 1 {
				t.Errorf("%s: %d origin requests, want 1", path, n)
			}
			r := e.get(t, "GET", path)
			wantCache(t, r, "Hit")
			if r.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s without Origin: granted %v", path, r.header)
			}
			checkPolicyHeaders(t, path, r)
		}
		if n := value(t, e.h.metrics.cors.by[0][1]); n != 4 {
			t.Errorf("streamedge_cors_requests_total{kind=actual,grant=allowed} = %v, want 4", n)
		}
	})
}

func checkPolicyHeaders(t *testing.T, path string, r result) {
	t.Helper()
	if !slices.Contains(r.header.Values("Vary"), "Origin") || r.header.Get("X-Content-Type-Options") != "nosniff" ||
		r.header.Get("Strict-Transport-Security") != "max-age=31536000" || r.header.Get("X-Served-By") != "streamedge" ||
		r.header.Get("X-Powered-By") != "" {
		t.Errorf("%s: policy headers wrong: %v", path, r.header)
	}
}

// The other responses get the policy too: a stale copy served while it is
// revalidated, a pass-through (Authorization), an origin 404 and an error
// the edge answers itself (a method the behavior refuses).
func TestCORSHeadersOnStalePassAndErrors(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/live/index.m3u8" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "max-age=1, stale-while-revalidate=30")
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			_, _ = w.Write([]byte(vodPlaylist))
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		withPolicies(t, e, playerPolicy(), nil)
		get := func(method, path string, hdr ...string) result {
			return e.get(t, method, path, append([]string{"Origin", playerOrigin}, hdr...)...)
		}
		wantCache(t, get("GET", "/live/index.m3u8"), "Miss")
		time.Sleep(1100 * time.Millisecond)
		for _, tc := range []struct {
			name   string
			r      result
			status int
			cache  string
		}{
			{"stale", get("GET", "/live/index.m3u8"), 200, "Stale"},
			{"pass_through", get("GET", "/live/index.m3u8", "Authorization", "Bearer x"), 200, "Miss"},
			{"origin_404", get("GET", "/missing.m3u8"), 404, "Error"},
			{"edge_refusal", get("DELETE", "/live/index.m3u8"), 403, "Error"},
		} {
			if tc.r.status != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, tc.r.status, tc.status)
			}
			wantCache(t, tc.r, tc.cache)
			if err := browserCORSCheck(tc.r, playerOrigin, false); err != "" {
				t.Errorf("%s: a browser would refuse: %s", tc.name, err)
			}
			if tc.r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s: no security headers: %v", tc.name, tc.r.header)
			}
		}
	})
}

// Each behavior has its own policy: origin_override makes the policy's
// grant win over the origin's own Access-Control-Allow-Origin, else the
// origin's is kept; a behavior without a policy passes the origin's through.
func TestCORSPolicyPerBehaviorAndOriginOverride(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, http.Header{"Access-Control-Allow-Origin": {"*"}})
		e := newTestEdge(t, o.URL, edgeOpts{})
		override := playerPolicy()
		override.CORS.OriginOverride = true
		withPolicies(t, e, playerPolicy(), map[string]*config.HeadersPolicy{"/override/*": override, "/plain/*": nil})
		for path, want := range map[string]string{
			"/vod/index.m3u8": "*", "/override/index.m3u8": playerOrigin, "/plain/index.m3u8": "*",
		} {
			for _, cache := range []string{"Miss", "Hit"} {
				r := e.get(t, "GET", path, "Origin", playerOrigin)
				wantCache(t, r, cache)
				if got := r.header.Get("Access-Control-Allow-Origin"); got != want {
					t.Errorf("%s (%s): Access-Control-Allow-Origin = %q, want %q", path, cache, got, want)
				}
				if plain := strings.HasPrefix(path, "/plain/"); plain != (r.header.Get("X-Served-By") == "") {
					t.Errorf("%s: policy applied = %v, want %v", path, !plain, plain)
				}
			}
		}
	})
}

// browserCORSCheck is the Fetch standard's CORS check of a response to a
// request from origin.
func browserCORSCheck(r result, origin string, credentials bool) string {
	if r.err != nil {
		return r.err.Error()
	}
	acao := r.header.Values("Access-Control-Allow-Origin")
	switch {
	case len(acao) != 1:
		return "Access-Control-Allow-Origin: " + strings.Join(acao, " | ")
	case acao[0] == "*" && !credentials:
		return ""
	case acao[0] != origin:
		return "Access-Control-Allow-Origin " + acao[0] + " is not " + origin
	case credentials && r.header.Get("Access-Control-Allow-Credentials") != "true":
		return "credentials not allowed"
	}
	return ""
}

// browserPreflightCheck is the Fetch standard's CORS-preflight fetch check:
// an ok status, the CORS check, the method and every requested header
// allowed.
func browserPreflightCheck(r result, origin, method string, headers []string) string {
	if r.status < 200 || r.status > 299 {
		return "status " + r.status2()
	}
	if err := browserCORSCheck(r, origin, false); err != "" {
		return err
	}
	methods := splitList(r.header.Get("Access-Control-Allow-Methods"))
	if !slices.Contains(methods, method) && !slices.Contains(methods, "*") && method != "GET" && method != "HEAD" && method != "POST" {
		return "method " + method + " not allowed"
	}
	allowed := splitList(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")))
	for _, h := range headers {
		if !slices.Contains(allowed, h) && !slices.Contains(allowed, "*") {
			return "header " + h + " not allowed"
		}
	}
	return ""
}

func (r result) status2() string { return http.StatusText(r.status) }

// exposed reports whether a script may read a response header name.
func exposed(r result, name string) bool {
	list := splitList(strings.ToLower(r.header.Get("Access-Control-Expose-Headers")))
	return slices.Contains(list, strings.ToLower(name)) || slices.Contains(list, "*")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
