package invalidation

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"testing"
)

// heldProgress says InProgress until done is set, and keeps what it was told.
type heldProgress struct {
	created []Invalidation
	done    bool
}

func (p *heldProgress) Created(inv Invalidation) { p.created = append(p.created, inv) }
func (p *heldProgress) Status(_ context.Context, _ Invalidation) string {
	if p.done {
		return StatusCompleted
	}
	return StatusInProgress
}

// TestAPIStatusIsProgressWhenSetElseCompleted: with a Progress, a new
// invalidation is handed to it once (not again for a repeated
// CallerReference) and Get and List report its status; without one
// (TestAPICreateGetListWithTheSDKSigner) every invalidation is Completed.
func TestAPIStatusIsProgressWhenSetElseCompleted(t *testing.T) {
	p := &heldProgress{}
	set := NewSet(Limits{}, nil)
	api, err := NewAPI(APIConfig{Distributions: map[string]*Set{testDist: set},
		AccessKeys: map[string]string{testKeyID: testSecret}, Progress: p})
	if err != nil {
		t.Fatal(err)
	}
	h := &apiHarness{srv: httptest.NewServer(api), set: set}
	t.Cleanup(h.srv.Close)
	for range 2 {
		if r := h.call(t, "POST", base, batchXML("ref-p", "/a.ts"), testSecret, nil); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
	}
	if len(p.created) != 1 {
		t.Fatalf("Progress told of %d invalidations, want 1", len(p.created))
	}
	status := func() (get, list string) {
		var inv invalidationOut
		_ = xml.Unmarshal([]byte(h.call(t, "GET", base+"/"+p.created[0].ID, "", testSecret, nil).body), &inv)
		var l listOut
		_ = xml.Unmarshal([]byte(h.call(t, "GET", base, "", testSecret, nil).body), &l)
		if l.Items == nil || len(l.Items.Summary) != 1 {
			t.Fatalf("list: %+v", l)
		}
		return inv.Status, l.Items.Summary[0].Status
	}
	if g, l := status(); g != StatusInProgress || l != StatusInProgress {
		t.Fatalf("held: get %q list %q, want InProgress", g, l)
	}
	p.done = true
	if g, l := status(); g != StatusCompleted || l != StatusCompleted {
		t.Fatalf("done: get %q list %q, want Completed", g, l)
	}
}
