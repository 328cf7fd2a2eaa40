package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/fleet"
	"github.com/streamedge/streamedge/invalidation"
)

// fleetYAML is an edge.yaml on origin url with the invalidation API on and
// a fleet section naming the NATS server at nats.
func fleetYAML(url, nats string) string {
	return fmt.Sprintf(`fleet:
  url: nats://%s
  heartbeat: 200ms
  ttl: 1s
origins:
  packager:
    url: %s
default_behavior:
  origin: packager
invalidation:
  distribution_id: EDGE1
  access_keys:
    - id: %s
      secret: %s
`, nats, url, cliKeyID, cliSecret)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	return freeAddrs(t, 1)[0]
}

// sigv4 sends one call to an admin listener's CloudFront API, signed with
// aws-sdk-go-v2's signer.
func sigv4(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := invalidation.Sign(context.Background(), req, body, cliKeyID, cliSecret, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func fleetView(t *testing.T, admin string) fleet.View {
	t.Helper()
	_, body, _ := get(t, admin+"/fleet")
	var v fleet.View
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("/fleet: %v: %s", err, body)
	}
	return v
}

func putFleetConfig(t *testing.T, admin, yaml string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, admin+"/fleet", strings.NewReader(yaml))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT /fleet: %d %s", resp.StatusCode, b)
	}
}

