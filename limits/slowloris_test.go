package limits_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/limits"
)

// slowResult is how one slowloris connection ended.
type slowResult struct {
	refused bool          // answered 503 by the listener
	dialErr error         // could not connect at all
	lasted  time.Duration // from connect until the edge closed it
}

// slowloris connects from from and sends a request's header bytes one at a
// time every interval, never finishing, until the edge closes the
// connection or giveUp passes.
func slowloris(addr, from string, interval, giveUp time.Duration) slowResult {
	c, err := dialFrom(addr, from)
	if err != nil {
		return slowResult{dialErr: err}
	}
	defer c.Close()
	start := time.Now()
	_ = c.SetDeadline(start.Add(giveUp))
	done := make(chan []byte, 1)
	go func() { // the edge's answer, if any, and the moment it hangs up
		b, _ := io.ReadAll(c)
		done <- b
	}()
	header := "GET /seg/slow.ts HTTP/1.1\r\nHost: edge.test\r\nX-Slow: " + strings.Repeat("s", 200)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for i := 0; ; i = (i + 1) % len(header) {
		select {
		case b := <-done:
			return slowResult{refused: strings.HasPrefix(string(b), "HTTP/1.1 503"), lasted: time.Since(start)}
		case <-tick.C:
			if _, err := c.Write([]byte{header[i]}); err != nil {
				b := <-done
				return slowResult{refused: strings.HasPrefix(string(b), "HTTP/1.1 503"), lasted: time.Since(start)}
			}
		}
	}
}

// TestSlowloris holds 300 connections that trickle header bytes and checks
// that normal clients keep being answered quickly, that ReadHeaderTimeout
// drops the slow connections, and, with MaxConnsPerIP, that the slow sources
// cannot hold more than their share.
func TestSlowloris(t *testing.T) {
	const (
		slowConns   = 300
		rht         = time.Second // ReadHeaderTimeout
		interval    = 100 * time.Millisecond
		giveUp      = 4 * time.Second // a slow connection still open by then was not dropped
		latencyCap  = time.Second     // a normal request must be answered within this
		normalTotal = 40
	)
	tests := []struct {
		name        string
		cfg         limits.Config
		slowFrom    []string // source addresses of the slow clients
		wantRefused int      // slow connections answered 503 at once
		refusedAs   string   // the limit that refused them
		wantNormal  int      // status normal clients get while the slow ones are held
	}{
		// 3 slow sources × 20 admitted each; the other 240 are refused at once
		// and normal clients still find room under MaxConns.
		{"per_ip_limit", limits.Config{MaxConns: 200, MaxConnsPerIP: 20}, []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"},
			slowConns - 60, limits.LimitConnsPerIP, 200},
		// No connection limit (the default): all 300 are held until
		// ReadHeaderTimeout, and a goroutine each costs normal clients nothing.
		{"no_conn_limit", limits.Config{}, []string{"127.0.0.2"}, 0, "", 200},
		// MaxConns alone is the weakness MaxConnsPerIP closes: one slow source
		// fills it and normal clients are refused until ReadHeaderTimeout.
		{"total_limit_only", limits.Config{MaxConns: 100}, []string{"127.0.0.2"}, slowConns - 100, limits.LimitConns, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStack(t, tc.cfg, newOrigin(t, nil), stackOpts{readHeaderTimeout: rht})
			if !canBind(t, s) {
				if tc.cfg.MaxConnsPerIP > 0 {
					t.Skip("connections from 127.0.0.2-4 are not possible here; the per-IP slowloris defence is untested")
				}
				tc.slowFrom = []string{"127.0.0.1"}
			}
			results := make(chan slowResult, slowConns)
			var wg sync.WaitGroup
			for i := range slowConns {
				wg.Go(func() { results <- slowloris(s.addr, tc.slowFrom[i%len(tc.slowFrom)], interval, giveUp) })
			}
			time.Sleep(200 * time.Millisecond) // let the slow connections land

			// Normal clients, from 127.0.0.1, on keep-alive connections.
			tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}}).DialContext}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
			var worst time.Duration
			served := 0
			for i := range normalTotal {
				start := time.Now()
				resp, err := client.Get("http://" + s.addr + "/seg/normal.ts")
				if err != nil {
					t.Fatalf("normal request %d: %v", i, err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != tc.wantNormal {
					t.Fatalf("normal request %d: status %d, want %d", i, resp.StatusCode, tc.wantNormal)
				}
				worst = max(worst, time.Since(start))
				served++
				if resp.StatusCode != 200 {
					break // shown: normal clients are locked out
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("slowest of %d normal requests under %d slow connections: %v", served, slowConns, worst)
			if worst > latencyCap {
				t.Errorf("a normal request took %v, want under %v", worst, latencyCap)
			}

			wg.Wait()
			close(results)
			refused := 0
			for r := range results {
				switch {
				case r.dialErr != nil:
					t.Fatalf("slow client could not connect: %v", r.dialErr)
				case r.refused:
					refused++
				case r.lasted > rht+time.Second:
					t.Errorf("a slow connection lasted %v; ReadHeaderTimeout is %v", r.lasted, rht)
				case r.lasted < rht/2: // (loose: the client's clock starts after a busy scheduler lets it run)
					t.Errorf("a slow connection was cut after %v, well before ReadHeaderTimeout %v", r.lasted, rht)
				}
			}
			if refused != tc.wantRefused {
				t.Errorf("%d slow connections refused with 503, want %d", refused, tc.wantRefused)
			}
			if tc.refusedAs != "" {
				want := float64(tc.wantRefused)
				if tc.wantNormal != 200 {
					want++ // the normal client's refusal
				}
				if got := s.rejections(t, tc.refusedAs); got != want {
					t.Errorf("rejections{%s} = %v, want %v", tc.refusedAs, got, want)
				}
			}
			tr.CloseIdleConnections()
			s.waitMetric(t, 0, "streamedge_client_connections")
		})
	}
}
