package edge

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// slowBodyOrigin sends n chunks of 4 KiB, gap apart (Content-Length set when
// withLength), stalling for stall before the last chunk.
func slowBodyOrigin(t *testing.T, n int, gap, stall time.Duration, withLength bool) (*testOrigin, []byte) {
	body := bytes.Repeat([]byte("0123456789abcdef"), n*256)
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Cache-Control", "max-age=600")
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		for i := range n {
			if i == n-1 && stall > 0 {
				select {
				case <-time.After(stall):
				case <-r.Context().Done():
					return
				}
			}
			_, _ = w.Write(body[i*4096 : (i+1)*4096])
			w.(http.Flusher).Flush()
			time.Sleep(gap)
		}
	})
	return o, body
}

// -origin-timeout bounds progress, not the whole transfer: a body slower in
// total than the timeout is delivered complete (and cached when it fits); one
// that stalls is cut after the timeout.
func TestLongTransfersAreBoundedByProgress(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	tests := []struct {
		name       string
		maxObject  int64
		stall      time.Duration
		withLength bool
		complete   bool
		second     string // X-Cache of a second request
	}{
		{"cached_fill_slow_but_moving", 0, 0, false, true, "Hit"},
		{"pass_through_over_max_object_size", 16 << 10, 0, true, true, "Miss"},
		{"stalled_fill_is_cut", 0, 3 * time.Second, false, false, ""},
		{"stalled_pass_through_is_cut", 16 << 10, 3 * time.Second, true, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o, body := slowBodyOrigin(t, 12, 80*time.Millisecond, tc.stall, tc.withLength) // ~1 s in all
			e := newTestEdge(t, o.URL, edgeOpts{originTimeout: timeout, maxObject: tc.maxObject})
			start := time.Now()
			r := e.get(t, "GET", "/long.mp4")
			if got := r.err == nil && r.status == 200 && r.body == string(body); got != tc.complete {
				t.Fatalf("complete = %v (status %d, %d of %d bytes, %v), want %v", got, r.status, len(r.body), len(body), r.err, tc.complete)
			}
			if !tc.complete {
				if d := time.Since(start); d > 2500*time.Millisecond {
					t.Fatalf("a stalled origin held the client %s (idle bound %s)", d, timeout)
				}
				return
			}
			wantCache(t, e.get(t, "GET", "/long.mp4"), tc.second)
		})
	}
}
