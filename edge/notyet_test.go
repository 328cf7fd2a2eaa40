package edge

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/dashlive"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/player-test/testorigin"
	"github.com/streamedge/streamedge/segments"
)

// publishingOrigin is a live HLS origin whose packager lags: the playlist
// (/live/index.m3u8, TARGETDURATION 1, MSN 10..12, optional extra tags)
// names segments that answer 404 until their delay after the playlist was
// first served has passed; a delay < 0 is 404 for ever, a path not in
// delays 404 too (gone or never made).
type publishingOrigin struct {
	*testOrigin
	mu     sync.Mutex
	served time.Time
}

func newPublishingOrigin(t *testing.T, extra string, delays map[string]time.Duration) *publishingOrigin {
	p := &publishingOrigin{}
	p.testOrigin = newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		if r.URL.Path == "/live/index.m3u8" && p.served.IsZero() {
			p.served = time.Now()
		}
		served := p.served
		p.mu.Unlock()
		if r.URL.Path == "/live/index.m3u8" {
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
			fmt.Fprintf(w, "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:10\n"+
				"#EXTINF:1,\nseg_10.ts\n#EXTINF:1,\nseg_11.ts\n#EXTINF:1,\nseg_12.ts\n%s", extra)
			return
		}
		d, ok := delays[r.URL.Path]
		if !ok || d < 0 || served.IsZero() || time.Since(served) < d {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("segment " + r.URL.Path))
	})
	return p
}

// notYetEdge is newTestEdge with an access log; opts adjust the
// configuration and its default route.
func notYetEdge(t *testing.T, originURL string, log *logBuffer, opts ...func(*Config, *Route)) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(oc.Close)
	cfg := Config{Store: segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}), Origin: oc,
		Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(), Registry: prometheus.NewRegistry()}
	if log != nil {
		cfg.AccessLog = log
	}
	rt := &Route{Name: "*", Origin: oc, Keys: cfg.Keys, Policy: cfg.Policy}
	for _, o := range opts {
		o(&cfg, rt)
	}
	if cfg.Routes, err = Single(rt); err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u2, ln, closeSrv := serveFront(t, h, frontOf(t))
	t.Cleanup(closeSrv)
	tr := &http.Transport{MaxIdleConnsPerHost: 100, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &testEdge{URL: u2, Listener: ln, h: h, client: &http.Client{Transport: tr, Timeout: 20 * time.Second}, close: closeSrv}
}

// logBuffer is an access log the test reads while the edge writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records are the access-log lines for uri.
func (s *logBuffer) records(t *testing.T, uri string) []accessRecord {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []accessRecord
	for _, line := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		var rec accessRecord
		if err := json.Unmarshal([]byte(line), &rec); err == nil && rec.URI == uri {
			out = append(out, rec)
		}
	}
	return out
}

// waitIdle waits until no fill is in flight: every hold ended.
func waitIdle(t *testing.T, h *Handler, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); h.group.InFlight() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d fills still in flight after %v", h.group.InFlight(), within)
		}
	}
}

