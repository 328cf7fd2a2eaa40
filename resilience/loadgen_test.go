package resilience

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// loadSpec is one load run: conns keep-alive connections to addr for dur,
// each asking in turn for a hot object (one of hot, hotSize bytes) or, one
// request in missEvery, a never-seen cold object (coldSize bytes).
type loadSpec struct {
	addr              string
	conns, workers    int // workers < conns: a goroutine drives several connections in turn
	dur               time.Duration
	hot, missEvery    int
	hotSize, coldSize int64
}

func hotPath(k int) string { return fmt.Sprintf("/synthetic/64KiB/hot-%d.ts", k) }

// loadResult is what a run saw. conns are still open: the caller checks the
// edge closes them when idle, then closes them.
type loadResult struct {
	requests, hot, hotHits, misses, errors atomic.Int64
	reconnects                             atomic.Int64 // errIdleClosed retries
	idleGap                                atomic.Int64 // the shortest time a retried connection was unused, ns
	firstErrs                              []string
	lat                                    []time.Duration
	elapsed, dialTime                      time.Duration
	dialed                                 int
	conns                                  []net.Conn
}

func (r *loadResult) minIdleGap(d time.Duration) {
	for {
		old := r.idleGap.Load()
		if old != 0 && old <= int64(d) || r.idleGap.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
}

// runLoad dials the connections (at most 256 dials at a time; each starts
// asking as soon as it is up) and stops them all dur after the last dial.
func runLoad(s loadSpec) *loadResult {
	res := &loadResult{}
	dialStart := time.Now()
	var (
		stop             atomic.Bool
		mu               sync.Mutex
		dialWG, workerWG sync.WaitGroup
		coldSeq          atomic.Int64
	)
	fail := func(msg string) {
		if res.errors.Add(1) <= 10 {
			mu.Lock()
			res.firstErrs = append(res.firstErrs, msg)
			mu.Unlock()
		}
	}
	dialSem := make(chan struct{}, 256)
	begin := make(chan struct{})
	for w := range s.workers {
		n := s.conns / s.workers
		if w < s.conns%s.workers {
			n++
		}
		dialWG.Add(1)
		workerWG.Go(func() {
			lg := &loadConn{spec: s, rng: rand.New(rand.NewPCG(uint64(w), 42)), coldSeq: &coldSeq, res: res, fail: fail}
			conns := lg.dial(n, dialSem)
			dialWG.Done()
			<-begin
			lat := lg.loop(conns, &stop)
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.dialed += len(conns)
			for _, c := range conns {
				res.conns = append(res.conns, c.nc)
			}
			mu.Unlock()
		})
	}
	dialWG.Wait()
	res.dialTime = time.Since(dialStart)
	start := time.Now()
	close(begin)
	time.Sleep(s.dur)
	stop.Store(true)
	workerWG.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}

// loadConn drives connections with raw HTTP/1.1: one request, read the whole
// response, next request on the same connection.
type loadConn struct {
	spec    loadSpec
	rng     *rand.Rand
	coldSeq *atomic.Int64
	res     *loadResult
	fail    func(string)
}

type rawConn struct {
	nc   net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	sent time.Time // the previous request went out (or the connection was made)
	used bool      // a response came on this connection
	res  *loadResult
}

func (l *loadConn) dial(n int, sem chan struct{}) []*rawConn {
	var out []*rawConn
	for range n {
		sem <- struct{}{}
		nc, err := net.DialTimeout("tcp", l.spec.addr, 10*time.Second)
		<-sem
		if err != nil {
			l.fail("dial: " + err.Error())
			continue
		}
		out = append(out, &rawConn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10), bw: bufio.NewWriterSize(nc, 512),
			sent: time.Now(), res: l.res})
	}
	return out
}

func (l *loadConn) loop(conns []*rawConn, stop *atomic.Bool) []time.Duration {
	var lat []time.Duration
	live := slices.Clone(conns)
	for !stop.Load() && len(live) > 0 {
		for i := 0; i < len(live) && !stop.Load(); i++ {
			t0 := time.Now()
			if err := l.request(live[i]); err != nil {
				l.fail(err.Error())
				live = slices.Delete(live, i, i+1) // a broken connection is not reused
				i--
				continue
			}
			lat = append(lat, time.Since(t0))
		}
	}
	return lat
}

