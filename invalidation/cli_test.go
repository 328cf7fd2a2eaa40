package invalidation

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/awscli"
)

// Debian's aws CLI (awscli 2.9.x) drives the API unchanged: create, get, list
// and `wait invalidation-completed`, against a real listener on loopback.
func TestAWSCLIInvalidations(t *testing.T) {
	awscli.Ensure(t)
	h := newAPIHarness(t)
	env := []string{"AWS_ACCESS_KEY_ID=" + testKeyID, "AWS_SECRET_ACCESS_KEY=" + testSecret, "AWS_DEFAULT_REGION=us-east-1"}
	cli := func(env []string, args ...string) ([]byte, error) {
		t.Helper()
		return awscli.Run(t, 2*time.Minute, env, append([]string{"cloudfront", "--endpoint-url", h.srv.URL, "--output", "json"}, args...)...)
	}
	storedBefore := time.Now().Add(-time.Second)
	out, err := cli(env, "create-invalidation", "--distribution-id", testDist, "--paths", "/*", "/live/index.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Location     string
		Invalidation struct {
			Id, Status        string
			InvalidationBatch struct {
				Paths struct {
					Quantity int
					Items    []string
				}
				CallerReference string
			}
		}
	}
	if err := json.Unmarshal(out, &created); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	inv := created.Invalidation
	if inv.Status != "Completed" || inv.InvalidationBatch.Paths.Quantity != 2 || !strings.HasPrefix(inv.InvalidationBatch.CallerReference, "cli-") ||
		created.Location != h.srv.URL+base+"/"+inv.Id {
		t.Fatalf("create-invalidation printed %s", out)
	}
	if !h.set.Invalidated("/vod/seg1.ts", storedBefore) {
		t.Fatal("the CLI's /* did not invalidate")
	}

	if out, err = cli(env, "get-invalidation", "--distribution-id", testDist, "--id", inv.Id); err != nil ||
		!strings.Contains(string(out), `"Status": "Completed"`) {
		t.Fatalf("get-invalidation: %v %s", err, out)
	}
	if out, err = cli(env, "list-invalidations", "--distribution-id", testDist); err != nil ||
		!strings.Contains(string(out), `"Id": "`+inv.Id+`"`) {
		t.Fatalf("list-invalidations: %v %s", err, out)
	}
	// The CLI's paginator follows NextMarker: page by page it lists every one.
	for _, ref := range []string{"go-1", "go-2"} {
		if _, _, err := h.set.Create(ref, []string{"/" + ref}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if out, err = cli(env, "list-invalidations", "--distribution-id", testDist, "--page-size", "1"); err != nil ||
		strings.Count(string(out), `"Status": "Completed"`) != 3 {
		t.Fatalf("list-invalidations --page-size 1: %v %s", err, out)
	}
	euWest := append(env[:2:2], "AWS_DEFAULT_REGION=eu-west-1") // botocore signs with the client's region
	if out, err = cli(euWest, "get-invalidation", "--distribution-id", testDist, "--id", inv.Id); err != nil {
		t.Fatalf("get-invalidation signed for eu-west-1: %v %s", err, out)
	}
	if _, err = cli(env, "wait", "invalidation-completed", "--distribution-id", testDist, "--id", inv.Id); err != nil {
		t.Fatalf("wait invalidation-completed: %v", err)
	}

	wrong := []string{"AWS_ACCESS_KEY_ID=" + testKeyID, "AWS_SECRET_ACCESS_KEY=wrong", "AWS_DEFAULT_REGION=us-east-1"}
	before := h.set.Len()
	_, err = cli(wrong, "create-invalidation", "--distribution-id", testDist, "--paths", "/other/*")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("wrong secret: %v", err)
	}
	if h.set.Len() != before {
		t.Fatal("a wrongly signed CLI call changed the Set")
	}
	if n, _ := h.set.List("", 10); len(n) != 3 {
		t.Fatalf("%d invalidations after the refused call, want 3", len(n))
	}
}