// TestNotYetPublishedHeldUntilItAppears: a segment the cached live
// playlist lists (or names just past its end: the next MSN's URI, an
// EXT-X-PRELOAD-HINT) that the origin answers 404 for 300 ms is held, and
// 21 coalesced viewers all get the 200 from ONE fill (a few origin
// retries, not one per viewer); the object is then cached and the access
// log says not_yet=appeared.
func TestNotYetPublishedHeldUntilItAppears(t *testing.T) {
	cases := []struct{ name, extra, path string }{
		{"listed segment", "", "/live/seg_12.ts"},
		{"next media sequence number", "", "/live/seg_13.ts"},
		{"preload hint", `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_13.part0.mp4"` + "\n", "/live/seg_13.part0.mp4"},
	}
	onFronts(t, func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				o := newPublishingOrigin(t, tc.extra, map[string]time.Duration{tc.path: 300 * time.Millisecond})
				log := &logBuffer{}
				e := notYetEdge(t, o.URL, log)
				if r := e.get(t, "GET", "/live/index.m3u8"); r.status != 200 {
					t.Fatalf("playlist: %d %v", r.status, r.err)
				}
				fills := e.h.group.Started()
				t0 := time.Now()
				var wg sync.WaitGroup
				res := make([]result, 21)
				for i := range res {
					wg.Add(1)
					go func() { defer wg.Done(); res[i] = e.get(t, "GET", tc.path) }()
				}
				wg.Wait()
				took := time.Since(t0)
				for i, r := range res {
					if r.err != nil || r.status != 200 || r.body != "segment "+tc.path {
						t.Fatalf("viewer %d: %d %q %v", i, r.status, r.body, r.err)
					}
				}
				if took < 250*time.Millisecond || took > 1500*time.Millisecond {
					t.Errorf("answered after %v, want just after the 300 ms the origin lagged", took)
				}
				if n := e.h.group.Started() - fills; n != 1 {
					t.Errorf("%d fills for 21 viewers, want 1", n)
				}
				if r, k, _ := e.h.windows.Len(); r != 1 || k < 4 {
					t.Errorf("live window: %d renditions, %d keys; want the playlist's", r, k)
				}
				if n := o.count(tc.path); n < 2 || n > 5 {
					t.Errorf("origin asked %d times, want the first 404 and a few 200 ms retries", n)
				}
				waitIdle(t, e.h, time.Second)
				wantCache(t, e.get(t, "GET", tc.path), "Hit")
				if v := value(t, e.h.metrics.notYet.results.WithLabelValues(notYetAppeared, kindOf(tc.name))); v != 1 {
					t.Errorf("appeared = %v, want 1", v)
				}
				time.Sleep(50 * time.Millisecond) // the last access-log lines
				recs := log.records(t, tc.path)
				held := 0
				for _, rec := range recs {
					if rec.NotYet == notYetAppeared && rec.NotYetMS >= 200 {
						held++
					}
				}
				if held != 21 {
					t.Errorf("%d of %d log lines say not_yet=appeared with held_ms, want 21: %+v", held, len(recs), recs[0])
				}
			})
		}
	})
}

func kindOf(name string) string {
	if name == "listed segment" {
		return "listed"
	}
	return "next"
}

// TestNotYetOlderThanWindowCachedNegative: a 404 for a segment older than
// the playlist's window (or one no live manifest names) is answered at
// once and cached for the negative TTL, as before.
func TestNotYetOlderThanWindowCachedNegative(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newPublishingOrigin(t, "", nil)
		e := notYetEdge(t, o.URL, nil)
		e.get(t, "GET", "/live/index.m3u8")
		for _, path := range []string{"/live/seg_9.ts", "/other/seg_12.ts"} {
			t0 := time.Now()
			if r := e.get(t, "GET", path); r.status != 404 {
				t.Fatalf("%s: %d", path, r.status)
			}
			if took := time.Since(t0); took > 150*time.Millisecond {
				t.Errorf("%s: a 404 outside the window was held %v", path, took)
			}
			waitIdle(t, e.h, time.Second) // the fill stores just after its client has the body
			r := e.get(t, "GET", path)
			if r.status != 404 || o.count(path) != 1 || r.header.Get("Cache-Status") != "streamedge; hit" {
				t.Errorf("%s: second answer %d (%s), origin asked %d times; want the cached 404", path, r.status, r.header.Get("Cache-Status"), o.count(path))
			}
		}
	})
}

// TestNotYetOffCachesEvery404: on a route with NoHoldNotYet
// (media.hold_not_yet_published: false) a listed segment's 404 is answered
// at once and cached for the negative TTL.
func TestNotYetOffCachesEvery404(t *testing.T) {
	o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_12.ts": 300 * time.Millisecond})
	e := notYetEdge(t, o.URL, nil, func(_ *Config, rt *Route) { rt.NoHoldNotYet = true })
	e.get(t, "GET", "/live/index.m3u8")
	t0 := time.Now()
	if r := e.get(t, "GET", "/live/seg_12.ts"); r.status != 404 || time.Since(t0) > 150*time.Millisecond {
		t.Fatalf("%d after %v, want an immediate 404", r.status, time.Since(t0))
	}
	waitIdle(t, e.h, time.Second)
	if r := e.get(t, "GET", "/live/seg_12.ts"); r.status != 404 || r.header.Get("Cache-Status") != "streamedge; hit" {
		t.Errorf("second answer %d %s, want the cached 404", r.status, r.header.Get("Cache-Status"))
	}
}

