package origin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// tricklingOrigin sends chunks bytes one by one every gap, then stalls for
// stall (0: none) before the last one.
func tricklingOrigin(t *testing.T, chunks int, gap, stall time.Duration) *httptest.Server {
	t.Helper()
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		for i := range chunks {
			if i == chunks-1 && stall > 0 {
				select {
				case <-time.After(stall):
				case <-r.Context().Done():
					return
				}
			}
			_, _ = io.WriteString(w, "x")
			w.(http.Flusher).Flush()
			time.Sleep(gap)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

// The origin timeout bounds progress, not the whole exchange: a body that
// takes longer than the timeout in total but keeps coming is delivered
// whole, through a fill fetch and through pass-through; a body that stalls
// is cut after the timeout, with ErrTimeout (a fill) or a cut stream.
func TestOriginTimeoutBoundsProgressNotTotal(t *testing.T) {
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name     string
		stall    time.Duration
		wantBody bool
	}{
		{"slow_body_with_progress_is_complete", 0, true},
		{"stalled_body_is_cut", 3 * time.Second, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tricklingOrigin(t, 12, 80*time.Millisecond, tc.stall) // ~1 s in all, > timeout
			c := newClient(t, o.URL, timeout)
			start := time.Now()
			resp, err := c.Fetch(context.Background(), FillRequest{Target: "/long.mp4"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if tc.wantBody && (err != nil || len(b) != 12) {
				t.Fatalf("fill: %d bytes, %v", len(b), err)
			}
			if !tc.wantBody && (!errors.Is(err, ErrTimeout) || time.Since(start) > 2500*time.Millisecond) {
				t.Fatalf("fill: %v after %s, want ErrTimeout soon after the stall", err, time.Since(start))
			}
			edge := httptest.NewServer(c.PassThrough(nil, nil))
			defer edge.Close()
			pr, err := http.Get(edge.URL + "/long.mp4")
			if err != nil {
				t.Fatal(err)
			}
			b, err = io.ReadAll(pr.Body)
			pr.Body.Close()
			if tc.wantBody != (err == nil && len(b) == 12) {
				t.Fatalf("pass-through: %d bytes, %v", len(b), err)
			}
		})
	}
}

// The clock stops while the edge is not reading: a pass-through client that
// takes its time does not get its origin exchange cut.
func TestIdleClockRunsOnlyWhileReading(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, strings.Repeat("y", 10))
	}))
	defer o.Close()
	c := newClient(t, o.URL, 100*time.Millisecond)
	resp, err := c.Fetch(context.Background(), FillRequest{Target: "/y"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.Sleep(300 * time.Millisecond) // not reading: no origin stall counted
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 10 {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
}
