package testorigin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

const tsSeg = "/vod/hls_ts/240p/seg_001.ts"

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		path  string
		check func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration)
	}{
		{"latency", Options{Latency: 150 * time.Millisecond}, "/vod/hls_ts/master.m3u8",
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || took < 150*time.Millisecond {
					t.Errorf("took %v, err %v", took, err)
				}
			}},
		{"jitter", Options{Jitter: time.Millisecond}, "/vod/hls_ts/master.m3u8",
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("err %v", err)
				}
			}},
		{"error", Options{ErrorRate: 1}, tsSeg,
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("want 503, got %v %v", resp, err)
				}
			}},
		{"error spares /time", Options{ErrorRate: 1}, "/time",
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("want 200, got %v %v", resp, err)
				}
			}},
		{"garbage", Options{GarbageRate: 1}, "/vod/hls_fmp4/240p/index.m3u8",
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != mimeHLS ||
					bytes.HasPrefix(body, []byte("#EXTM3U")) || len(body) == 0 {
					t.Errorf("want 200 garbage, got %v %q", err, body[:min(len(body), 20)])
				}
			}},
		{"garbage spares segments", Options{GarbageRate: 1}, tsSeg,
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || body[0] != 0x47 {
					t.Errorf("segment altered: %v", err)
				}
			}},
		{"stall", Options{StallRate: 1, StallFor: 200 * time.Millisecond}, tsSeg,
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if err != nil || took < 200*time.Millisecond || body[0] != 0x47 {
					t.Errorf("took %v, err %v", took, err)
				}
			}},
		{"truncate", Options{TruncateRate: 1}, tsSeg,
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if !errors.Is(err, io.ErrUnexpectedEOF) || int64(len(body)) >= resp.ContentLength || len(body) == 0 {
					t.Errorf("want a cut body: err %v, %d of %d bytes", err, len(body), resp.ContentLength)
				}
			}},
		{"truncate synthetic", Options{TruncateRate: 1}, "/synthetic/1MiB/x.bin",
			func(t *testing.T, resp *http.Response, body []byte, err error, took time.Duration) {
				if !errors.Is(err, io.ErrUnexpectedEOF) || resp.ContentLength != 1<<20 {
					t.Errorf("want a cut body: err %v, %d of %d bytes", err, len(body), resp.ContentLength)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, srv := start(t, tc.opts)
			begin := time.Now()
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			tc.check(t, resp, body, err, time.Since(begin))
			if o.Stats().Requests != 1 {
				t.Errorf("requests %d, want 1", o.Stats().Requests)
			}
		})
	}
}

func TestLatencyHonoursCancel(t *testing.T) {
	_, srv := start(t, Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+tsSeg, nil)
	begin := time.Now()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("want a timeout")
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
	// srv.Close (cleanup) blocks on live handlers: it returning proves the
	// handler stopped waiting when the client went away.
}

func TestFaultCountsAndSeed(t *testing.T) {
	run := func() []int {
		o, srv := start(t, Options{ErrorRate: 0.5, Seed: 7})
		var codes []int
		for range 20 {
			resp, _ := fetch(t, srv.URL+"/vod/hls_ts/master.m3u8")
			codes = append(codes, resp.StatusCode)
		}
		if n := o.Stats().Faults["error"]; n == 0 || n == 20 {
			t.Errorf("error faults %d of 20 at rate 0.5", n)
		}
		return codes
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed, different faults: %v vs %v", a, b)
		}
	}
}