// TestNotYetHoldKeepsOneFillSlot: a held fill retries under the one fill
// slot it was admitted with (-max-fills 1 here: its retries need no other
// and it completes), and that slot stays taken for the hold, so another
// miss waits -fill-wait and gets 503 as with any busy edge.
func TestNotYetHoldKeepsOneFillSlot(t *testing.T) {
	o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_12.ts": 300 * time.Millisecond, "/live/seg_11.ts": 0})
	e := notYetEdge(t, o.URL, nil, func(c *Config, _ *Route) { c.MaxFills, c.FillWait = 1, 50*time.Millisecond })
	e.get(t, "GET", "/live/index.m3u8")
	held := make(chan result, 1)
	go func() { held <- e.get(t, "GET", "/live/seg_12.ts") }()
	time.Sleep(100 * time.Millisecond)
	if r := e.get(t, "GET", "/live/seg_11.ts"); r.status != http.StatusServiceUnavailable {
		t.Errorf("a miss during the hold: %d, want 503 (the held fill has the only slot)", r.status)
	}
	if r := <-held; r.status != 200 {
		t.Fatalf("held segment: %d %v", r.status, r.err)
	}
	waitIdle(t, e.h, time.Second)
	if r := e.get(t, "GET", "/live/seg_11.ts"); r.status != 200 {
		t.Errorf("after the hold: %d", r.status)
	}
}

// TestNotYetGaveUpNotStored: a listed segment that stays 404 is held for
// min(target duration, 2 s) (1 s here), then the 404 is answered to every
// waiting viewer but not stored; the next miss is not held again (the same
// playlist), asks the origin, and is not stored either. Every fill ends.
func TestNotYetGaveUpNotStored(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_12.ts": -1})
		e := notYetEdge(t, o.URL, nil)
		e.get(t, "GET", "/live/index.m3u8")
		t0 := time.Now()
		var wg sync.WaitGroup
		res := make([]result, 5)
		for i := range res {
			wg.Add(1)
			go func() { defer wg.Done(); res[i] = e.get(t, "GET", "/live/seg_12.ts") }()
		}
		wg.Wait()
		took := time.Since(t0)
		for i, r := range res {
			if r.status != 404 {
				t.Fatalf("viewer %d: %d %v", i, r.status, r.err)
			}
		}
		if took < 900*time.Millisecond || took > 2*time.Second {
			t.Errorf("gave up after %v, want the 1 s target duration", took)
		}
		asked := o.count("/live/seg_12.ts")
		if asked < 4 || asked > 8 {
			t.Errorf("origin asked %d times in the hold, want one per 200 ms", asked)
		}
		t1 := time.Now()
		if cs := res[0].header.Get("Cache-Status"); strings.Contains(cs, "stored") {
			t.Errorf("the 404 after the hold was stored: %s", cs)
		}
		if r := e.get(t, "GET", "/live/seg_12.ts"); r.status != 404 || r.header.Get("Cache-Status") != "streamedge; fwd=miss; fwd-status=404" {
			t.Errorf("after giving up: %d %s, want an uncached 404", r.status, r.header.Get("Cache-Status"))
		}
		if took := time.Since(t1); took > 150*time.Millisecond || o.count("/live/seg_12.ts") != asked+1 {
			t.Errorf("after giving up: held %v again, origin asked %d times (want one more)", took, o.count("/live/seg_12.ts"))
		}
		if v := value(t, e.h.metrics.notYet.results.WithLabelValues(notYetGaveUp, "listed")); v != 1 {
			t.Errorf("gave_up = %v", v)
		}
		if v := value(t, e.h.metrics.notYet.results.WithLabelValues(notYetUnstored, "listed")); v != 1 {
			t.Errorf("unstored = %v", v)
		}
		waitIdle(t, e.h, time.Second)
	})
}

// TestNotYetViewerLeavingEndsHold: viewers that hang up while a fill holds
// a not-yet-published 404 leave it to end on its own bound; it stores the
// segment once it appears, and no fill is left running.
func TestNotYetViewerLeavingEndsHold(t *testing.T) {
	o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_12.ts": 300 * time.Millisecond})
	e := notYetEdge(t, o.URL, nil)
	e.get(t, "GET", "/live/index.m3u8")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r := e.do(ctx, "GET", "/live/seg_12.ts"); r.err == nil {
		t.Fatalf("the viewer did not time out: %d", r.status)
	}
	waitIdle(t, e.h, 2*time.Second)
	wantCache(t, e.get(t, "GET", "/live/seg_12.ts"), "Hit")
}

