package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// running is an edge started in-process by run(), as the binary would be.
type running struct {
	edge, admin string
	stop        func() error
	stderr      *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startEdge(t *testing.T, args ...string) *running { return startEdgeWith(t, nil, args...) }

// startEdgeWith is startEdge with what no flag sets (edit may be nil).
func startEdgeWith(t *testing.T, edit func(*config), args ...string) *running {
	t.Helper()
	c, err := parseFlags("serve", append([]string{"-listen", "127.0.0.1:0", "-admin", "127.0.0.1:0", "-access-log", "off",
		"-cache-size", "256MiB", "-max-object-size", "8MiB", "-http1", frontOf(t)}, args...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stderr: &syncBuffer{}}
	addrs := make(chan [2]string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, c, io.Discard, r.stderr, func(e, a string) { addrs <- [2]string{e, a} })
	}()
	select {
	case a := <-addrs:
		r.edge, r.admin = "http://"+a[0], "http://"+a[1]
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	var once sync.Once
	var stopErr error
	r.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { _ = r.stop() })
	return r
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestWarmRestartServesHitsWithoutTheOrigin(t *testing.T) { onFronts(t, testWarmRestart) }

func testWarmRestart(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		io.WriteString(w, "segment "+r.URL.Path)
	}))
	snap := filepath.Join(t.TempDir(), "cache")
	e := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	for _, p := range []string{"/a.ts", "/b.ts"} {
		if code, _, _ := get(t, e.edge+p); code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
	}
	if err := e.stop(); err != nil { // SIGTERM path: drain, then save
		t.Fatal(err)
	}
	o.Close() // the origin is gone: only the snapshot can answer
	e2 := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	code, body, hdr := get(t, e2.edge+"/a.ts")
	if code != 200 || body != "segment /a.ts" || !strings.HasPrefix(hdr.Get("X-Cache"), "Hit") {
		t.Fatalf("after restart: %d %q %q", code, body, hdr.Get("X-Cache"))
	}
	if _, m, _ := get(t, e2.admin+"/metrics"); !strings.Contains(m, "streamedge_cache_warm_start 1") {
		t.Fatal("warm start not reported in metrics")
	}
}

func TestCorruptSnapshotStartsCold(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "x") }))
	defer o.Close()
	snap := filepath.Join(t.TempDir(), "cache")
	e := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	get(t, e.edge+"/a.ts")
	if err := e.stop(); err != nil {
		t.Fatal(err)
	}
	// Damage every file of the snapshot.
	_ = filepath.Walk(snap, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			_ = os.WriteFile(p, []byte("garbage"), 0o644)
		}
		return nil
	})
	e2 := startEdge(t, "-origin", o.URL, "-cache-file", snap)
	if code, _, hdr := get(t, e2.edge+"/a.ts"); code != 200 || !strings.HasPrefix(hdr.Get("X-Cache"), "Miss") {
		t.Fatalf("cold start after a corrupt snapshot: %d %s", code, hdr.Get("X-Cache"))
	}
	if !strings.Contains(e2.stderr.String(), "cache snapshot ignored") {
		t.Fatalf("corrupt snapshot not reported: %s", e2.stderr.String())
	}
}

func TestPeriodicSave(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "x") }))
	defer o.Close()
	snap := filepath.Join(t.TempDir(), "cache")
	e := startEdge(t, "-origin", o.URL, "-cache-file", snap, "-cache-save-interval", "100ms")
	get(t, e.edge+"/a.ts")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(snap); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no periodic snapshot written")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestListenAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var stderr bytes.Buffer
	err = run(context.Background(), []string{"serve", "-origin", "http://127.0.0.1:1", "-listen", ln.Addr().String()}, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "address already in use") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	e := startEdge(t, "-origin", o.URL)
	if code, _, _ := get(t, e.admin+"/healthz"); code != 200 {
		t.Fatalf("/healthz %d", code)
	}
	if code, _, _ := get(t, e.admin+"/readyz"); code != 200 {
		t.Fatalf("/readyz %d", code)
	}
	o.Close()
	if code, _, _ := get(t, e.admin+"/readyz"); code != 503 {
		t.Fatalf("/readyz with the origin down: %d", code)
	}
}

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &errb); err != nil || !strings.HasPrefix(out.String(), "streamedge ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	if err := run(context.Background(), []string{"frobnicate"}, &out, &errb); err != errUsage {
		t.Fatalf("unknown command: %v", err)
	}
}
