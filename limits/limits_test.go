package limits_test

import (
	"net"
	"strings"
	"testing"

	"github.com/streamedge/streamedge/limits"
)

// hold opens n connections from from and waits until the edge has admitted
// them (streamedge_client_connections counts them).
func hold(t *testing.T, s *stack, from string, n int) {
	t.Helper()
	before := s.metric(t, "streamedge_client_connections")
	for range n {
		s.dial(t, from)
	}
	s.waitMetric(t, before+float64(n), "streamedge_client_connections")
}

// TestLimits drives each limit over real sockets through the real edge: the
// client gets the documented status and headers, and the rejection is counted
// under its limit label.
func TestLimits(t *testing.T) {
	tests := []struct {
		name       string
		cfg        limits.Config
		needBind   bool // uses 127.0.0.2
		do         func(t *testing.T, s *stack) response
		want       int
		wantHeader map[string]string
		limit      string // counted rejection, "" for none
	}{
		{
			name: "conns_over_total", cfg: limits.Config{MaxConns: 2},
			do: func(t *testing.T, s *stack) response {
				hold(t, s, "", 2)
				return s.get(t, "", "/seg/1.ts")
			},
			want: 503, wantHeader: map[string]string{"Retry-After": "1", "Connection": "close"}, limit: limits.LimitConns,
		},
		{
			name: "conns_under_total", cfg: limits.Config{MaxConns: 2},
			do: func(t *testing.T, s *stack) response {
				hold(t, s, "", 1)
				return s.get(t, "", "/seg/1.ts")
			},
			want: 200,
		},
		{
			name: "conns_per_ip_over", cfg: limits.Config{MaxConnsPerIP: 3},
			do: func(t *testing.T, s *stack) response {
				hold(t, s, "127.0.0.1", 3)
				return s.get(t, "127.0.0.1", "/seg/1.ts")
			},
			want: 503, wantHeader: map[string]string{"Retry-After": "1", "Connection": "close"}, limit: limits.LimitConnsPerIP,
		},
		{
			name: "conns_per_ip_other_ip_served", cfg: limits.Config{MaxConnsPerIP: 3}, needBind: true,
			do: func(t *testing.T, s *stack) response {
				hold(t, s, "127.0.0.1", 3)
				return s.get(t, "127.0.0.2", "/seg/1.ts")
			},
			want: 200,
		},
		{
			name: "uri_too_long", cfg: limits.Config{MaxURILength: 100},
			do: func(t *testing.T, s *stack) response {
				return s.get(t, "", "/seg/1.ts?pad="+strings.Repeat("a", 100))
			},
			want: 414, limit: limits.LimitURI,
		},
		{
			name: "uri_at_limit", cfg: limits.Config{MaxURILength: 100},
			do: func(t *testing.T, s *stack) response {
				return s.get(t, "", "/seg/1.ts?pad="+strings.Repeat("a", 100-len("/seg/1.ts?pad=")))
			},
			want: 200,
		},
		{
			name: "uri_default_8192", cfg: limits.Config{},
			do: func(t *testing.T, s *stack) response {
				return s.get(t, "", "/seg/1.ts?pad="+strings.Repeat("a", 8192))
			},
			want: 414, limit: limits.LimitURI,
		},
		{
			name: "header_bytes_over", cfg: limits.Config{MaxHeaderBytes: 1024},
			do: func(t *testing.T, s *stack) response {
				return s.get(t, "", "/seg/1.ts", "X-Pad: "+strings.Repeat("p", 1024))
			},
			want: 431, limit: limits.LimitHeaders,
		},
		{
			name: "header_bytes_many_small", cfg: limits.Config{MaxHeaderBytes: 1024},
			do: func(t *testing.T, s *stack) response {
				var h []string
				for range 100 {
					h = append(h, "X-A: bbbbbbbbbb")
				}
				return s.get(t, "", "/seg/1.ts", h...)
			},
			want: 431, limit: limits.LimitHeaders,
		},
		{
			name: "header_bytes_under", cfg: limits.Config{MaxHeaderBytes: 1024},
			do: func(t *testing.T, s *stack) response {
				return s.get(t, "", "/seg/1.ts", "X-Pad: "+strings.Repeat("p", 800))
			},
			want: 200,
		},
		{
			name: "rate_burst_then_429", cfg: limits.Config{RatePerIP: 0.5, RateBurst: 3},
			do: func(t *testing.T, s *stack) response {
				for i := range 3 {
					if r := s.get(t, "", "/seg/1.ts"); r.status != 200 {
						t.Fatalf("request %d within burst: %d", i, r.status)
					}
				}
				return s.get(t, "", "/seg/1.ts")
			},
			want: 429, wantHeader: map[string]string{"Retry-After": "2"}, limit: limits.LimitRate,
		},
		{
			name: "rate_is_per_ip", cfg: limits.Config{RatePerIP: 0.5, RateBurst: 1}, needBind: true,
			do: func(t *testing.T, s *stack) response {
				s.get(t, "127.0.0.1", "/seg/1.ts")
				if r := s.get(t, "127.0.0.1", "/seg/1.ts"); r.status != 429 {
					t.Fatalf("second request from 127.0.0.1: %d, want 429", r.status)
				}
				return s.get(t, "127.0.0.2", "/seg/1.ts")
			},
			want: 200, limit: limits.LimitRate, // the 429 to 127.0.0.1
		},
		{
			name: "rate_off_by_default", cfg: limits.Config{},
			do: func(t *testing.T, s *stack) response {
				for range 50 {
					s.get(t, "", "/seg/1.ts")
				}
				return s.get(t, "", "/seg/1.ts")
			},
			want: 200,
		},
		{
			name: "connect_405", cfg: limits.Config{},
			do: func(t *testing.T, s *stack) response {
				rs := s.raw(t, "", "CONNECT origin.test:443 HTTP/1.1\r\nHost: origin.test:443\r\nConnection: close\r\n\r\n")
				return rs[0]
			},
			want: 405, limit: limits.LimitMethod,
		},
		{
			name: "trace_405", cfg: limits.Config{},
			do: func(t *testing.T, s *stack) response {
				rs := s.raw(t, "", "TRACE /seg/1.ts HTTP/1.1\r\nHost: edge.test\r\nConnection: close\r\n\r\n")
				return rs[0]
			},
			want: 405, limit: limits.LimitMethod,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t, tc.cfg, newOrigin(t, nil), stackOpts{})
			if tc.needBind && !canBind(t, s) {
				t.Skip("connections from 127.0.0.2 are not possible here; the per-IP distinction is untested")
			}
			got := tc.do(t, s)
			if got.status != tc.want {
				t.Fatalf("status %d (%q), want %d", got.status, got.body, tc.want)
			}
			for k, v := range tc.wantHeader {
				if g := got.header.Get(k); g != v {
					t.Errorf("%s: %q, want %q", k, g, v)
				}
			}
			if tc.want >= 400 && (strings.Count(got.body, "\n") != 1 || got.header.Get("Cache-Control") != "no-store") {
				t.Errorf("refusal body %q, Cache-Control %q: want one line, no-store", got.body, got.header.Get("Cache-Control"))
			}
			for _, l := range []string{limits.LimitConns, limits.LimitConnsPerIP, limits.LimitURI, limits.LimitHeaders,
				limits.LimitRate, limits.LimitMethod, limits.LimitFraming} {
				want := 0.0
				if l == tc.limit {
					want = 1
				}
				if got := s.rejections(t, l); got != want {
					t.Errorf("rejections{limit=%q} = %v, want %v", l, got, want)
				}
			}
		})
	}
}

// TestConnectionsReleased checks the connection gauge and per-IP state return
// to zero once clients leave, so a limit never leaks capacity.
func TestConnectionsReleased(t *testing.T) {
	s := newStack(t, limits.Config{MaxConns: 10, MaxConnsPerIP: 5}, newOrigin(t, nil), stackOpts{})
	var conns []net.Conn
	for range 5 {
		c, err := dialFrom(s.addr, "")
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	s.waitMetric(t, 5, "streamedge_client_connections")
	s.waitMetric(t, 1, "streamedge_limit_tracked_ips")
	if r := s.get(t, "", "/seg/1.ts"); r.status != 503 {
		t.Fatalf("sixth connection from one IP: %d, want 503", r.status)
	}
	for _, c := range conns {
		_ = c.Close()
	}
	s.waitMetric(t, 0, "streamedge_client_connections")
	s.waitMetric(t, 0, "streamedge_limit_tracked_ips")
	for i := range 6 {
		if r := s.get(t, "", "/seg/1.ts"); r.status != 200 {
			t.Fatalf("request %d after release: %d", i, r.status)
		}
	}
}
