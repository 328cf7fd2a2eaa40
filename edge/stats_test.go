package edge

import (
	"math"
	"net/http"
	"testing"
	"time"
)

// TestStatsOriginOffloadIsShareOfRequestsSpared: 4 GETs of one segment (one
// fill) and one POST (pass-through) are 5 client requests and 2 origin
// requests, so the origin was spared 3 of 5.
func TestStatsOriginOffloadIsShareOfRequestsSpared(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Content-Type", "video/mp2t")
		_, _ = w.Write([]byte("segment"))
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	if s := e.h.Stats(); s.ClientRequests != 0 || s.HitRatio() != 0 || s.OriginOffload() != 0 {
		t.Fatalf("before any request: %+v", s)
	}
	for i := range 4 {
		wantCache(t, e.get(t, "GET", "/v/seg1.ts"), "")
		if i == 0 { // the fill ends after its viewer's last byte: a request joining it counts as coalesced
			waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
		}
	}
	_ = e.get(t, "POST", "/v/seg1.ts")
	s := e.h.Stats()
	for deadline := time.Now().Add(2 * time.Second); s.ClientRequests < 5 && time.Now().Before(deadline); s = e.h.Stats() {
		time.Sleep(10 * time.Millisecond) // a request is counted after its response is written
	}
	if s.ClientRequests != 5 || s.ByResult["miss"] != 1 || s.ByResult["hit"] != 3 || s.CacheHits != 3 ||
		s.PassThrough != 1 || s.OriginRequests != 2 {
		t.Fatalf("stats = %+v", s)
	}
	if got := o.count("/v/seg1.ts"); int64(got) != s.OriginRequests {
		t.Errorf("origin counted %d requests, Stats says %d", got, s.OriginRequests)
	}
	if math.Abs(s.OriginOffload()-0.6) > 1e-9 || math.Abs(s.HitRatio()-0.6) > 1e-9 {
		t.Errorf("offload %v hit ratio %v, want 0.6 and 0.6", s.OriginOffload(), s.HitRatio())
	}
}

func TestStatsOriginOffloadNeverNegative(t *testing.T) {
	if got := (Stats{ClientRequests: 2, OriginRequests: 3}).OriginOffload(); got != 0 {
		t.Errorf("offload = %v, want 0", got)
	}
}
