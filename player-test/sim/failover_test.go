package sim

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// countingServer answers every request with its body (or with status when
// not 200), counting requests.
func countingServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// cuttingServer promises 100 bytes, sends 10 and closes the connection.
func cuttingServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "0123456789")
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func refusedHost(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := ln.Addr().String()
	ln.Close()
	return h
}

// TestFailoverMovesToTheNextHost: a refused connection or a body cut short
// sends the request to the next host (marked down, it is tried last after);
// a 5xx is the answer, not retried.
func TestFailoverMovesToTheNextHost(t *testing.T) {
	good, goodN := countingServer(t, 200, "segment")
	bad, badN := countingServer(t, 503, "down")
	tests := []struct {
		name       string
		first      string
		wantStatus int
		wantBody   string
		wantGood   int64
		wantRetry  int64
	}{
		{"refused connection fails over", refusedHost(t), 200, "segment", 1, 1},
		{"body cut short fails over", hostOf(t, cuttingServer(t).URL), 200, "segment", 1, 1},
		{"5xx is not retried", hostOf(t, bad.URL), 503, "down", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			goodN.Store(0)
			badN.Store(0)
			f := &Failover{Hosts: []string{tc.first, hostOf(t, good.URL)}}
			c := &http.Client{Transport: f}
			resp, err := c.Get("http://" + tc.first + "/live/seg1.ts")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || string(b) != tc.wantBody {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, b, tc.wantStatus, tc.wantBody)
			}
			if !strings.HasPrefix(resp.Request.URL.Host, tc.first) {
				t.Errorf("response's request names %s, want the preferred %s", resp.Request.URL.Host, tc.first)
			}
			if goodN.Load() != tc.wantGood || f.Retries() != tc.wantRetry {
				t.Errorf("good host got %d requests, retries %d; want %d, %d", goodN.Load(), f.Retries(), tc.wantGood, tc.wantRetry)
			}
		})
	}
	t.Run("a host marked down is tried last", func(t *testing.T) {
		goodN.Store(0)
		dead := refusedHost(t)
		f := &Failover{Hosts: []string{dead, hostOf(t, good.URL)}}
		c := &http.Client{Transport: f}
		for range 3 {
			resp, err := c.Get("http://" + dead + "/x")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		if f.Retries() != 1 || goodN.Load() != 3 {
			t.Errorf("retries %d, good host %d requests; want 1 retry (then the dead host is skipped), 3", f.Retries(), goodN.Load())
		}
	})
}
