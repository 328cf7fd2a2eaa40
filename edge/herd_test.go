package edge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// segmentBody is a deterministic 2 MiB "segment".
func segmentBody() []byte {
	b := make([]byte, 2<<20)
	for i := range b {
		b[i] = byte(i*7 + i>>11)
	}
	return b
}

// gatedOrigin sends the first 64 KiB of a segment, then waits for release
// before sending the rest: followers must get bytes before the fill ends.
func gatedOrigin(t *testing.T, body []byte, release <-chan struct{}) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Cache-Control", "max-age=3600")
		_, _ = w.Write(body[:64<<10])
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write(body[64<<10:])
	})
}

func TestHerd500ClientsOneOriginRequest(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		const clients = 500
		body := segmentBody()
		release := make(chan struct{})
		o := gatedOrigin(t, body, release)
		e := newTestEdge(t, o.URL, edgeOpts{})

		var firstBytes sync.WaitGroup
		firstBytes.Add(clients)
		sums := make([][32]byte, clients)
		errs := make([]error, clients)
		var done sync.WaitGroup
		for i := 0; i < clients; i++ {
			done.Add(1)
			go func(i int) {
				defer done.Done()
				resp, err := e.client.Get(e.URL + "/live/seg_001.ts")
				if err != nil {
					errs[i] = err
					firstBytes.Done()
					return
				}
				defer resp.Body.Close()
				one := make([]byte, 1)
				if _, err := io.ReadFull(resp.Body, one); err != nil {
					errs[i] = err
					firstBytes.Done()
					return
				}
				firstBytes.Done() // a byte arrived while the origin is still holding the rest
				h := sha256.New()
				h.Write(one)
				_, errs[i] = io.CopyBuffer(h, resp.Body, make([]byte, 64<<10))
				copy(sums[i][:], h.Sum(nil))
			}(i)
		}
		t0 := time.Now()
		waitOrFail(t, &firstBytes, 30*time.Second, "followers did not receive bytes before the fill ended")
		t.Logf("all first bytes after %v", time.Since(t0))
		close(release)
		done.Wait()
		t.Logf("all done after %v", time.Since(t0))
		want := sha256.Sum256(body)
		for i := range sums {
			if errs[i] != nil {
				t.Fatalf("client %d: %v", i, errs[i])
			}
			if sums[i] != want {
				t.Fatalf("client %d got a different body", i)
			}
		}
		if n := o.count("/live/seg_001.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
		wantCache(t, e.get(t, "GET", "/live/seg_001.ts"), "Hit")
		if n := o.count("/live/seg_001.ts"); n != 1 {
			t.Fatalf("origin requests after hit = %d, want 1", n)
		}
	})
}

func waitOrFail(t *testing.T, wg *sync.WaitGroup, d time.Duration, msg string) {
	t.Helper()
	ch := make(chan struct{})
	go func() { wg.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatal(msg)
	}
}

func TestFirstClientHangingUpFailsNobody(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		body := segmentBody()
		release := make(chan struct{})
		o := gatedOrigin(t, body, release)
		e := newTestEdge(t, o.URL, edgeOpts{})

		ctx, cancel := context.WithCancel(context.Background())
		first, err := http.NewRequestWithContext(ctx, "GET", e.URL+"/seg.ts", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := e.client.Do(first)
		if err != nil {
			t.Fatal(err)
		}
		one := make([]byte, 1)
		if _, err := io.ReadFull(resp.Body, one); err != nil {
			t.Fatal(err)
		}
		second := make(chan result, 1)
		go func() { second <- e.get(t, "GET", "/seg.ts") }()
		waitFor(t, func() bool { return e.h.group.Followers() >= 1 })
		cancel() // the leader's client leaves
		resp.Body.Close()
		close(release)
		r := <-second
		if r.err != nil || r.status != 200 || !bytes.Equal([]byte(r.body), body) {
			t.Fatalf("follower: status %d err %v len %d", r.status, r.err, len(r.body))
		}
		wantCache(t, e.get(t, "GET", "/seg.ts"), "Hit")
		if n := o.count("/seg.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// truncatingOrigin promises n bytes, sends half, then drops the connection.
func truncatingOrigin(t *testing.T, n int, gate <-chan struct{}) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Header().Set("Cache-Control", "max-age=3600")
		_, _ = w.Write(make([]byte, n/2))
		w.(http.Flusher).Flush()
		if gate != nil {
			<-gate
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}
	})
}

