package resilience

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Slow-reader bound: 1,000 clients (SLOW_READERS) each read a 2 MiB hit at
// a few KiB/s. With -cache-size 256MiB the 2 MiB segments are too big for the
// hot layer (16 MiB, entries up to 2 MiB encoded in 4 MiB buffers), so every
// hit is served from a fastcache copy: readers of one segment must share one
// copy, and all copies stay under the store's hit-copy bound (here
// max(256 MiB/8, 2 × (16 MiB + 64 KiB)) ≈ 32 MiB). Before, each reader pinned
// its own 4 MiB buffer for as long as it read.
const (
	slowObjects = 4
	slowCopyMax = 33 << 20 // the hit-copy bound for -cache-size 256MiB -max-object-size 16MiB
)

func slowPath(k int) string { return fmt.Sprintf("/synthetic/2MiB/slow-%d.ts", k) }

// slowRead requests path on a connection with a small receive buffer, reads
// the headers and 4 KiB of body, calls begun, then reads 4 KiB every 200 ms
// until stop.
func slowRead(addr, path string, begun func(), stop <-chan struct{}, failed *atomic.Int64) {
	defer begun()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		failed.Add(1)
		return
	}
	defer c.Close()
	_ = c.(*net.TCPConn).SetReadBuffer(8 << 10)
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: edge\r\n\r\n", path)
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 4<<10), nil)
	buf := make([]byte, 4<<10)
	if err != nil || resp.StatusCode != http.StatusOK {
		failed.Add(1)
		return
	}
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

func TestLoadSlowReaders(t *testing.T) {
	readers := envInt(t, "SLOW_READERS", 1000)
	if soft, hard, err := raiseNofile(); err != nil || soft < uint64(readers+1024) {
		t.Skipf("RLIMIT_NOFILE %d/%d (%v): below the %d this test needs", soft, hard, err, readers+1024)
	}
	origin := startOrigin(t)
	edge := startEdge(t, origin.URL(), "-cache-size", "256MiB", "-origin-timeout", "10s")
	c := newClient(t, 10*time.Second)
	for k := range slowObjects {
		for range 2 { // the fill, then a hit: stored
			if r := mustGet(t, c, edge.URL(slowPath(k))); r.status != http.StatusOK || len(r.body) != 2<<20 {
				t.Fatalf("warm %s: %s", slowPath(k), describe(r))
			}
		}
	}
	c.CloseIdleConnections()
	const heap = "go_memstats_heap_inuse_bytes"
	base := edge.metrics()

	var started, exited sync.WaitGroup
	var failed atomic.Int64
	stop := make(chan struct{})
	sem := make(chan struct{}, 64)
	t0 := time.Now()
	for i := range readers {
		started.Add(1)
		sem <- struct{}{}
		exited.Go(func() {
			var once sync.Once
			slowRead(edge.addr, slowPath(i%slowObjects), func() { once.Do(func() { <-sem; started.Done() }) }, stop, &failed)
		})
	}
	started.Wait()
	time.Sleep(time.Second) // a few slow reads later
	held := edge.metrics()
	close(stop)
	exited.Wait()
	edge.alive()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d slow readers failed", n, readers)
	}
	grew := held[heap] - base[heap]
	bound := float64(slowCopyMax + readers*loadPerConn + loadOverhead)
	t.Logf("%d slow readers started in %v: heap in use %s -> %s (+%s, bound +%s); hit copies %v holding %s, %v joins, %v refused",
		readers, time.Since(t0).Round(time.Millisecond), mib(base[heap]), mib(held[heap]), mib(grew), mib(bound),
		held["streamedge_cache_hit_copies"], mib(held["streamedge_cache_hit_copy_bytes"]),
		held["streamedge_cache_hit_copy_joins_total"], held["streamedge_cache_hit_copies_refused_total"])
	if grew > bound {
		t.Errorf("%d slow readers grew the edge's heap by %s: bound %s", readers, mib(grew), mib(bound))
	}
	if b := held["streamedge_cache_hit_copy_bytes"]; b > slowCopyMax {
		t.Errorf("hit copies hold %s, bound %s", mib(b), mib(slowCopyMax))
	}
}