func (l *loadConn) request(c *rawConn) error {
	path, size, hot := "", l.spec.hotSize, true
	if l.rng.IntN(l.spec.missEvery) == 0 {
		path, size, hot = fmt.Sprintf("/synthetic/16KiB/cold-%d.ts", l.coldSeq.Add(1)), l.spec.coldSize, false
	} else {
		path = hotPath(l.rng.IntN(l.spec.hot))
	}
	xc, err := c.exchange(l.spec.addr, path, size)
	if errors.Is(err, errIdleClosed) { // retry once on a new connection, as HTTP clients do
		l.res.reconnects.Add(1)
		if err := c.redial(l.spec.addr); err != nil {
			return fmt.Errorf("%s: redial: %w", path, err)
		}
		xc, err = c.exchange(l.spec.addr, path, size)
	}
	if err != nil {
		return err
	}
	l.res.requests.Add(1)
	if hot {
		l.res.hot.Add(1)
		if strings.HasPrefix(xc, "Hit") {
			l.res.hotHits.Add(1)
		}
	} else {
		l.res.misses.Add(1)
	}
	return nil
}

// errIdleClosed: the edge closed a reused keep-alive connection before
// sending any byte of the answer. A server may close an idle connection at
// any time and RFC 9112 §9.3.1 lets a client retry an idempotent request
// then; net/http's Transport does so. With the load's CPU starvation (a
// response can sit unread in the socket for seconds, and the edge can wake
// past its idle deadline with the next request already there) this happens
// near the edge's -idle-timeout; the test reports how often and how soon.
var errIdleClosed = errors.New("keep-alive connection closed when idle")

// exchange sends one GET and reads the whole response; it returns X-Cache.
func (c *rawConn) exchange(host, path string, size int64) (string, error) {
	t0 := time.Now()
	_ = c.nc.SetDeadline(t0.Add(15 * time.Second))
	if _, err := c.bw.WriteString("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: resilience-load\r\n\r\n"); err != nil {
		return "", fmt.Errorf("%s: write: %w", path, err)
	}
	if err := c.bw.Flush(); err != nil {
		return "", fmt.Errorf("%s: write: %w", path, err)
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		if c.br.Buffered() == 0 && c.used && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)) {
			c.res.minIdleGap(t0.Sub(c.sent))
			return "", errIdleClosed
		}
		return "", fmt.Errorf("%s: read response (previous request sent %v before this one): %w", path, t0.Sub(c.sent).Round(time.Millisecond), err)
	}
	c.sent, c.used = t0, true
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: body after %d bytes: %w", path, n, err)
	case resp.StatusCode != http.StatusOK || n != size || resp.ContentLength != size:
		return "", fmt.Errorf("%s: %d, Content-Length %d, %d body bytes; want 200 and %d", path, resp.StatusCode, resp.ContentLength, n, size)
	case resp.Close:
		return "", fmt.Errorf("%s: the edge closed a keep-alive connection under load", path)
	}
	return resp.Header.Get("X-Cache"), nil
}

func (c *rawConn) redial(addr string) error {
	_ = c.nc.Close()
	nc, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	c.nc, c.sent, c.used = nc, time.Now(), false
	c.br.Reset(nc)
	c.bw.Reset(nc)
	return nil
}

// closedByPeer counts the connections whose other end has closed (a read
// sees EOF or a reset rather than a timeout).
func closedByPeer(conns []net.Conn) int {
	var closed atomic.Int64
	var wg sync.WaitGroup
	ch := make(chan net.Conn)
	for range 64 {
		wg.Go(func() {
			var b [1]byte
			for c := range ch {
				_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				_, err := c.Read(b[:])
				var ne net.Error
				if err != nil && !(errors.As(err, &ne) && ne.Timeout()) {
					closed.Add(1)
				}
			}
		})
	}
	for _, c := range conns {
		ch <- c
	}
	close(ch)
	wg.Wait()
	return int(closed.Load())
}