func TestTruncatedOriginBodyIsCutAndNeverCached(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		gate := make(chan struct{})
		o := truncatingOrigin(t, 200000, gate)
		e := newTestEdge(t, o.URL, edgeOpts{})
		const clients = 5
		results := make(chan result, clients)
		for i := 0; i < clients; i++ {
			go func() { results <- e.get(t, "GET", "/cut.m4s") }()
		}
		waitFor(t, func() bool { return e.h.group.Followers() >= clients-1 })
		close(gate)
		for i := 0; i < clients; i++ {
			r := <-results
			if r.err == nil && len(r.body) == 200000 {
				t.Fatalf("client %d received a complete body from a truncated fill", i)
			}
			if r.err == nil && r.status == 200 {
				t.Fatalf("client %d saw a clean 200 of %d bytes: the cut was hidden", i, len(r.body))
			}
		}
		before := o.count("/cut.m4s")
		r := e.get(t, "GET", "/cut.m4s")
		if r.err == nil {
			t.Fatalf("truncated body served as complete: status %d len %d", r.status, len(r.body))
		}
		if o.count("/cut.m4s") != before+1 {
			t.Fatal("truncated body was cached")
		}
	})
}

func TestUnshareableResponseReleasesFollowers(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		var inflight atomic.Int32
		var peak atomic.Int32
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			n := inflight.Add(1)
			defer inflight.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			w.Header().Set("Set-Cookie", "session=secret-"+r.Header.Get("X-Seq"))
			w.Header().Set("Cache-Control", "max-age=60")
			time.Sleep(200 * time.Millisecond)
			_, _ = io.WriteString(w, "private page")
		})
		e := newTestEdge(t, o.URL, edgeOpts{})
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.get(t, "GET", "/account")
				if r.err != nil || r.status != 200 {
					t.Errorf("status %d err %v", r.status, r.err)
				}
			}()
		}
		wg.Wait()
		// Later requests go straight through: no queueing, no sharing, nothing stored.
		start := time.Now()
		for i := 0; i < 3; i++ {
			r := e.get(t, "GET", "/account")
			if r.header.Get("Set-Cookie") == "" {
				t.Fatal("pass-through lost the origin's Set-Cookie")
			}
		}
		if o.count("/account") < 1+10+3-1 {
			t.Fatalf("origin requests = %d: private responses were shared", o.count("/account"))
		}
		if time.Since(start) > 2*time.Second {
			t.Fatal("pass-through requests were serialised")
		}
	})
}

func TestSlowFollowerSlowsNobody(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		body := segmentBody()
		release := make(chan struct{})
		o := gatedOrigin(t, body, release)
		e := newTestEdge(t, o.URL, edgeOpts{})
		// A follower that reads one byte and then stops reading.
		slowConn, err := net.Dial("tcp", e.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer slowConn.Close()
		if err := slowConn.(*net.TCPConn).SetReadBuffer(4096); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(slowConn, "GET /slow.ts HTTP/1.1\r\nHost: edge\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		one := make([]byte, 1)
		if _, err := slowConn.Read(one); err != nil {
			t.Fatal(err)
		}
		fast := make(chan result, 1)
		go func() { fast <- e.get(t, "GET", "/slow.ts") }()
		waitFor(t, func() bool { return e.h.group.Followers() >= 1 })
		close(release)
		select {
		case r := <-fast:
			if r.err != nil || len(r.body) != len(body) {
				t.Fatalf("fast follower: %v, %d bytes", r.err, len(r.body))
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a stalled follower held up another follower")
		}
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 }) // the fill completed too
		wantCache(t, e.get(t, "GET", "/slow.ts"), "Hit")
		if n := o.count("/slow.ts"); n != 1 {
			t.Fatalf("origin requests = %d, want 1", n)
		}
	})
}

// sizeSink records the size of each body write.
type sizeSink struct {
	sink
	sizes []int
}

func (s *sizeSink) writeBody(body []byte, _ bool, _ time.Duration) (int, bool) {
	s.sizes = append(s.sizes, len(body))
	return len(body), true
}

// TestFollowerWritesInTurns: a follower's first body write is
// firstStreamBytes, the rest go a slice at a time (each followed by a
// yield, so a herd's followers take turns: BENCHMARKS.md, herd).
func TestFollowerWritesInTurns(t *testing.T) {
	s := &sizeSink{}
	x := &exchange{w: &countingWriter{sink: s}}
	h := &Handler{}
	if !h.writeInTurns(x, make([]byte, 1<<20), true) {
		t.Fatal("write failed")
	}
	want := []int{firstStreamBytes, writeSlice, writeSlice, writeSlice, 1<<20 - firstStreamBytes - 3*writeSlice}
	if !slices.Equal(s.sizes, want) {
		t.Errorf("first chunk written as %v, want %v", s.sizes, want)
	}
	s.sizes = nil
	_ = h.writeInTurns(x, make([]byte, 300<<10), false)
	if want := []int{writeSlice, 300<<10 - writeSlice}; !slices.Equal(s.sizes, want) {
		t.Errorf("a later chunk written as %v, want %v", s.sizes, want)
	}
}
