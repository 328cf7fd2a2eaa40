package dashlive

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/player-test/testorigin"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestTestOriginLiveMPD computes the segments of the test origin's live
// MPD (/live/dash/manifest.mpd, $Number$ with @duration) and fetches them
// from the real origin: every listed available segment and init section
// exists (200), every upcoming one does not yet (404) and does once the
// clock reaches its computed availability time.
func TestTestOriginLiveMPD(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv := httptest.NewServer(testorigin.New(testorigin.Options{Now: clk.Now}))
	defer srv.Close()
	clk.Set(clk.Now().Add(37*time.Second + 300*time.Millisecond)) // mid-segment, well into the stream

	resp, err := http.Get(srv.URL + "/live/dash/manifest.mpd")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("MPD: %d, %v", resp.StatusCode, err)
	}
	base, _ := url.Parse(srv.URL + "/live/dash/manifest.mpd")
	reps, err := Segments(body, base, clk.Now(), Options{Window: 64, Next: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 4 {
		t.Fatalf("%d Representations, want 4 (3 video, 1 audio)", len(reps))
	}
	for _, rep := range reps {
		if len(rep.Available) != 6 { // timeShiftBufferDepth (12 s) of 2 s segments
			t.Errorf("%s: %d available, want 6", rep.ID, len(rep.Available))
		}
		if got := status(t, rep.Init); got != 200 {
			t.Errorf("%s: GET %s = %d", rep.ID, rep.Init, got)
		}
		for _, s := range rep.Available {
			if got := status(t, s.URL); got != 200 {
				t.Errorf("%s: available %s = %d", rep.ID, s.URL, got)
			}
		}
		for _, s := range rep.Upcoming {
			if got := status(t, s.URL); got != 404 {
				t.Errorf("%s: upcoming %s = %d before %v", rep.ID, s.URL, got, s.Available)
			}
		}
	}
	t.Logf("e.g. %s available since %v", reps[0].Available[5].URL, reps[0].Available[5].Available)
	next := reps[0].Upcoming[0]
	clk.Set(next.Available.Add(-time.Millisecond))
	if got := status(t, next.URL); got != 404 {
		t.Errorf("%s 1 ms before its availability = %d", next.URL, got)
	}
	clk.Set(next.Available)
	if got := status(t, next.URL); got != 200 {
		t.Errorf("%s at its availability = %d", next.URL, got)
	}
}
