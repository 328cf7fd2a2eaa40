package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/awscli"
)

const (
	cliKeyID  = "AKIAEDGE0001"
	cliSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// cliEdge is the edge `serve -config` wires from a configuration file whose
// invalidation section names distribution EDGE1 and one access key.
func cliEdge(t *testing.T, o *countingOrigin) *running {
	t.Helper()
	path := filepath.Join(t.TempDir(), "edge.yaml")
	yaml := fmt.Sprintf(`origins:
  packager:
    url: %s
default_behavior:
  origin: packager
invalidation:
  distribution_id: EDGE1
  access_keys:
    - id: %s
      secret: %s
`, o.URL, cliKeyID, cliSecret)
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return startEdge(t, "-config", path)
}

// TestAWSCLIInvalidatesThroughTheAdminListener: Debian's aws CLI, unchanged,
// drives the wired edge's admin listener: a wrongly signed
// create-invalidation gets CloudFront's 403 AccessDenied and changes
// nothing (the cached object stays a hit); then create-invalidation --paths
// "/*", get-invalidation, list-invalidations and wait
// invalidation-completed succeed, and the next request for a cached path
// misses.
func TestAWSCLIInvalidatesThroughTheAdminListener(t *testing.T) {
	awscli.Ensure(t)
	o := newCountingOrigin(t, 0)
	e := cliEdge(t, o)
	for _, p := range []string{"/live/seg1.ts", "/vod/a.ts"} {
		wantXCache(t, e.edge+p, "Miss")
		wantXCache(t, e.edge+p, "Hit")
	}
	env := func(secret string) []string {
		return []string{"AWS_ACCESS_KEY_ID=" + cliKeyID, "AWS_SECRET_ACCESS_KEY=" + secret, "AWS_DEFAULT_REGION=us-east-1"}
	}
	cli := func(secret string, args ...string) ([]byte, error) {
		t.Helper()
		return awscli.Run(t, 2*time.Minute, env(secret), append([]string{"cloudfront", "--endpoint-url", e.admin, "--output", "json"}, args...)...)
	}

	_, err := cli("not-the-secret-at-all", "create-invalidation", "--distribution-id", "EDGE1", "--paths", "/*")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("wrongly signed create-invalidation: %v", err)
	}
	code, body, hdr := post(t, e.admin+"/2020-05-31/distribution/EDGE1/invalidation", "<InvalidationBatch/>")
	if code != http.StatusForbidden || hdr.Get("Content-Type") != "text/xml" || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("unsigned call: %d %s %q", code, hdr.Get("Content-Type"), body)
	}
	wantXCache(t, e.edge+"/vod/a.ts", "Hit") // nothing changed
	if out, err := cli(cliSecret, "list-invalidations", "--distribution-id", "EDGE1"); err != nil || strings.Contains(string(out), `"Id"`) {
		t.Fatalf("after refused calls, list-invalidations: %v %s", err, out)
	}

	out, err := cli(cliSecret, "create-invalidation", "--distribution-id", "EDGE1", "--paths", "/*")
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Location     string
		Invalidation struct{ Id, Status string }
	}
	if err := json.Unmarshal(out, &created); err != nil || created.Invalidation.Status != "Completed" ||
		created.Location != e.admin+"/2020-05-31/distribution/EDGE1/invalidation/"+created.Invalidation.Id {
		t.Fatalf("create-invalidation printed %s (%v)", out, err)
	}
	id := created.Invalidation.Id
	if out, err := cli(cliSecret, "get-invalidation", "--distribution-id", "EDGE1", "--id", id); err != nil ||
		!strings.Contains(string(out), `"Status": "Completed"`) || !strings.Contains(string(out), `"/*"`) {
		t.Fatalf("get-invalidation: %v %s", err, out)
	}
	if out, err := cli(cliSecret, "list-invalidations", "--distribution-id", "EDGE1"); err != nil || !strings.Contains(string(out), `"Id": "`+id+`"`) {
		t.Fatalf("list-invalidations: %v %s", err, out)
	}
	if _, err := cli(cliSecret, "wait", "invalidation-completed", "--distribution-id", "EDGE1", "--id", id); err != nil {
		t.Fatalf("wait invalidation-completed: %v", err)
	}
	if _, err := cli(cliSecret, "get-invalidation", "--distribution-id", "OTHER", "--id", id); err == nil || !strings.Contains(err.Error(), "NoSuchDistribution") {
		t.Fatalf("another distribution: %v", err)
	}
	for _, p := range []string{"/live/seg1.ts", "/vod/a.ts"} {
		wantXCache(t, e.edge+p, "Miss")
		if o.count(p) != 2 {
			t.Fatalf("%s: %d origin requests, want 2", p, o.count(p))
		}
	}
	_, m, _ := get(t, e.admin+"/metrics")
	for _, want := range []string{`streamedge_invalidation_api_requests_total{code="AccessDenied",op="unknown"} 2`,
		`streamedge_invalidation_api_requests_total{code="OK",op="create"} 1`, "streamedge_invalidation_paths_total 1"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func post(t *testing.T, url, body string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Post(url, "text/xml", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}
