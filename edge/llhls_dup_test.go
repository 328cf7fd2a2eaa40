package edge

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/llhls"
	"github.com/streamedge/streamedge/variant"
)

// Every (playlist, msn, part, skip) costs the origin one request, however
// the players asking for the first part of the next segment are spread
// around its publication: before it (held), while the origin's answer comes
// back and after (answered from the edge's freshest playlist).
func TestLLHLSFirstPartOfASegmentCostsOneOriginRequest(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{compress: true})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	msn, part := hintOf(t, pl.body)
	if part != 0 {
		t.Fatalf("hint is part %d.%d, want the first part of a segment", msn, part)
	}
	uris := []string{blockingURI("240p", msn, 0, ""), blockingURI("240p", msn, 0, "&_HLS_skip=YES")}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	stop := time.Now().Add(1500 * time.Millisecond)
	for i := range 80 {
		uri := uris[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if r := e.do(ctx, http.MethodGet, uri, "Accept-Encoding", "gzip"); r.err != nil || r.status != http.StatusOK {
					t.Errorf("%s: %d %v", uri, r.status, r.err)
					return
				}
				time.Sleep(time.Duration(i%7) * time.Millisecond)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	lo.advance(600 * time.Millisecond) // part 0 of msn is published
	wg.Wait()
	for _, uri := range uris {
		if c := lo.count(uri); c != 1 {
			t.Errorf("%d origin requests for %s, want 1", c, uri)
		}
	}
}

// heldAt is the response a held blocking request for uri gets once the
// origin publishes what it asks for (the clock moves on by 600 ms).
func heldAt(t *testing.T, e *testEdge, lo *llOrigin, uri string) result {
	t.Helper()
	ch := make(chan result, 1)
	go func() { ch <- e.do(t.Context(), http.MethodGet, uri, "Accept-Encoding", "gzip") }()
	waitFor(t, func() bool { return lo.count(uri) == 1 })
	lo.advance(600 * time.Millisecond)
	r := <-ch
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("%s: %d %v", uri, r.status, r.err)
	}
	return r
}

// fetchAsIfMissedEarlier runs the fetch stage of a request for key that
// looked the store up before anything was stored (its fill key is the base
// key), as the handler does; it returns the response.
func fetchAsIfMissedEarlier(e *testEdge, key string, ll *llExchange) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, key, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	x := &exchange{w: &countingWriter{sink: &netSink{ResponseWriter: rec}}, r: &netRequest{r: req},
		start: e.h.now(), result: resultMiss, key: key, vary: varyOf(req.Header), ll: ll}
	e.h.useRoute(x, e.h.routes.Load().def)
	e.h.fetch(x, key, nil)
	return rec
}

// A requester that missed the store just before the first fill of its key
// stored a compressed playlist (a variant marker at the base key, the
// variant beside it) and reached the fill election just after that fill
// left is answered from the store: no second origin request for the same
// (playlist, msn, part, skip). The bench's duplicate: the election looked
// for a fresh entry at the base key and found only the marker.
func TestLLHLSLateElectionFindsTheCompressedCopy(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{compress: true})
	msn, _ := hintOf(t, e.get(t, http.MethodGet, llBase+"240p/index.m3u8").body)
	uri := blockingURI("240p", msn, 0, "&_HLS_skip=YES")
	heldAt(t, e, lo, uri)
	waitFor(t, func() bool { _, fk, _ := e.h.lookup(uri, variant.Request{Class: "gzip"}); return fk != uri })
	rec := fetchAsIfMissedEarlier(e, uri, nil)
	if rec.Code != http.StatusOK || !listsPart(gunzipped(t, rec), msn, 0) {
		t.Fatalf("late election: %d, part %d.0 listed %v", rec.Code, msn, listsPart(gunzipped(t, rec), msn, 0))
	}
	time.Sleep(50 * time.Millisecond) // a second fill would have reached the origin by now
	if c := lo.count(uri); c != 1 {
		t.Errorf("%d origin requests for %s, want 1", c, uri)
	}
}

// A held request that a newer playlist released before it reached its
// fill's election is answered from that playlist: it starts no fill.
func TestLLHLSReleasedHolderStartsNoFill(t *testing.T) {
	lo := newLLOrigin(t, nil)
	e := newTestEdge(t, lo.URL, edgeOpts{compress: true})
	msn, _ := hintOf(t, e.get(t, http.MethodGet, llBase+"240p/index.m3u8").body)
	heldAt(t, e, lo, blockingURI("240p", msn, 0, "&_HLS_skip=YES")) // the edge's delta playlist lists msn.0
	uri := blockingURI("240p", msn-1, 0, "&_HLS_skip=YES")          // never fetched
	d, err := llhls.Parse(queryOf(uri))
	if err != nil {
		t.Fatal(err)
	}
	rend := llhls.Rendition(uri)
	holder, err := e.h.ll.Hold(t.Context(), rend, d, 6*time.Second) // released at once
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Leave()
	rec := fetchAsIfMissedEarlier(e, uri, &llExchange{d: d, rendition: rend, holder: holder, start: e.h.now()})
	if rec.Code != http.StatusOK || !listsPart(rec.Body.String(), msn, 0) {
		t.Fatalf("released holder: %d, part %d.0 listed %v", rec.Code, msn, listsPart(rec.Body.String(), msn, 0))
	}
	time.Sleep(50 * time.Millisecond)
	if c := lo.count(uri); c != 0 {
		t.Errorf("%d origin requests for %s, want 0 (answered from the released playlist)", c, uri)
	}
}

func gunzipped(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Header().Get("Content-Encoding") != "gzip" {
		return rec.Body.String()
	}
	zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
