package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/invalidation"
)

// wantXCache fetches url and checks X-Cache starts with want.
func wantXCache(t *testing.T, url, want string) {
	t.Helper()
	code, body, hdr := get(t, url)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("X-Cache"), want) {
		t.Fatalf("GET %s: %d %q X-Cache %q, want %s", url, code, body, hdr.Get("X-Cache"), want)
	}
}

func invalidate(t *testing.T, admin string, paths ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"invalidate", "-admin", strings.TrimPrefix(admin, "http://")}, paths...), &out, &errb)
	if err != nil {
		return errb.String(), err
	}
	return strings.TrimSpace(out.String()), nil
}

// TestInvalidateCommandMakesTheNextRequestMiss: `streamedge invalidate`
// against a flag-configured edge (no configuration file, so no SigV4 API)
// prints the invalidation's ID, and the next request for each covered path
// goes to the origin, while other paths stay hits.
func TestInvalidateCommandMakesTheNextRequestMiss(t *testing.T) {
	o := newCountingOrigin(t, 0)
	e := startEdge(t, "-origin", o.URL)
	for _, p := range []string{"/live/index.ts", "/vod/a.ts", "/vod/b.ts", "/other.ts"} {
		wantXCache(t, e.edge+p, "Miss")
		wantXCache(t, e.edge+p, "Hit")
	}
	id, err := invalidate(t, e.admin, "/live/index.ts", "/vod/*")
	if err != nil || !strings.HasPrefix(id, "I") || len(id) != 14 {
		t.Fatalf("streamedge invalidate: %q %v", id, err)
	}
	for _, p := range []string{"/live/index.ts", "/vod/a.ts", "/vod/b.ts"} {
		wantXCache(t, e.edge+p, "Miss")
		if o.count(p) != 2 {
			t.Fatalf("%s: %d origin requests, want 2", p, o.count(p))
		}
	}
	wantXCache(t, e.edge+"/other.ts", "Hit")
	if _, list, _ := get(t, e.admin+localInvalidationPath); !strings.Contains(list, `"id":"`+id+`"`) {
		t.Fatalf("GET %s: %s", localInvalidationPath, list)
	}
	if _, m, _ := get(t, e.admin+"/metrics"); !strings.Contains(m, "streamedge_invalidation_hits_total 3") ||
		!strings.Contains(m, "streamedge_invalidation_records 2") {
		t.Fatalf("invalidation metrics missing or wrong:\n%s", grepLines(m, "streamedge_invalidation"))
	}
	if code, body, _ := get(t, e.admin+"/2020-05-31/distribution/EDGE1/invalidation"); code != http.StatusNotFound || !strings.Contains(body, "API is off") {
		t.Fatalf("API without keys: %d %q", code, body)
	}
}

// TestInvalidateCommandErrors: every refusal is one clear line and changes
// nothing.
func TestInvalidateCommandErrors(t *testing.T) {
	o := newCountingOrigin(t, 0)
	e := startEdge(t, "-origin", o.URL)
	tests := []struct {
		rule  string
		admin string
		paths []string
		want  string
	}{
		{"no_paths", e.admin, nil, "name at least one path"},
		{"no_leading_slash", e.admin, []string{"vod/*"}, "does not start with /"},
		{"star_inside", e.admin, []string{"/v*d/a.ts"}, "has a * before its end"},
		{"no_edge_there", "127.0.0.1:1", []string{"/a.ts"}, "no edge answers on -admin 127.0.0.1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			msg, err := invalidate(t, tc.admin, tc.paths...)
			if err == nil {
				t.Fatalf("accepted: %q", msg)
			}
			if got := msg + err.Error(); !strings.Contains(got, tc.want) {
				t.Fatalf("error %q, want it to say %q", got, tc.want)
			}
		})
	}
	if _, list, _ := get(t, e.admin+localInvalidationPath); strings.TrimSpace(list) != "[]" {
		t.Fatalf("refused calls left invalidations: %s", list)
	}
	var errb bytes.Buffer
	if err := run(context.Background(), []string{"invalidate", "-h"}, io.Discard, &errb); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
}

