package edge

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/invalidation"
)

// invalidatingEdge is a real edge (on the subtest's front end) whose lookups
// consult set, with an access log and a registry holding the Set's metrics.
type invalidatingEdge struct {
	*testEdge
	reg *prometheus.Registry
	log *syncBuffer
}

func newInvalidatingEdge(t *testing.T, originURL string, set *invalidation.Set, m *invalidation.Metrics) *invalidatingEdge {
	t.Helper()
	e := newTestEdge(t, originURL, edgeOpts{})
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)
	log := &syncBuffer{}
	e.h.cfg.AccessLog, e.h.cfg.Invalidations = log, set
	return &invalidatingEdge{testEdge: e, reg: reg, log: log}
}

// logLines waits for n access-log records (each is written after its
// response went out) and returns them.
func logLines(t *testing.T, log *syncBuffer, n int) []map[string]any {
	t.Helper()
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if lines = strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) >= n {
			break
		}
	}
	var out []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("access log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestInvalidationMakesTheNextRequestMiss: once a path is invalidated, the
// very next request for a cached object it covers goes to the origin (exact
// paths, trailing-* wildcards, the query-string variants a wildcard covers);
// objects it does not cover stay hits; the refetched copy is a hit again.
// Each invalidated lookup is counted and logged.
func TestInvalidationMakesTheNextRequestMiss(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		bodies := map[string]string{"/live/index.m3u8": vodPlaylist, "/vod/a.ts": "A", "/vod/b.ts": "B",
			"/vod/sub/c.ts": "C", "/vodx.ts": "X", "/other/d.ts": "D"}
		o := newTestOrigin(t, staticHandler(bodies, map[string]string{"Cache-Control": "max-age=600"}))
		m := invalidation.NewMetrics()
		set := invalidation.NewSet(invalidation.Limits{}, m)
		e := newInvalidatingEdge(t, o.URL, set, m)
		targets := []string{"/live/index.m3u8", "/vod/a.ts", "/vod/b.ts", "/vod/sub/c.ts", "/vodx.ts", "/other/d.ts", "/vod/a.ts?v=2"}
		for _, p := range targets {
			wantCache(t, e.get(t, "GET", p), "Miss")
			wantCache(t, e.get(t, "GET", p), "Hit")
		}
		invalidatedAt := time.Now()
		if err := set.Add([]string{"/live/index.m3u8", "/vod/*"}, invalidatedAt); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			rule, path string
			missed     bool
		}{
			{"exact_path_misses", "/live/index.m3u8", true},
			{"wildcard_covers_a_file", "/vod/a.ts", true},
			{"wildcard_covers_a_sibling", "/vod/b.ts", true},
			{"wildcard_crosses_slashes", "/vod/sub/c.ts", true},
			{"wildcard_covers_query_variants", "/vod/a.ts?v=2", true},
			{"prefix_without_slash_untouched", "/vodx.ts", false},
			{"other_directory_untouched", "/other/d.ts", false},
		}
		for _, tc := range tests {
			path, _, _ := strings.Cut(tc.path, "?")
			before := o.count(path)
			r := e.get(t, "GET", tc.path)
			if r.status != http.StatusOK || r.body != bodies[path] {
				t.Fatalf("%s: %d %q", tc.rule, r.status, r.body)
			}
			if got := o.count(path) - before; got != map[bool]int{true: 1, false: 0}[tc.missed] {
				t.Errorf("%s: %s cost %d origin requests", tc.rule, tc.path, got)
			}
			if tc.missed {
				wantCache(t, r, "Miss")
				// A streamed body is stored once its fill has all of it,
				// a moment after the viewer has it.
				waitStoredAfter(t, e.testEdge, tc.path, invalidatedAt)
				wantCache(t, e.get(t, "GET", tc.path), "Hit") // the new copy was stored after the record
			} else {
				wantCache(t, r, "Hit")
			}
		}
		if got := gathered(t, e.reg, "streamedge_invalidation_hits_total"); got != 5 {
			t.Errorf("streamedge_invalidation_hits_total = %v, want 5", got)
		}
		logged := 0
		for _, l := range logLines(t, e.log, 2*len(targets)+2*len(tests)-2) {
			if l["invalidated"] == true {
				logged++
				if l["cache"] != resultMiss {
					t.Errorf("invalidated request logged as %v", l["cache"])
				}
			}
		}
		if logged != 5 {
			t.Errorf("%d access-log lines with invalidated=true, want 5", logged)
		}
	})
}

