package edge

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/player-test/testorigin"
)

const llBase = "/live/llhls/"

// llOrigin is the player-test origin (/live/llhls/) on a clock the test
// moves: a part is published only when the clock passes it. It counts
// requests per request-target (path and query) and can gate requests.
type llOrigin struct {
	*httptest.Server
	o    *testorigin.Origin
	off  atomic.Int64
	mu   sync.Mutex
	uris map[string]int
	gate func(r *http.Request) // called before serving, may block
}

func newLLOrigin(t *testing.T, gate func(r *http.Request)) *llOrigin {
	t.Helper()
	base := time.Now()
	lo := &llOrigin{uris: map[string]int{}, gate: gate}
	lo.o = testorigin.New(testorigin.Options{Now: func() time.Time { return base.Add(time.Duration(lo.off.Load())) }})
	// 20.3 s on: a full 24 s window (delta updates skip), 0.3 s into a
	// segment's slot (no part of it published yet; its part 0 is the hint).
	lo.off.Store(int64(20300 * time.Millisecond))
	lo.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lo.mu.Lock()
		lo.uris[r.URL.RequestURI()]++
		lo.mu.Unlock()
		if lo.gate != nil {
			lo.gate(r)
		}
		lo.o.ServeHTTP(w, r)
	}))
	t.Cleanup(lo.Close)
	t.Cleanup(func() { lo.advance(10 * time.Second) }) // first: requests the origin still holds end
	return lo
}

// advance moves the origin's clock (the origin polls it every 50 ms).
func (lo *llOrigin) advance(d time.Duration) { lo.off.Add(int64(d)) }

func (lo *llOrigin) count(uri string) int {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	return lo.uris[uri]
}

// counts is a copy of the per-target counts.
func (lo *llOrigin) counts() map[string]int {
	lo.mu.Lock()
	defer lo.mu.Unlock()
	m := make(map[string]int, len(lo.uris))
	for k, v := range lo.uris {
		m[k] = v
	}
	return m
}

var hintRE = regexp.MustCompile(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg_(\d+)\.part_(\d+)\.m4s"`)

// hintOf is the MSN and part index of a playlist's preload hint.
func hintOf(t *testing.T, body string) (int64, int) {
	t.Helper()
	m := hintRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no preload hint in\n%s", body)
	}
	msn, _ := strconv.ParseInt(m[1], 10, 64)
	k, _ := strconv.Atoi(m[2])
	return msn, k
}

// blockingURI is the request-target of a blocking reload (the key's order).
func blockingURI(rend string, msn int64, part int, extra string) string {
	return fmt.Sprintf("%s%s/index.m3u8?_HLS_msn=%d&_HLS_part=%d%s", llBase, rend, msn, part, extra)
}

// listsPart reports whether a playlist lists the part (an EXT-X-PART, not
// the preload hint).
func listsPart(body string, msn int64, part int) bool {
	uri := fmt.Sprintf(`URI="seg_%d.part_%d.m4s"`, msn, part)
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "#EXT-X-PART:") && strings.Contains(l, uri) {
			return true
		}
	}
	return false
}

// getAll starts n concurrent GETs of uri and returns their results' channel.
func (e *testEdge) getAll(ctx context.Context, n int, uri string) <-chan result {
	out := make(chan result, n)
	for range n {
		go func() { out <- e.do(ctx, http.MethodGet, uri) }()
	}
	return out
}

func llhlsBound(perPlaylist int) llhls.Config {
	return llhls.Config{MaxHoldersPerPlaylist: perPlaylist}
}
