package edge

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/streamedge/streamedge/invalidation"
	"github.com/streamedge/streamedge/origin"
)

// endedLL is an LL-HLS playlist that has ended.
const endedLL = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:0
#EXTINF:2.000,
seg_0.m4s
#EXT-X-PART:DURATION=0.500,URI="seg_1.part_0.m4s"
#EXTINF:2.000,
seg_1.m4s
#EXT-X-ENDLIST
`

// Once the playlist has EXT-X-ENDLIST the directives are ignored: any
// blocking request is answered at once, however far ahead it asks.
func TestLLHLSDirectivesIgnoredOnceThePlaylistEnded(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, staticHandler(map[string]string{"/ev/index.m3u8": endedLL},
			map[string]string{"Content-Type": "application/vnd.apple.mpegurl", "Cache-Control": "max-age=1"}))
		e := newTestEdge(t, o.URL, edgeOpts{})
		e.get(t, http.MethodGet, "/ev/index.m3u8")
		start := time.Now()
		for _, q := range []string{"_HLS_msn=999", "_HLS_msn=5&_HLS_part=3", "_HLS_msn=2&_HLS_skip=YES"} {
			r := e.get(t, http.MethodGet, "/ev/index.m3u8?"+q)
			if r.status != http.StatusOK || r.body != endedLL {
				t.Fatalf("%s on an ended playlist: %d %q", q, r.status, r.body)
			}
		}
		if took := time.Since(start); took > time.Second || o.count("/ev/index.m3u8") != 1 {
			t.Errorf("answered in %v with %d origin requests; want at once, from the edge", took, o.count("/ev/index.m3u8"))
		}
		if got := value(t, e.h.llm.releases.WithLabelValues(llEnded)); got != 3 {
			t.Errorf("releases{ended} = %v, want 3", got)
		}
	})
}

// Delta updates (_HLS_skip) are their own keys and their own holders: a
// delta request is answered with a delta playlist, a full one with a full
// playlist, one origin request each.
func TestLLHLSDeltaUpdatesAreKeyedAndHeldApart(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	full, delta := blockingURI("240p", msn, part, ""), blockingURI("240p", msn, part, "&_HLS_skip=YES")
	fullRes, deltaRes := e.getAll(context.Background(), 5, full), e.getAll(context.Background(), 5, delta)
	waitFor(t, func() bool { return e.h.ll.Held() == 10 })
	lo.advance(600 * time.Millisecond)
	for range 5 {
		f, d := <-fullRes, <-deltaRes
		if f.status != 200 || strings.Contains(f.body, "#EXT-X-SKIP") || !listsPart(f.body, msn, part) {
			t.Fatalf("full: %d, skip tag %v", f.status, strings.Contains(f.body, "#EXT-X-SKIP"))
		}
		if d.status != 200 || !strings.Contains(d.body, "#EXT-X-SKIP") || !listsPart(d.body, msn, part) {
			t.Fatalf("delta: %d, skip tag %v\n%s", d.status, strings.Contains(d.body, "#EXT-X-SKIP"), d.body)
		}
	}
	if lo.count(full) != 1 || lo.count(delta) != 1 {
		t.Errorf("origin requests: full %d, delta %d; want 1 each", lo.count(full), lo.count(delta))
	}
}

// A blocking response lives 6 × TD at the edge and for its clients (the
// CDN appendix), not the TD/2 of a bare live playlist; a blocking 4xx 4 × TD.
func TestLLHLSBlockingResponsesGetTheAppendixTTLs(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	if cc := pl.header.Get("Cache-Control"); cc != "max-age=1" {
		t.Errorf("bare live playlist Cache-Control %q, want max-age=1 (TD/2)", cc)
	}
	msn, part := hintOf(t, pl.body)
	uri := blockingURI("240p", msn, part, "")
	done := e.getAll(context.Background(), 1, uri)
	waitFor(t, func() bool { return lo.count(uri) == 1 })
	lo.advance(600 * time.Millisecond)
	if r := <-done; r.status != 200 || r.header.Get("Cache-Control") != "max-age=12" {
		t.Fatalf("blocking response %d Cache-Control %q, want max-age=12 (6 × TD)", r.status, r.header.Get("Cache-Control"))
	}
	var ttl time.Duration
	waitFor(t, func() bool { // holders may be answered just before the fill stores its copy
		hit, ok := e.h.store.Get(uri)
		if ok {
			ttl = hit.Entry.FreshUntil.Sub(hit.Entry.StoredAt)
			hit.Release()
		}
		return ok
	})
	if ttl != 12*time.Second {
		t.Errorf("stored TTL %v, want 12s", ttl)
	}
	// An MSN three past the end: the edge's copy is not fresh to the
	// instant, so it asks the origin, which refuses it (400, max-age=8).
	far := blockingURI("240p", msn+2, 0, "")
	for range 2 {
		if r := e.get(t, http.MethodGet, far); r.status != http.StatusBadRequest {
			t.Fatalf("origin refusal: %d", r.status)
		}
	}
	if c := lo.count(far); c != 1 {
		t.Errorf("a blocking 400 asked the origin %d times, want 1 (cached 4 × TD)", c)
	}
}

// A preload-hint part asked for before the origin has it is one coalesced
// fill streamed to every waiting player, and the origin holding it longer
// than -origin-timeout (up to 3 × TD) does not cut it.
func TestLLHLSHintedPartIsOneFillStreamedToEveryWaiter(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		lo := newLLOrigin(t, nil)
		e := newTestEdge(t, lo.URL, edgeOpts{originTimeout: 300 * time.Millisecond})
		pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
		msn, part := hintOf(t, pl.body)
		path := llBase + "240p/seg_" + itoa(msn) + ".part_" + itoa(int64(part)) + ".m4s"
		const n = 20
		results := e.getAll(context.Background(), n, path)
		waitFor(t, func() bool { return lo.count(path) == 1 && e.h.group.Followers() >= n-1 })
		time.Sleep(700 * time.Millisecond) // well past the edge's 300 ms origin timeout
		lo.advance(600 * time.Millisecond)
		var body string
		for range n {
			r := <-results
			if r.err != nil || r.status != http.StatusOK || len(r.body) == 0 || (body != "" && r.body != body) {
				t.Fatalf("waiter: %d %v, %d bytes", r.status, r.err, len(r.body))
			}
			body = r.body
		}
		if c := lo.count(path); c != 1 {
			t.Errorf("%d origin requests for the hinted part, want 1", c)
		}
		direct, err := http.Get(lo.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(direct.Body)
		direct.Body.Close()
		if string(want) != body {
			t.Errorf("streamed part (%d bytes) differs from the origin's (%d bytes)", len(body), len(want))
		}
	})
}

// Holding ends every goroutine: after holders released, holders whose
// clients left and holders timed out, the count is back to baseline.
func TestLLHLSHoldingLeavesNoGoroutine(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	e.client.Transport.(*http.Transport).CloseIdleConnections()
	runtime.GC()
	base := runtime.NumGoroutine()
	ctx, leave := context.WithCancel(context.Background())
	gone := e.getAll(ctx, 10, blockingURI("240p", msn, part+1, ""))
	released := e.getAll(context.Background(), 20, blockingURI("240p", msn, part, ""))
	waitFor(t, func() bool { return e.h.ll.Held() == 30 })
	leave()
	lo.advance(600 * time.Millisecond)
	for range 20 {
		if r := <-released; r.status != 200 {
			t.Fatalf("released holder: %d", r.status)
		}
	}
	for range 10 {
		<-gone
	}
	lo.advance(2 * time.Second) // the origin answers the abandoned blocking request too
	waitFor(t, func() bool { return e.h.ll.Held() == 0 && e.h.group.InFlight() == 0 })
	e.client.Transport.(*http.Transport).CloseIdleConnections()
	e.h.cfg.Origin.(*origin.Client).Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines %d, baseline %d\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// An origin that does not block answers a blocking request at once with a
// playlist lacking what was asked: that answer keeps a live playlist's
// lifetime (TD/2), not the 6 × TD of a satisfied blocking response.
func TestLLHLSUnsatisfiedBlockingAnswerKeepsTheLiveLifetime(t *testing.T) {
	live := strings.Replace(endedLL, "#EXT-X-ENDLIST\n", "", 1)
	o := newTestOrigin(t, staticHandler(map[string]string{"/nb/index.m3u8": live},
		map[string]string{"Content-Type": "application/vnd.apple.mpegurl", "Cache-Control": "max-age=12"}))
	e := newTestEdge(t, o.URL, edgeOpts{})
	r := e.get(t, http.MethodGet, "/nb/index.m3u8?_HLS_msn=2")
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "max-age=1" {
		t.Fatalf("unsatisfied blocking answer: %d Cache-Control %q, want max-age=1 (TD/2)", r.status, r.header.Get("Cache-Control"))
	}
}

// An invalidation covering the rendition makes the edge's kept playlist
// unusable: a blocking request it would have answered goes to the origin.
func TestLLHLSInvalidatedPlaylistIsNotAnAnswer(t *testing.T) {
	lo := newLLOrigin(t, nil)
	set := invalidation.NewSet(invalidation.Limits{}, invalidation.NewMetrics())
	e := newInvalidatingEdge(t, lo.URL, set, invalidation.NewMetrics())
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, _ := hintOf(t, pl.body)
	older := fmt.Sprintf("%s240p/index.m3u8?_HLS_msn=%d", llBase, msn-1)
	if err := set.Add([]string{llBase + "*"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.get(t, http.MethodGet, older); r.status != http.StatusOK || lo.count(older) != 1 {
		t.Errorf("after an invalidation: %d, %d origin requests for %s; want it asked of the origin", r.status, lo.count(older), older)
	}
}
