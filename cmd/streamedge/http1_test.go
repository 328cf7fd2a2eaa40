package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// onFronts runs fn once per -http1 front end; startEdge inside it passes
// that front end.
func onFronts(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	for _, f := range []string{http1Net, http1Fast} {
		t.Run(f, fn)
	}
}

// frontOf is the front end of the onFronts subtest t runs in; the default
// outside one.
func frontOf(t *testing.T) string {
	for _, part := range strings.Split(t.Name(), "/") {
		if part == http1Fast || part == http1Net {
			return part
		}
	}
	return defaultHTTP1
}

// TestServeOnEachFrontEnd: the wired edge (limits listener and checks
// included) answers a miss then a hit with the same headers on either
// front end, and the access log and metrics name the front end and the
// protocol.
func TestServeOnEachFrontEnd(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=3600")
			w.Header().Set("Content-Type", "video/mp2t")
			_, _ = io.WriteString(w, "segment "+r.URL.Path)
		}))
		defer o.Close()
		logPath := filepath.Join(t.TempDir(), "access.log")
		e := startEdge(t, "-origin", o.URL, "-access-log", logPath)
		for i, want := range []string{"Miss", "Hit"} {
			code, body, hdr := get(t, e.edge+"/v/seg1.ts")
			if code != 200 || body != "segment /v/seg1.ts" || !strings.HasPrefix(hdr.Get("X-Cache"), want) {
				t.Fatalf("request %d: %d %q X-Cache %q", i, code, body, hdr.Get("X-Cache"))
			}
			if hdr.Get("Content-Type") != "video/mp2t" || hdr.Get("Via") == "" || hdr.Get("Cache-Status") == "" || hdr.Get("Server") != "" {
				t.Fatalf("request %d headers: %v", i, hdr)
			}
		}
		if code, _, _ := get(t, e.edge+"/"+strings.Repeat("a", 9000)); code != 414 {
			t.Fatalf("long target: %d, want 414 (limits)", code)
		}
		_, m, _ := get(t, e.admin+"/metrics")
		// two: the 414 was answered by limits, before the edge
		if want := `streamedge_frontend_requests_total{front="` + frontOf(t) + `",proto="HTTP/1.1"} 2`; !strings.Contains(m, want) {
			t.Fatalf("metrics lack %s", want)
		}
		if err := e.stop(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"proto":"HTTP/1.1","front":"` + frontOf(t) + `"`; strings.Count(string(b), want) != 2 {
			t.Fatalf("access log lines with %s: want 2 in\n%s", want, b)
		}
		if n := strings.Count(string(b), `"status":200,"bytes":18,`); n != 2 {
			t.Fatalf("access log: %d lines with the 18 body bytes sent, want 2:\n%s", n, b)
		}
	})
}

// TestDrainFinishesInFlightResponses: stopping the edge (SIGTERM) while a
// response streams lets it finish whole; new connections are refused.
func TestDrainFinishesInFlightResponses(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		half := strings.Repeat("s", 64<<10)
		o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=3600")
			w.Header().Set("Content-Length", "131072")
			_, _ = io.WriteString(w, half)
			w.(http.Flusher).Flush()
			time.Sleep(300 * time.Millisecond)
			_, _ = io.WriteString(w, half)
		}))
		defer o.Close()
		e := startEdge(t, "-origin", o.URL)
		resp, err := http.Get(e.edge + "/slow.ts")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		if _, err := br.Peek(1); err != nil {
			t.Fatal(err)
		}
		stopped := make(chan error, 1)
		go func() { stopped <- e.stop() }()
		b, err := io.ReadAll(br)
		if err != nil || len(b) != 2*len(half) {
			t.Fatalf("in-flight response during drain: %d bytes, %v", len(b), err)
		}
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
		if _, err := http.Get(e.edge + "/slow.ts"); err == nil {
			t.Fatal("a new request was served after the drain")
		}
	})
}

// TestOversizedHeadIsAnsweredNotReset: the wired binary on fasthttp answers
// a client still sending a 60 KB request line with its 431, which the
// client reads (the connection is half-closed and drained, not reset:
// edge.FastConns), 20 times out of 20; counted in
// streamedge_lingering_closes_total.
func TestOversizedHeadIsAnsweredNotReset(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer o.Close()
	e := startEdge(t, "-origin", o.URL, "-http1", http1Fast)
	addr := strings.TrimPrefix(e.edge, "http://")
	line := "GET /" + strings.Repeat("a", 60<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n"
	for i := range 20 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		go func() { _, _ = io.WriteString(c, line) }()
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil {
			t.Fatalf("request %d: %v, want the 431", i, err)
		}
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge && resp.StatusCode != http.StatusRequestURITooLong {
			t.Fatalf("request %d: %d, want 431 (or 414)", i, resp.StatusCode)
		}
	}
	_, m, _ := get(t, e.admin+"/metrics")
	if !strings.Contains(m, "streamedge_lingering_closes_total") || strings.Contains(m, "streamedge_lingering_closes_total 0\n") {
		t.Errorf("streamedge_lingering_closes_total missing or 0:\n%s", grepLines(m, "lingering"))
	}
}