// TestInvalidationRemovesEveryVariant: an object stored per encoding class
// (Vary: Accept-Encoding) and per Origin (CORS) is invalidated by its path:
// every variant's next request goes to the origin, as CloudFront ignores
// header variants when it invalidates.
func TestInvalidationRemovesEveryVariant(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		honest := func(ae string) string {
			switch {
			case strings.Contains(ae, "br"):
				return "br"
			case strings.Contains(ae, "gzip"):
				return "gzip"
			}
			return ""
		}
		enc := codingOrigin(t, honest, true)
		cors := corsOrigin(t, false)
		m := invalidation.NewMetrics()
		set := invalidation.NewSet(invalidation.Limits{}, m)
		for _, tc := range []struct {
			name, originURL, path string
			variants              [][]string // request headers per variant
		}{
			{"encoding_classes", enc.URL, "/vod/index.m3u8", [][]string{nil, {"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br, gzip"}}},
			{"origins", cors.URL, "/cors/index.m3u8", [][]string{{"Origin", "https://a.example"}, {"Origin", "https://b.example"}, nil}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := newInvalidatingEdge(t, tc.originURL, set, invalidation.NewMetrics())
				for _, hdr := range tc.variants {
					wantCache(t, e.get(t, "GET", tc.path, hdr...), "Miss")
					wantCache(t, e.get(t, "GET", tc.path, hdr...), "Hit")
				}
				if err := set.Add([]string{tc.path}, time.Now()); err != nil {
					t.Fatal(err)
				}
				for _, hdr := range tc.variants {
					wantCache(t, e.get(t, "GET", tc.path, hdr...), "Miss")
					wantCache(t, e.get(t, "GET", tc.path, hdr...), "Hit")
				}
			})
		}
	})
}

// TestInvalidationOffByDefault: without a Set (edge.Config.Invalidations
// nil) nothing changes: hits stay hits.
func TestInvalidationOffByDefault(t *testing.T) {
	o := newTestOrigin(t, staticHandler(map[string]string{"/a.ts": "A"}, map[string]string{"Cache-Control": "max-age=600"}))
	e := newTestEdge(t, o.URL, edgeOpts{})
	wantCache(t, e.get(t, "GET", "/a.ts"), "Miss")
	wantCache(t, e.get(t, "GET", "/a.ts"), "Hit")
	if o.count("/a.ts") != 1 {
		t.Fatalf("%d origin requests", o.count("/a.ts"))
	}
}

