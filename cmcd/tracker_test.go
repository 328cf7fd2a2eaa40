package cmcd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func mustParse(t *testing.T, s string) *Data {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func newTestTracker(t *testing.T, max int) (*Tracker, *Metrics) {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return NewTracker(max, m), m
}

// TestTrackerCountsPerSession: requests, starvation flags, object types and
// the latest session keys per sid.
func TestTrackerCountsPerSession(t *testing.T) {
	tr, m := newTestTracker(t, 10)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tr.Observe(mustParse(t, `ot=m,sf=h,sid="a",st=l,cid="live1"`), t0)
	tr.Observe(mustParse(t, `br=3200,ot=v,sid="a"`), t0.Add(time.Second))
	tr.Observe(mustParse(t, `bs,br=1600,ot=v,sid="a"`), t0.Add(2*time.Second))
	tr.Observe(mustParse(t, `ot=a,sid="b"`), t0.Add(3*time.Second))
	tr.Observe(mustParse(t, `bs,ot=v`), t0.Add(4*time.Second)) // no sid: metrics only
	s, ok := tr.Lookup("a")
	if !ok || s.Requests != 3 || s.Starvations != 1 || s.ObjectTypes["v"] != 2 || s.ObjectTypes["m"] != 1 ||
		s.LastBitrate != 1600 || s.CID != "live1" || s.Format != "h" || s.StreamType != "l" ||
		!s.FirstSeen.Equal(t0) || !s.LastSeen.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("session a = %+v", s)
	}
	if got := testutil.ToFloat64(m.requests.WithLabelValues("v")); got != 3 {
		t.Errorf("requests{ot=v} = %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.starvations); got != 2 {
		t.Errorf("starvations = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.sessionsNow); got != 2 {
		t.Errorf("sessions = %v, want 2", got)
	}
}

// TestTrackerEvictsLeastRecentlySeen: no client can make the tracker hold
// more than its bound; the session seen longest ago goes first.
func TestTrackerEvictsLeastRecentlySeen(t *testing.T) {
	tr, m := newTestTracker(t, 3)
	now := time.Unix(0, 0)
	for _, sid := range []string{"a", "b", "c", "a", "d", "e"} {
		now = now.Add(time.Second)
		tr.Observe(mustParse(t, fmt.Sprintf(`ot=v,sid=%q`, sid)), now)
	}
	list, n := tr.Snapshot(10)
	if n != 3 || len(list) != 3 || list[0].SID != "e" || list[1].SID != "d" || list[2].SID != "a" {
		t.Fatalf("sessions = %d %+v", n, list)
	}
	if got := testutil.ToFloat64(m.evictions); got != 2 {
		t.Errorf("evictions = %v, want 2", got)
	}
	for i := 0; i < 1000; i++ {
		tr.Observe(mustParse(t, fmt.Sprintf(`sid="x%d"`, i)), now)
	}
	if _, n := tr.Snapshot(0); n != 3 {
		t.Errorf("tracked %d sessions, bound 3", n)
	}
}

func TestObjectTypeLabelsAreBounded(t *testing.T) {
	tr, m := newTestTracker(t, 10)
	for _, p := range []string{`ot=zz`, `ot=q1`, `br=1`, `ot=tt`} {
		tr.Observe(mustParse(t, p), time.Now())
	}
	if n := testutil.CollectAndCount(m.requests); n != 3 { // unknown, none, tt
		t.Errorf("%d ot label values, want 3", n)
	}
}

// TestViewHandler serves the tracker over a real HTTP server.
func TestViewHandler(t *testing.T) {
	tr, _ := newTestTracker(t, 50)
	now := time.Now()
	for i := 0; i < 20; i++ {
		tr.Observe(mustParse(t, fmt.Sprintf(`bs,ot=v,sid="s%02d"`, i)), now.Add(time.Duration(i)*time.Second))
	}
	srv := httptest.NewServer(tr)
	defer srv.Close()
	var v view
	get(t, srv.URL+"?limit=5", http.StatusOK, &v)
	if v.Sessions != 20 || v.MaxSessions != 50 || len(v.List) != 5 || v.List[0].SID != "s19" || v.List[0].Starvations != 1 {
		t.Fatalf("view = %+v", v)
	}
	var s Session
	get(t, srv.URL+"?sid=s03", http.StatusOK, &s)
	if s.SID != "s03" || s.ObjectTypes["v"] != 1 {
		t.Errorf("session = %+v", s)
	}
	get(t, srv.URL+"?sid=nope", http.StatusNotFound, nil)
	get(t, srv.URL+"?limit=-1", http.StatusBadRequest, nil)
	resp, err := http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d", resp.StatusCode)
	}
}

func get(t *testing.T, url string, status int, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("GET %s = %d, want %d", url, resp.StatusCode, status)
	}
	if v != nil {
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTrackerConcurrentUse(t *testing.T) {
	tr, _ := newTestTracker(t, 16)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				d := Data{SessionID: fmt.Sprintf("s%d", (g*7+i)%40), ObjectType: "v"}
				d.present = 1<<SID | 1<<OT
				tr.Observe(&d, time.Now())
				tr.Snapshot(4)
			}
		}()
	}
	wg.Wait()
	if _, n := tr.Snapshot(100); n != 16 {
		t.Errorf("tracked %d, want 16", n)
	}
}

// TestReadCountsInvalidAndObserves: one call per request reads, counts a
// bad payload and still tracks the keys that parsed.
func TestReadCountsInvalidAndObserves(t *testing.T) {
	tr, m := newTestTracker(t, 10)
	r := httptest.NewRequest("GET", "/v/seg.m4s?CMCD=br%3Dfast%2Cot%3Dv%2Csid%3D%22p1%22", nil)
	d, err := tr.Read(r, time.Now())
	if err == nil || d.ObjectType != "v" {
		t.Fatalf("Read = %+v, %v", d, err)
	}
	if got := testutil.ToFloat64(m.invalid); got != 1 {
		t.Errorf("invalid = %v, want 1", got)
	}
	if s, ok := tr.Lookup("p1"); !ok || s.Requests != 1 {
		t.Errorf("session p1 = %+v, %v", s, ok)
	}
}
