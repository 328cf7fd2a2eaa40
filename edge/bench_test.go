package edge

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// discardWriter is a ResponseWriter that keeps nothing, so a benchmark
// measures the handler, not a recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

func benchHit(b *testing.B, path string, body []byte) {
	o := newTestOrigin(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	defer o.Close()
	e := newTestEdge(&testing.T{}, o.URL, edgeOpts{})
	defer e.Close()
	req := httptest.NewRequest("GET", path, nil)
	w := &discardWriter{h: http.Header{}}
	e.h.ServeHTTP(w, req) // warm
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		e.h.ServeHTTP(w, req)
	}
	b.StopTimer()
	if w.h.Get("X-Cache") != "Hit from streamedge" {
		b.Fatalf("not a hit: %v", w.h)
	}
}

// BenchmarkHitPlaylist1KiB: the hit path for a small live playlist.
func BenchmarkHitPlaylist1KiB(b *testing.B) {
	benchHit(b, "/live/index.m3u8", []byte(livePlaylistOfSize(1024)))
}

// BenchmarkHitSegment2MiB: the hit path for a media segment.
func BenchmarkHitSegment2MiB(b *testing.B) {
	benchHit(b, "/live/seg_1.ts", segmentBody())
}

func livePlaylistOfSize(n int) string {
	s := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n"
	for i := 1; len(s) < n-40; i++ {
		s += fmt.Sprintf("#EXTINF:2.000,\nseg_%d.ts\n", i)
	}
	for len(s) < n {
		s += "#\n"
	}
	return s[:n]
}

// BenchmarkCoalescedMiss500: 500 clients at once on a cold 2 MiB segment
// behind a 50 ms origin; reports origin fetches per herd and the followers'
// time to first byte.
func BenchmarkCoalescedMiss500(b *testing.B) { benchCoalescedMiss(b, FrontNet) }

// BenchmarkCoalescedMiss500Front: the same herd on each front end (the time
// to the first body byte, not the header).
func BenchmarkCoalescedMiss500Front(b *testing.B) {
	for _, f := range fronts {
		b.Run(f, func(b *testing.B) { benchCoalescedMiss(b, f) })
	}
}

func benchCoalescedMiss(b *testing.B, front string) {
	const clients = 500
	body := segmentBody()
	var fetches atomic.Int64
	o := newTestOrigin(&testing.T{}, func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		time.Sleep(50 * time.Millisecond)
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	})
	defer o.Close()
	e := newTestEdge(&testing.T{}, o.URL, edgeOpts{})
	defer e.close() // the harness's server (its closer now); the herd uses front's
	e.URL, _, e.close = serveFront(b, e.h, front)
	defer e.Close()
	var ttfbs []time.Duration
	var mu sync.Mutex
	herd := func(path string) {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				t0 := time.Now()
				resp, err := e.client.Get(e.URL + path)
				if err != nil {
					return
				}
				one := make([]byte, 1)
				_, _ = io.ReadFull(resp.Body, one)
				d := time.Since(t0)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				ttfbs = append(ttfbs, d)
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
	}
	herd("/warm.ts") // opens the 500 client connections
	ttfbs, fetches = nil, atomic.Int64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		herd(fmt.Sprintf("/herd/%d.ts", i))
	}
	b.StopTimer()
	sort.Slice(ttfbs, func(i, j int) bool { return ttfbs[i] < ttfbs[j] })
	pct := func(p float64) float64 { return float64(ttfbs[int(p*float64(len(ttfbs)-1))].Milliseconds()) }
	b.ReportMetric(float64(fetches.Load())/float64(b.N), "origin-fetches/op")
	b.ReportMetric(pct(0.5), "ttfb-p50-ms")
	b.ReportMetric(pct(0.99), "ttfb-p99-ms")
	b.ReportMetric(50, "origin-latency-ms")
}