func within(t *testing.T, within time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// TestServeFleetOfThreeEdges: three `serve -config` edges, the first
// running the embedded nats-server (-fleet-embedded), the others joining it
// (the file's fleet section; -fleet on the third). /fleet lists all three; an invalidation created on one edge
// through its CloudFront API (SigV4) reaches Completed within a second and
// every edge's next request misses; a configuration version that does not
// load is rejected by every edge, which keeps serving the old origin; a good
// version is applied by all and its origin serves; a fourth edge started
// later runs that version and knows the invalidation once ready.
func TestServeFleetOfThreeEdges(t *testing.T) {
	o1, o2 := newCountingOrigin(t, 0), newNamedOrigin(t, "v2")
	path := filepath.Join(t.TempDir(), "edge.yaml")
	nats := freeAddr(t)
	writeFile(t, path, fleetYAML(o1.URL, nats))
	edges := []*running{startEdge(t, "-config", path, "-fleet-embedded", nats, "-cdn-id", "edge-a", "-fleet-pop", "test"),
		startEdge(t, "-config", path, "-cdn-id", "edge-b"),
		startEdge(t, "-config", path, "-fleet", "nats://"+nats, "-cdn-id", "edge-c")}
	within(t, 5*time.Second, "three members", func() bool { return len(fleetView(t, edges[0].admin).Members) == 3 })
	for _, e := range edges {
		wantXCache(t, e.edge+"/live/seg1.ts", "Miss")
		wantXCache(t, e.edge+"/live/seg1.ts", "Hit")
		if code, body, _ := get(t, e.admin+"/readyz"); code != http.StatusOK {
			t.Fatalf("/readyz: %d %s", code, body)
		}
	}

	api := edges[1].admin + "/2020-05-31/distribution/EDGE1/invalidation"
	code, body := sigv4(t, "POST", api, `<InvalidationBatch><CallerReference>fleet-1</CallerReference><Paths><Quantity>1</Quantity><Items><Path>/live/*</Path></Items></Paths></InvalidationBatch>`)
	var inv struct {
		ID string `xml:"Id"`
	}
	if err := xml.Unmarshal([]byte(body), &inv); err != nil || code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	took := within(t, time.Second, "Completed", func() bool {
		_, b := sigv4(t, "GET", api+"/"+inv.ID, "")
		return strings.Contains(b, "<Status>Completed</Status>")
	})
	t.Logf("Completed on three edges after %v", took)
	for _, e := range edges {
		wantXCache(t, e.edge+"/live/seg1.ts", "Miss")
	}
	if o1.count("/live/seg1.ts") != 6 {
		t.Fatalf("origin asked %d times for the invalidated path, want 6", o1.count("/live/seg1.ts"))
	}

	putFleetConfig(t, edges[2].admin, "origins:\n  packager: {url: ftp://127.0.0.1/}\ndefault_behavior: {origin: packager}\n")
	within(t, 3*time.Second, "every edge rejected the bad version", func() bool {
		n := 0
		for _, st := range fleetView(t, edges[0].admin).Config {
			if st.Rejected != 0 && st.Version == 0 {
				n++
			}
		}
		return n == 3
	})
	for _, e := range edges {
		wantXCache(t, e.edge+"/live/seg1.ts", "Hit")
		if _, b, _ := get(t, e.edge+"/after-bad.ts"); b != "segment /after-bad.ts" { // a miss: the old origin fills it
			t.Errorf("%s after the bad version: %q, want the old origin's", e.edge, b)
		}
		if m := scrape(t, e.admin); !strings.Contains(m, "streamedge_fleet_config_rejections_total 1") {
			t.Errorf("%s: no rejection counted", e.admin)
		}
	}
	putFleetConfig(t, edges[0].admin, fleetYAML(o2.srv.URL, nats))
	for _, e := range edges {
		within(t, 3*time.Second, "the good version is applied", func() bool { return fleetView(t, e.admin).ConfigVersion > 1 })
		if _, b, _ := get(t, e.edge+"/vod/new.ts"); b != "v2 /vod/new.ts" {
			t.Errorf("%s after the good version: %q, want the new origin's", e.edge, b)
		}
		if m := scrape(t, e.admin); !strings.Contains(m, "streamedge_fleet_members 3") {
			t.Errorf("%s: streamedge_fleet_members is not 3", e.admin)
		}
	}
	// A fourth edge started from the old file runs the fleet's version and
	// knows the invalidation before it reports ready.
	late := startEdge(t, "-config", path, "-cdn-id", "edge-d")
	within(t, 3*time.Second, "the late edge is ready", func() bool { code, _, _ := get(t, late.admin+"/readyz"); return code == http.StatusOK })
	if v := fleetView(t, late.admin).ConfigVersion; v <= 1 {
		t.Errorf("the late edge runs fleet version %d", v)
	}
	if _, b, _ := get(t, late.edge+"/vod/late.ts"); b != "v2 /vod/late.ts" {
		t.Errorf("the late edge: %q, want the fleet version's origin", b)
	}
	if code, b := sigv4(t, "GET", late.admin+"/2020-05-31/distribution/EDGE1/invalidation/"+inv.ID, ""); code != http.StatusOK ||
		!strings.Contains(b, "<Status>Completed</Status>") {
		t.Errorf("the late edge's GetInvalidation: %d %s", code, b)
	}
}

// TestServeWithoutFleetHasNoFleetView: with no -fleet flag nothing of the
// fleet runs: no /fleet, no fleet metrics, invalidations Completed at once.
func TestServeWithoutFleetHasNoFleetView(t *testing.T) {
	o := newCountingOrigin(t, 0)
	e := startEdge(t, "-origin", o.URL)
	if code, _, _ := get(t, e.admin+"/fleet"); code != http.StatusNotFound {
		t.Fatalf("/fleet without -fleet: %d", code)
	}
	if m := scrape(t, e.admin); strings.Contains(m, "streamedge_fleet_") {
		t.Fatal("fleet metrics without -fleet")
	}
}

// TestServeRefusesToStartWhenNATSIsUnreachable: -fleet naming a server that
// does not answer stops the start with one error naming the URL.
func TestServeRefusesToStartWhenNATSIsUnreachable(t *testing.T) {
	o := newCountingOrigin(t, 0)
	url := "nats://" + freeAddr(t) // nothing listens there
	c, err := parseFlags("serve", []string{"-origin", o.URL, "-listen", "127.0.0.1:0", "-admin", "127.0.0.1:0", "-access-log", "off",
		"-cache-size", "256MiB", "-max-object-size", "8MiB", "-fleet", url}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = serve(ctx, c, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "-fleet "+url) {
		t.Fatalf("serve: %v, want an error naming -fleet %s", err, url)
	}
}