// TestInvalidationsSurviveARestart: an invalidation made after objects were
// cached is saved beside -cache-file, so the edge restarted from the
// snapshot fetches the invalidated object again (the snapshot still holds
// its old copy) and serves the others from the snapshot.
func TestInvalidationsSurviveARestart(t *testing.T) {
	o := newCountingOrigin(t, 0)
	snap := filepath.Join(t.TempDir(), "cache")
	e := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	for _, p := range []string{"/vod/a.ts", "/vod/b.ts", "/keep.ts"} {
		wantXCache(t, e.edge+p, "Miss")
	}
	if _, err := invalidate(t, e.admin, "/vod/*"); err != nil {
		t.Fatal(err)
	}
	if _, m, _ := get(t, e.admin+"/metrics"); !strings.Contains(m, `streamedge_invalidation_saves_total{result="ok"} 1`) {
		t.Fatal("the invalidation was not saved at once")
	}
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	e2 := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	wantXCache(t, e2.edge+"/keep.ts", "Hit") // the snapshot was loaded
	for _, p := range []string{"/vod/a.ts", "/vod/b.ts"} {
		wantXCache(t, e2.edge+p, "Miss")
		wantXCache(t, e2.edge+p, "Hit")
		if o.count(p) != 2 {
			t.Fatalf("%s: %d origin requests, want 2", p, o.count(p))
		}
	}
	if !strings.Contains(e2.stderr.String(), "invalidations loaded") {
		t.Fatalf("start-up log: %s", e2.stderr.String())
	}
}

// TestUnreadableInvalidationsInvalidateTheSnapshot: when the invalidations
// file beside a good snapshot is damaged, the edge cannot know what was
// invalidated, so it treats everything the snapshot holds as invalidated
// (extra origin fetches, never a resurrected object) and says so.
func TestUnreadableInvalidationsInvalidateTheSnapshot(t *testing.T) {
	o := newCountingOrigin(t, 0)
	snap := filepath.Join(t.TempDir(), "cache")
	e := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	wantXCache(t, e.edge+"/a.ts", "Miss")
	if _, err := invalidate(t, e.admin, "/b.ts"); err != nil {
		t.Fatal(err)
	}
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(invalidationsFile(snap), []byte("seinv\x01garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	e2 := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	wantXCache(t, e2.edge+"/a.ts", "Miss")
	if !strings.Contains(e2.stderr.String(), "invalidations unreadable; every cached object loaded from the snapshot counts as invalidated") {
		t.Fatalf("start-up log: %s", e2.stderr.String())
	}
}

// TestLocalInvalidationOnlyFromLoopback: the keyless endpoint of
// `streamedge invalidate` refuses a client beyond the host even when -admin
// listens on every interface, and refuses bodies that are not a batch.
func TestLocalInvalidationOnlyFromLoopback(t *testing.T) {
	w := &invalWiring{set: invalidation.NewSet(invalidation.Limits{}, nil), log: slog.New(slog.DiscardHandler)}
	tests := []struct {
		rule, remote, body string
		want               int
	}{
		{"remote_client_refused", "10.0.0.7:40000", `{"paths":["/*"]}`, http.StatusForbidden},
		{"ipv6_loopback_accepted", "[::1]:40000", `{"paths":["/a.ts"]}`, http.StatusCreated},
		{"unknown_field_refused", "127.0.0.1:40000", `{"path":["/a.ts"]}`, http.StatusBadRequest},
		{"too_many_wildcards_refused", "127.0.0.1:40000", `{"paths":["/1*","/2*","/3*","/4*","/5*","/6*","/7*","/8*","/9*","/10*","/11*","/12*","/13*","/14*","/15*","/16*"]}`, http.StatusBadRequest},
		{"oversized_body_refused", "127.0.0.1:40000", `{"paths":["/` + strings.Repeat("a", maxLocalBody) + `"]}`, http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, localInvalidationPath, strings.NewReader(tc.body))
			r.RemoteAddr = tc.remote
			rec := httptest.NewRecorder()
			w.serveLocal(rec, r)
			if rec.Code != tc.want {
				t.Fatalf("%d %s, want %d", rec.Code, rec.Body, tc.want)
			}
		})
	}
	if n, _ := w.set.List("", 10); len(n) != 1 || w.set.Len() != 1 {
		t.Fatalf("%d invalidations, %d records after one accepted batch", len(n), w.set.Len())
	}
}
