package edge

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// smallSendBuffers keeps each accepted connection's kernel send buffer small,
// so the unsent part of a body waits in the edge (as behind a slow link whose
// window stays small), not in the kernel.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

// slowReader requests path and then reads a few KiB at a time with pauses
// until stop is closed; begun is called when the body has begun or the
// request failed (it may be called twice).
func slowReader(addr, path string, begun func(), stop <-chan struct{}, failed *atomic.Int64) {
	defer begun()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		failed.Add(1)
		return
	}
	defer c.Close()
	_ = c.(*net.TCPConn).SetReadBuffer(8 << 10)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: edge\r\n\r\n", path)
	br := bufio.NewReaderSize(c, 4<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		failed.Add(1)
		return
	}
	buf := make([]byte, 4<<10)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		failed.Add(1)
		return
	}
	begun()
	for {
		select {
		case <-stop:
			return
		case <-time.After(200 * time.Millisecond):
			if _, err := io.ReadFull(resp.Body, buf); err != nil {
				return
			}
		}
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestSlowReadersShareHitCopies: 1,000 clients reading four 2 MiB segments
// at a few KiB/s. Each hit used to pin its own 4 MiB pooled copy for as long
// as its client read (1,000 of them: 4 GB); now readers of one stored value
// share one copy and all copies are bounded by the store's MaxSharedBytes,
// so the heap stays under that bound plus a small per-connection cost. The
// store has a small hot layer, so 2 MiB segments are served from fastcache.
func TestSlowReadersShareHitCopies(t *testing.T) {
	readers := 1000
	if testing.Short() {
		readers = 100
	}
	const objects, size = 4, 2 << 20
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Type", "video/mp2t")
		w.Write(bytes.Repeat([]byte(r.URL.Path[len(r.URL.Path)-4:]), size/4))
	})
	store := segments.New(segments.Config{MaxBytes: 256 << 20, HotBytes: 8 << 20})
	e := newSlowReaderEdge(t, o.URL, store)
	for i := range objects { // fill, then one hit each: stored
		for range 2 {
			if r := e.get(t, "GET", fmt.Sprintf("/seg/%d.ts", i)); r.status != 200 || len(r.body) != size {
				t.Fatalf("warm-up: %d, %d bytes", r.status, len(r.body))
			}
		}
	}
	base := heapInUse()
	var started, exited sync.WaitGroup
	var failed atomic.Int64
	stop := make(chan struct{})
	addr := e.Listener.Addr().String()
	sem := make(chan struct{}, 64) // dial in waves, not all at once
	for i := range readers {
		started.Add(1)
		sem <- struct{}{}
		exited.Go(func() {
			var once sync.Once
			begun := func() { once.Do(func() { <-sem; started.Done() }) }
			slowReader(addr, fmt.Sprintf("/seg/%d.ts", i%objects), begun, stop, &failed)
		})
	}
	started.Wait() // every reader is mid-body (or failed)
	held := heapInUse() - min(base, heapInUse())
	st := store.Stats()
	close(stop)
	exited.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d slow readers failed", n, readers)
	}
	maxShared := uint64(256<<20) / 8 // the store's default MaxSharedBytes
	perConn := uint64(64 << 10)      // goroutine stack, bufio buffers, connection state
	bound := maxShared + uint64(readers)*perConn
	t.Logf("%d slow readers: heap +%d MiB (bound %d MiB); hit copies %d holding %d MiB, joins %d",
		readers, held>>20, bound>>20, st.SharedEntries, st.SharedBytes>>20, st.SharedJoins)
	if held > bound {
		t.Fatalf("%d slow readers hold %d MiB of heap, bound %d MiB", readers, held>>20, bound>>20)
	}
	if st.SharedBytes > maxShared {
		t.Fatalf("hit copies hold %d bytes, bound %d", st.SharedBytes, maxShared)
	}
	deadline := time.Now().Add(10 * time.Second)
	for store.Stats().SharedBytes != 0 { // the readers left: every copy is freed
		if time.Now().After(deadline) {
			t.Fatalf("hit copies still hold %d bytes after the readers left", store.Stats().SharedBytes)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newSlowReaderEdge(t *testing.T, originURL string, store *segments.Store) *testEdge {
	t.Helper()
	u, _ := url.Parse(originURL)
	oc, err := origin.New(origin.Config{URL: u, Timeout: 10 * time.Second, DialTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Store: store, Origin: oc, Keys: cachekey.New(cachekey.Config{}), Policy: defaultPolicy(),
		Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(oc.Close)
	return &testEdge{URL: srv.URL, Listener: srv.Listener, h: h, client: &http.Client{Timeout: 20 * time.Second}, close: srv.Close}
}
