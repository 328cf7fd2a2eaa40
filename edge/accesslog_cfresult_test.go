package edge

import (
	"context"
	"io"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// fakeCtxRequest is a request view whose context may be done (a client
// that left); only what cfResults reads is real.
type fakeCtxRequest struct {
	request
	ctx context.Context
}

func (f fakeCtxRequest) Context() context.Context { return f.ctx }

// TestCloudFrontResultTypeMapping: each edge result maps to CloudFront's
// x-edge-result-type / x-edge-response-result-type /
// x-edge-detailed-result-type by the rule its name says.
func TestCloudFrontResultTypeMapping(t *testing.T) {
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name                      string
		result, failure           string
		status                    int
		aborted, clientGone       bool
		final, response, detailed string
	}{
		{"hit_is_Hit", resultHit, "", 200, false, false, "Hit", "Hit", "Hit"},
		{"coalesced_follower_is_Hit_as_X-Cache_says", resultCoalesced, "", 200, false, false, "Hit", "Hit", "Hit"},
		{"stale_copy_is_Hit", resultStale, "timeout", 200, false, false, "Hit", "Hit", "Hit"},
		{"revalidated_is_RefreshHit", resultRefreshHit, "", 200, false, false, "RefreshHit", "RefreshHit", "RefreshHit"},
		{"miss_is_Miss", resultMiss, "", 200, false, false, "Miss", "Miss", "Miss"},
		{"pass_through_is_Miss", resultPass, "", 200, false, false, "Miss", "Miss", "Miss"},
		{"origin_404_is_Error", resultMiss, "", 404, false, false, "Error", "Error", "Error"},
		{"cached_404_is_Error", resultHit, "", 404, false, false, "Error", "Error", "Error"},
		{"origin_timeout_is_OriginCommError", resultError, "timeout", 504, false, false, "Error", "Error", "OriginCommError"},
		{"unreachable_is_OriginConnectError", resultError, "unreachable", 502, false, false, "Error", "Error", "OriginConnectError"},
		{"truncated_is_OriginReadError", resultError, "short_body", 502, false, false, "Error", "Error", "OriginReadError"},
		{"bad_manifest_is_OriginError", resultError, "invalid_manifest", 502, false, false, "Error", "Error", "OriginError"},
		{"bad_target_is_InvalidRequest", resultError, "bad_target", 400, false, false, "Error", "Error", "InvalidRequest"},
		{"fill_limits_are_CapacityExceeded", resultError, "busy", 503, false, false, "CapacityExceeded", "CapacityExceeded", "CapacityExceeded"},
		{"fill_failed_mid_body_is_AbortedOrigin", resultCoalesced, "", 200, true, false, "Error", "Hit", "AbortedOrigin"},
		{"viewer_left_mid_hit_is_Error_ClientCommError", resultHit, "", 200, false, true, "Error", "Hit", "ClientCommError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.clientGone {
				ctx = gone
			}
			x := &exchange{w: &countingWriter{}, r: fakeCtxRequest{ctx: ctx}, result: tc.result, failure: tc.failure, aborted: tc.aborted}
			final, response, detailed := cfResults(x, tc.status)
			if final != tc.final || response != tc.response || detailed != tc.detailed {
				t.Errorf("got %s/%s/%s, want %s/%s/%s", final, response, detailed, tc.final, tc.response, tc.detailed)
			}
		})
	}
}

// stuckWriter blocks every Write until released (a full pipe, a hung disk).
type stuckWriter struct {
	release chan struct{}
	n       atomic.Int64
}

func (s *stuckWriter) Write(p []byte) (int, error) {
	<-s.release
	s.n.Add(int64(len(p)))
	return len(p), nil
}

// TestLogWriterNeverBlocksTheRequestPath: with its writer stuck, Write
// still returns at once; beyond the buffer's bound lines are dropped and
// counted, never queued without bound; once the writer moves, what was
// kept is written.
func TestLogWriterNeverBlocksTheRequestPath(t *testing.T) {
	sw := &stuckWriter{release: make(chan struct{})}
	lw := NewLogWriterSize(sw, time.Millisecond, 4096)
	line := strings.Repeat("x", 99) + "\n"
	start := time.Now()
	for i := 0; i < 10000; i++ {
		if _, err := io.WriteString(lw, line); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("10000 writes took %v with the writer stuck", d)
	}
	// The flusher holds at most one buffer (4096) while stuck, the writer
	// side at most another: everything else was dropped.
	if kept := 10000 - lw.Dropped(); kept > 2*4096/100 {
		t.Errorf("kept %d lines with a 4096-byte bound", kept)
	}
	close(sw.release)
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := sw.n.Load(), (10000-lw.Dropped())*100; got != want {
		t.Errorf("wrote %d bytes, want %d (every line kept)", got, want)
	}
}

// TestLogWriterDropsAreCounted: the edge exposes the LogWriter's drops as
// streamedge_access_log_dropped_total.
func TestLogWriterDropsAreCounted(t *testing.T) {
	sw := &stuckWriter{release: make(chan struct{})}
	lw := NewLogWriterSize(sw, time.Hour, 10)
	defer func() { close(sw.release); lw.Close() }()
	u, _ := url.Parse("http://127.0.0.1:1")
	oc, err := origin.New(origin.Config{URL: u})
	if err != nil {
		t.Fatal(err)
	}
	defer oc.Close()
	reg := prometheus.NewRegistry()
	if _, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 32 << 20}), Origin: oc,
		Keys: cachekey.New(cachekey.Config{}), AccessLog: lw, Registry: reg}); err != nil {
		t.Fatal(err)
	}
	_, _ = lw.Write([]byte(strings.Repeat("y", 11)))
	if got := gathered(t, reg, "streamedge_access_log_dropped_total"); got != 1 {
		t.Errorf("dropped = %v, want 1", got)
	}
}

// FuzzCloudFrontValue: whatever a client sends, a logged value holds no
// tab, newline or space (the columns hold) and URL-decodes back to it.
func FuzzCloudFrontValue(f *testing.F) {
	for _, s := range []string{"", "Mozilla/5.0 (X11)\t\"x\"", "a%20b", "CMCD=br%3D3200", "\xff\x00\n~{}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := string(appendCFValue(nil, s))
		if strings.ContainsAny(v, "\t\n\r ") || v == "" {
			t.Fatalf("value %q from %q breaks the columns", v, s)
		}
		if s == "" {
			if v != "-" {
				t.Fatalf("empty value logged as %q", v)
			}
			return
		}
		if back, err := url.PathUnescape(v); err != nil || back != s {
			t.Fatalf("%q -> %q -> %q, %v", s, v, back, err)
		}
	})
}