// TestNotYetDASHUpcomingAppears: through the edge, the test origin's live
// MPD (/live/dash/manifest.mpd: $Number$ segments 404 until available)
// makes a request for its next upcoming segment, sent 300 ms before that
// segment's availability time, wait for it and get the 200 once the
// origin has it (one fill); an upcoming segment more than 2 s away is not
// held (its 404 is cached as any other).
func TestNotYetDASHUpcomingAppears(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		to := testorigin.New(testorigin.Options{})
		o := newTestOrigin(t, to.ServeHTTP)
		e := notYetEdge(t, o.URL, nil)
		r := e.get(t, "GET", "/live/dash/manifest.mpd")
		if r.status != 200 {
			t.Fatalf("MPD: %d %v", r.status, r.err)
		}
		base, _ := url.Parse(e.URL + "/live/dash/manifest.mpd")
		reps, err := dashlive.Segments([]byte(r.body), base, time.Now(), dashlive.Options{Next: 2})
		if err != nil || len(reps) == 0 || len(reps[0].Upcoming) < 2 {
			t.Fatalf("MPD segments: %v (%d representations)", err, len(reps))
		}
		next, later := reps[0].Upcoming[0], reps[0].Upcoming[1]
		path := func(s dashlive.Segment) string { u, _ := url.Parse(s.URL); return u.Path }
		time.Sleep(time.Until(next.Available.Add(-300 * time.Millisecond)))

		if r := e.get(t, "GET", path(later)); r.status != 404 || time.Until(later.Available) < 2*time.Second {
			t.Fatalf("%s %v before it is available: %d", path(later), time.Until(later.Available), r.status)
		}
		fills := e.h.group.Started()
		var wg sync.WaitGroup
		res := make([]result, 5)
		for i := range res {
			wg.Add(1)
			go func() { defer wg.Done(); res[i] = e.get(t, "GET", path(next)) }()
		}
		wg.Wait()
		for i, r := range res {
			if r.status != 200 || r.err != nil {
				t.Fatalf("viewer %d: %s = %d %v", i, path(next), r.status, r.err)
			}
		}
		if late := time.Since(next.Available); late < 0 || late > 700*time.Millisecond {
			t.Errorf("answered %v after the segment's availability time", late)
		}
		if n := e.h.group.Started() - fills; n != 1 {
			t.Errorf("%d fills for 5 viewers, want 1", n)
		}
		if v := value(t, e.h.metrics.notYet.results.WithLabelValues(notYetAppeared, "upcoming")); v != 1 {
			t.Errorf("appeared (upcoming) = %v, want 1", v)
		}
		if v := value(t, e.h.metrics.notYet.results.WithLabelValues(notYetGaveUp, "upcoming")); v != 0 {
			t.Errorf("gave_up (upcoming) = %v", v)
		}
	})
}

// TestNotYetGivenUpIgnoresErrorCachingMinTTL: with a custom error response
// keeping 404s 10 s (error_caching_min_ttl), a 404 nothing vouches for is
// kept that long, but a held one that ran out is still not stored.
func TestNotYetGivenUpIgnoresErrorCachingMinTTL(t *testing.T) {
	o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_12.ts": -1})
	e := notYetEdge(t, o.URL, nil)
	rs, err := e.h.Routes().WithErrors(ErrorResponse{Status: 404, MinTTL: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.h.SetRoutes(rs)
	e.get(t, "GET", "/live/index.m3u8")
	for path, stored := range map[string]bool{"/live/seg_12.ts": false, "/live/seg_1.ts": true} {
		r := e.get(t, "GET", path)
		if cs := r.header.Get("Cache-Status"); r.status != 404 || strings.Contains(cs, "stored") != stored {
			t.Errorf("%s: %d %s; want stored %v", path, r.status, cs, stored)
		}
	}
}

// TestNotYetStored404DroppedWhenNamedNext: a 404 cached because a player
// asked for a segment before any playlist named it is dropped when a stored
// playlist names that segment as its next one, so the next request is held
// and gets the segment instead of the cached 404.
func TestNotYetStored404DroppedWhenNamedNext(t *testing.T) {
	o := newPublishingOrigin(t, "", map[string]time.Duration{"/live/seg_13.ts": 300 * time.Millisecond})
	e := notYetEdge(t, o.URL, nil)
	if r := e.get(t, "GET", "/live/seg_13.ts"); r.status != 404 {
		t.Fatalf("too early: %d", r.status)
	}
	waitIdle(t, e.h, time.Second)
	e.get(t, "GET", "/live/index.m3u8")
	if r := e.get(t, "GET", "/live/seg_13.ts"); r.status != 200 {
		t.Errorf("after the playlist named it next: %d %s, want the held 200", r.status, r.header.Get("Cache-Status"))
	}
}
