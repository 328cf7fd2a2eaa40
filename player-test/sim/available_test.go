package sim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// TestHeldTimesRunFromAvailabilityToTheFirstBodyByte: a server that sends
// its headers at once, says the part becomes available 200 ms later and
// sends the body 100 ms after that is measured at about 100 ms from the
// availability to the first body byte (the headers, before the
// availability, would give 0), and the last byte after it.
func TestHeldTimesRunFromAvailabilityToTheFirstBodyByte(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now().Add(200 * time.Millisecond)
		w.Header().Set(HeaderAvailableAt, at.UTC().Format(time.RFC3339Nano))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(time.Until(at.Add(100 * time.Millisecond)))
		_, _ = w.Write([]byte("first"))
		w.(http.Flusher).Flush()
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte("last"))
	}))
	defer srv.Close()
	m := NewMetrics()
	f := &fetcher{client: srv.Client(), m: m}
	u, _ := url.Parse(srv.URL + "/live/llhls/240p/seg_1.part_0.m4s")
	if _, err := f.fetch(context.Background(), u, ReqSegment, nil, false); err != nil {
		t.Fatal(err)
	}
	h := m.Report(time.Second, 1).HeldParts
	if h == nil || h.Count != 1 {
		t.Fatalf("held parts %+v: want one holder", h)
	}
	if h.FirstP50MS < 90 || h.FirstP50MS > 140 || h.LastP50MS < h.FirstP50MS+40 {
		t.Errorf("first body byte %.1f ms, last byte %.1f ms after availability: want ≈100 and ≈150", h.FirstP50MS, h.LastP50MS)
	}
}

// TestResponsesAfterTheAvailabilityAreNotHolders: a response whose part was
// available before the request was sent is no holder.
func TestResponsesAfterTheAvailabilityAreNotHolders(t *testing.T) {
	m := NewMetrics()
	h := http.Header{HeaderAvailableAt: {time.Now().Add(-time.Second).UTC().Format(time.RFC3339Nano)}}
	now := time.Now()
	m.observeAvailable(ReqSegment, h, now, now, now)
	if r := m.Report(time.Second, 1); r.HeldParts != nil {
		t.Errorf("held parts %+v: want none", r.HeldParts)
	}
}

// TestFirstRequestIsTheEarliestSent: an object's first request is the one
// sent first, whatever order the answers came in; parts, init sections and
// segments are counted apart; every cache's hit header is read.
func TestFirstRequestIsTheEarliestSent(t *testing.T) {
	var f firstRequests
	t0 := time.Now()
	f.observe("/a/seg_1.m4s", t0.Add(time.Millisecond), true)
	f.observe("/a/seg_1.m4s", t0, false) // sent earlier, answered later: the first
	f.observe("/a/seg_2.m4s", t0, true)
	f.observe("/a/seg_2.m4s", t0.Add(time.Millisecond), false)
	f.observe("/a/seg_2.part_1.m4s", t0, false)
	f.observe("/a/init.mp4", t0, true)
	got := f.classes()
	want := map[string]FirstHits{"segment": {2, 1, 0.5}, "part": {1, 0, 0}, "init": {1, 1, 1}}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %+v, want %+v", k, got[k], w)
		}
	}
	for _, c := range []struct {
		h   http.Header
		hit bool
	}{
		{http.Header{"X-Cache": {"Hit from streamedge"}}, true},
		{http.Header{"X-Cache": {"Miss from streamedge"}}, false},
		{http.Header{"X-Cache": {"HIT"}}, true},          // Varnish
		{http.Header{"X-Cache-Status": {"HIT"}}, true},   // nginx
		{http.Header{"X-Cache-Status": {"MISS"}}, false}, // nginx
		{http.Header{"X-Cache": {"hit-fresh"}}, true},    // ATS xcache
		{http.Header{}, false},
	} {
		if isHit(c.h) != c.hit {
			t.Errorf("isHit(%v) = %v", c.h, !c.hit)
		}
	}
}