// TestInvalidatedCopyIsNotServedStale: an invalidated copy is gone: when the
// origin then fails, the client gets the origin's error, not the copy
// (which stale-if-error would have served had it only expired).
func TestInvalidatedCopyIsNotServedStale(t *testing.T) {
	var failing atomic.Bool
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "packager down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", "max-age=1")
		_, _ = io.WriteString(w, "old segment")
	})
	set := invalidation.NewSet(invalidation.Limits{}, nil)
	e := newInvalidatingEdge(t, o.URL, set, invalidation.NewMetrics())
	wantCache(t, e.get(t, "GET", "/a.ts"), "Miss")
	failing.Store(true)
	if err := set.Add([]string{"/a.ts"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.get(t, "GET", "/a.ts"); r.status != http.StatusServiceUnavailable || strings.Contains(r.body, "old segment") {
		t.Fatalf("after the invalidation, with the origin failing: %d %q", r.status, r.body)
	}
}

// TestFollowerOfAnOlderFillGoesToTheOrigin: a request made after an
// invalidation does not share a fill whose origin response came before it
// (a slow segment still streaming): it fetches on its own and gets the new
// object, while the fill's first viewer still gets the old one whole.
func TestFollowerOfAnOlderFillGoesToTheOrigin(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		release := make(chan struct{})
		var version atomic.Int32
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=600")
			if version.Add(1) == 1 {
				w.Header().Set("Content-Length", "6")
				_, _ = io.WriteString(w, "old")
				w.(http.Flusher).Flush()
				<-release
				_, _ = io.WriteString(w, "old")
				return
			}
			_, _ = io.WriteString(w, "new")
		})
		set := invalidation.NewSet(invalidation.Limits{}, nil)
		e := newInvalidatingEdge(t, o.URL, set, invalidation.NewMetrics())
		var once sync.Once
		unblock := func() { once.Do(func() { close(release) }) }
		t.Cleanup(unblock) // before the servers close, should the test fail
		first := make(chan result, 1)
		go func() { first <- e.get(t, "GET", "/slow.ts") }()
		for deadline := time.Now().Add(5 * time.Second); e.h.group.InFlight() == 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the first fill never started")
			}
		}
		time.Sleep(50 * time.Millisecond) // its origin headers are in
		if err := set.Add([]string{"/slow.ts"}, time.Now()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if r := e.do(ctx, "GET", "/slow.ts"); r.status != http.StatusOK || r.body != "new" {
			t.Fatalf("request after the invalidation: %d %q %v (X-Cache %q)", r.status, r.body, r.err, r.header.Get("X-Cache"))
		}
		unblock()
		if r := <-first; r.body != "oldold" {
			t.Fatalf("first viewer: %d %q %v", r.status, r.body, r.err)
		}
		if o.count("/slow.ts") != 2 {
			t.Fatalf("%d origin requests, want 2", o.count("/slow.ts"))
		}
	})
}

// TestInvalidationCoversKeyedHeaderVariants: a behavior keying on a header
// stores one object per value; invalidating the path removes them all.
func TestInvalidationCoversKeyedHeaderVariants(t *testing.T) {
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		_, _ = io.WriteString(w, "lang "+r.Header.Get("X-Lang"))
	})
	m := invalidation.NewMetrics()
	set := invalidation.NewSet(invalidation.Limits{}, m)
	e := newTestEdge(t, o.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
		def.Keys = cachekey.New(cachekey.Config{Headers: []string{"X-Lang"}})
		return Single(def)
	}})
	e.h.cfg.Invalidations = set
	for _, lang := range []string{"en", "fr"} {
		e.get(t, "GET", "/a.txt", "X-Lang", lang)
		wantCache(t, e.get(t, "GET", "/a.txt", "X-Lang", lang), "Hit")
	}
	if err := set.Add([]string{"/a.txt"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "fr"} {
		if r := e.get(t, "GET", "/a.txt", "X-Lang", lang); !strings.HasPrefix(r.header.Get("X-Cache"), "Miss") || r.body != "lang "+lang {
			t.Errorf("%s after invalidating the path: X-Cache %q body %q", lang, r.header.Get("X-Cache"), r.body)
		}
	}
}

// waitStoredAfter waits until the store holds target's object stored after t.
func waitStoredAfter(t *testing.T, e *testEdge, target string, after time.Time) {
	t.Helper()
	path, query, _ := strings.Cut(target, "?")
	key, err := e.h.routes.Load().def.Keys.FromTarget(path, query)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if hit, ok := e.h.store.Get(key); ok {
			stored := hit.Entry.StoredAt
			hit.Release()
			if stored.After(after) {
				return
			}
		}
	}
	t.Fatalf("%s: no copy stored after the invalidation", target)
}
