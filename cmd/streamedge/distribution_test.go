package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/streamedge/streamedge/internal/s3test"
)

// namedOrigin answers every path with its name and the path, or with
// status while one is set; it counts requests per path.
type namedOrigin struct {
	name   string
	status atomic.Int32
	hits   atomic.Int64
	srv    *httptest.Server
}

func newNamedOrigin(t *testing.T, name string) *namedOrigin {
	o := &namedOrigin{name: name}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		if s := o.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprintf(w, "%s %s", o.name, r.URL.Path)
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// distributionYAML is a distribution of the three origins, a group and an
// S3 bucket; vodOrigin names the default behavior's origin.
func distributionYAML(a, b, vod *namedOrigin, s3addr, defaultOrigin string) string {
	return fmt.Sprintf(`origins:
  packager-a: {url: %s}
  packager-b: {url: %s}
  vod: {url: %s}
s3_origins:
  slates:
    bucket: slates
    region: %s
    endpoint: http://%s
    url_style: path
    access_key_id: %s
    secret_access_key: %s
origin_groups:
  live: {primary: packager-a, secondary: packager-b, primary_backoff: 1m}
behaviors:
  - path: /live/*
    origin: live
  - path: /slates/*
    origin: slates
default_behavior:
  origin: %s
  cache_policy: {default_ttl: 1h}
`, a.srv.URL, b.srv.URL, vod.srv.URL, s3test.Region, s3addr, s3test.Access, s3test.Secret, defaultOrigin)
}

// TestServeConfigRoutesBehaviorsToTheirOrigins: `serve -config` sends each
// behavior's paths to its origin (an HTTP origin, a failover group, a real
// S3-compatible server checking SigV4), refuses methods the behavior does not
// allow, caches per behavior, and /readyz checks every origin.
func TestServeConfigRoutesBehaviorsToTheirOrigins(t *testing.T) {
	a, b, vod := newNamedOrigin(t, "a"), newNamedOrigin(t, "b"), newNamedOrigin(t, "vod")
	gw := s3test.Start(t)
	s3test.Put(t, gw, "/slates", nil)
	s3test.Put(t, gw, "/slates/slates/offline.txt", []byte("slate from s3"))
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	writeFile(t, cfgPath, distributionYAML(a, b, vod, gw, "vod"))
	e := startEdge(t, "-config", cfgPath)

	for _, tc := range []struct{ path, want string }{
		{"/movie/seg1.ts", "vod /movie/seg1.ts"},
		{"/live/seg1.ts", "a /live/seg1.ts"},
		{"/slates/offline.txt", "slate from s3"},
	} {
		if _, body, _ := get(t, e.edge+tc.path); body != tc.want {
			t.Errorf("GET %s: %q, want %q", tc.path, body, tc.want)
		}
	}
	if _, _, h := get(t, e.edge+"/movie/seg1.ts"); h.Get("X-Cache") != "Hit from streamedge" || vod.hits.Load() != 1 {
		t.Errorf("second GET: X-Cache %q, vod origin asked %d times", h.Get("X-Cache"), vod.hits.Load())
	}
	a.status.Store(503) // the group's primary fails: its fills go to the secondary
	if _, body, _ := get(t, e.edge+"/live/seg2.ts"); body != "b /live/seg2.ts" {
		t.Errorf("with the primary answering 503: %q, want the secondary's", body)
	}
	resp, err := http.Post(e.edge+"/movie/upload", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || vod.hits.Load() != 1 {
		t.Errorf("POST on a GET/HEAD behavior: %d (vod asked %d times), want 403 and no origin request", resp.StatusCode, vod.hits.Load())
	}
	if code, body, _ := get(t, e.admin+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz with every origin up: %d %s", code, body)
	}
	metrics := scrape(t, e.admin)
	for _, want := range []string{`streamedge_origin_fetches_by_origin_total{code="200",origin="vod"} 1`,
		`streamedge_origin_failovers_total{group="live",origin="packager-a",reason="503"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func scrape(t *testing.T, admin string) string {
	t.Helper()
	_, body, _ := get(t, admin+"/metrics")
	return body
}

// TestServeConfigReload: a reload (POST /-/reload, as `streamedge reload`
// sends it) swaps the distribution at once; a bad file is refused with
// file:line:col, counted, and the old distribution keeps serving.
func TestServeConfigReload(t *testing.T) {
	a, b, vod := newNamedOrigin(t, "a"), newNamedOrigin(t, "b"), newNamedOrigin(t, "vod")
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	yaml := func(def string) string {
		return strings.Replace(distributionYAML(a, b, vod, "127.0.0.1:1", def), "  - path: /slates/*\n    origin: slates\n", "", 1)
	}
	writeFile(t, cfgPath, yaml("vod"))
	e := startEdge(t, "-config", cfgPath)
	if _, body, _ := get(t, e.edge+"/one"); body != "vod /one" {
		t.Fatalf("before the reload: %q", body)
	}

	writeFile(t, cfgPath, yaml("packager-b"))
	var out, errOut strings.Builder
	if err := reloadCommand([]string{"-admin", strings.TrimPrefix(e.admin, "http://")}, &out, &errOut); err != nil {
		t.Fatalf("streamedge reload: %v: %s", err, errOut.String())
	}
	if _, body, _ := get(t, e.edge+"/two"); body != "b /two" {
		t.Errorf("after the reload: %q, want the new default origin's", body)
	}

	writeFile(t, cfgPath, yaml("packager-b")+"behaviors_typo: []\n")
	out.Reset()
	errOut.Reset()
	if err := reloadCommand([]string{"-admin", strings.TrimPrefix(e.admin, "http://")}, &out, &errOut); err == nil {
		t.Fatal("a bad file was not refused")
	}
	if !strings.Contains(errOut.String(), "edge.yaml:") || !strings.Contains(errOut.String(), "behaviors_typo") {
		t.Errorf("the refusal does not name the file, line and key: %q", errOut.String())
	}
	if _, body, _ := get(t, e.edge+"/three"); body != "b /three" {
		t.Errorf("after a refused reload: %q, want the previous configuration still serving", body)
	}
	m := scrape(t, e.admin)
	for _, want := range []string{`streamedge_config_reloads_total{result="ok"} 1`, `streamedge_config_reloads_total{result="error"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !strings.Contains(e.stderr.String(), "configuration reload refused") {
		t.Errorf("the refusal was not logged: %s", e.stderr.String())
	}
}

// TestConfigFlagConflicts: a flag that the file also sets is refused with
// -config, never silently overridden.
func TestConfigFlagConflicts(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	writeFile(t, cfgPath, "default_behavior: {origin: o}\norigins: {o: {url: http://127.0.0.1:1}}\n")
	for _, flagArgs := range [][]string{{"-origin", "http://x"}, {"-default-ttl", "1s"}, {"-ignore-query", "a"}, {"-origin-timeout", "1s"}, {"-compress=false"}} {
		var stderr strings.Builder
		_, err := parseFlags("serve", append([]string{"-config", cfgPath}, flagArgs...), &stderr)
		if err == nil || !strings.Contains(stderr.String(), strings.Split(flagArgs[0], "=")[0]+" and -config") {
			t.Errorf("%v with -config: err %v, stderr %q", flagArgs, err, stderr.String())
		}
	}
	if _, err := parseFlags("serve", []string{"-config", cfgPath, "-negative-ttl", "2s"}, io.Discard); err != nil {
		t.Errorf("an edge-wide flag with -config: %v", err)
	}
}

// TestReloadTurnsTheInvalidationAPIOn: the invalidation section's access
// keys follow a reload: off (404) before, answering (403 to an unsigned
// call) after.
func TestReloadTurnsTheInvalidationAPIOn(t *testing.T) {
	vod := newNamedOrigin(t, "vod")
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	base := "origins: {vod: {url: " + vod.srv.URL + "}}\ndefault_behavior: {origin: vod}\n"
	writeFile(t, cfgPath, base)
	e := startEdge(t, "-config", cfgPath)
	api := e.admin + "/2020-05-31/distribution/EDGE1/invalidation"
	if code, _, _ := get(t, api); code != http.StatusNotFound {
		t.Fatalf("API without keys: %d, want 404", code)
	}
	writeFile(t, cfgPath, base+"invalidation:\n  distribution_id: EDGE1\n  access_keys: [{id: AKIAEDGE0001, secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY}]\n")
	if err := reloadCommand([]string{"-admin", strings.TrimPrefix(e.admin, "http://")}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := get(t, api); code != http.StatusForbidden || !strings.Contains(body, "<Error>") && !strings.Contains(body, "AccessDenied") {
		t.Errorf("API after the reload added keys, unsigned call: %d %s", code, body)
	}
}
