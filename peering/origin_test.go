package peering

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/origin"
)

// recorder is an HTTP server (a peer edge or the origin) recording the
// requests it gets.
type recorder struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []*http.Request
}

func newRecorder(t *testing.T, name string) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.got = append(r.got, req)
		r.mu.Unlock()
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) member(t *testing.T) Member {
	m, err := ParseMember(r.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (r *recorder) requests() []*http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*http.Request(nil), r.got...)
}

// pop is a pool of self (whose origin is a recorder) and two recorder peers.
type pop struct {
	pool    *Pool
	org     *Origin
	origin  *recorder
	peers   []*recorder
	self    Member
	metrics *Metrics
}

func newPop(t *testing.T, hot Hot, probe time.Duration) *pop {
	t.Helper()
	o := newRecorder(t, "origin")
	next, err := origin.New(origin.Config{URL: mustURL(t, o.srv.URL), CDNID: "pop1"})
	if err != nil {
		t.Fatal(err)
	}
	self, _ := ParseMember("http://127.0.0.1:1") // never dialled: self fills go to next
	ps := []*recorder{newRecorder(t, "peer0"), newRecorder(t, "peer1")}
	m, _ := NewMetrics(nil)
	pool, err := NewPool(Config{Self: self, Members: []Member{self, ps[0].member(t), ps[1].member(t)},
		ProbeInterval: probe, Hot: hot, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &pop{pool: pool, org: pool.Wrap(next), origin: o, peers: ps, self: self, metrics: m}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (p *pop) fetch(t *testing.T, fr origin.FillRequest) string {
	t.Helper()
	resp, err := p.org.Fetch(context.Background(), fr)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", fr.Target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// keyOwnedBy finds a segment target whose owner is id.
func (p *pop) keyOwnedBy(t *testing.T, id, ext string) string {
	for k := range 1000 {
		key := fmt.Sprintf("/vod/seg%d%s", k, ext)
		if Owner(key, p.pool.Members()) == id {
			return key
		}
	}
	t.Fatalf("no key owned by %s", id)
	return ""
}

// TestFillGoesToTheOwnerWithThePeerMarker: a key a peer owns is fetched from
// that peer with Streamedge-Peer naming this edge and without this edge's
// cdn-id in CDN-Loop (the tiers' CDN-Loop it came with is kept); a key self
// owns goes to the origin, which never sees the marker.
func TestFillGoesToTheOwnerWithThePeerMarker(t *testing.T) {
	p := newPop(t, HotOrigin, time.Hour)
	peer := p.peers[1].member(t)
	key := p.keyOwnedBy(t, peer.ID, ".ts")
	if got := p.fetch(t, origin.FillRequest{Target: key, CDNLoop: "shield-below"}); got != "peer1" {
		t.Fatalf("a key peer1 owns came from %q", got)
	}
	req := p.peers[1].requests()[0]
	if req.URL.RequestURI() != key || req.Header.Get(origin.PeerHeader) != p.self.ID || req.Header.Get("CDN-Loop") != "shield-below" {
		t.Fatalf("peer fill: %s %s=%q CDN-Loop=%q", req.URL, origin.PeerHeader, req.Header.Get(origin.PeerHeader), req.Header.Get("CDN-Loop"))
	}
	own := p.keyOwnedBy(t, p.self.ID, ".ts")
	if got := p.fetch(t, origin.FillRequest{Target: own}); got != "origin" {
		t.Fatalf("a key self owns came from %q", got)
	}
	if r := p.origin.requests()[0]; r.Header.Get(origin.PeerHeader) != "" || r.Header.Get("CDN-Loop") != "pop1" {
		t.Fatalf("origin fill: marker %q, CDN-Loop %q", r.Header.Get(origin.PeerHeader), r.Header.Get("CDN-Loop"))
	}
}

// TestPeerMarkedFillIsNeverForwarded: a fill a peer's request started goes
// to the origin even for a key another member owns.
func TestPeerMarkedFillIsNeverForwarded(t *testing.T) {
	p := newPop(t, HotOrigin, time.Hour)
	key := p.keyOwnedBy(t, p.peers[0].member(t).ID, ".ts")
	if got := p.fetch(t, origin.FillRequest{Target: key, Peer: "10.9.9.9:8080"}); got != "origin" {
		t.Fatalf("a peer-marked fill came from %q", got)
	}
	if n := len(p.peers[0].requests()) + len(p.peers[1].requests()); n != 0 {
		t.Fatalf("a peer-marked fill was forwarded %d times", n)
	}
}

// TestHotObjects: with hot: origin a manifest comes from the origin on
// every member; with hot: owner it goes to its owner like any key.
func TestHotObjects(t *testing.T) {
	for _, tc := range []struct {
		hot  Hot
		want string
	}{{HotOrigin, "origin"}, {HotOwner, "peer0"}} {
		p := newPop(t, tc.hot, time.Hour)
		key := p.keyOwnedBy(t, p.peers[0].member(t).ID, ".m3u8")
		if got := p.fetch(t, origin.FillRequest{Target: key}); got != tc.want {
			t.Errorf("hot %s: a playlist peer0 owns came from %q, want %q", tc.hot, got, tc.want)
		}
	}
}

// TestDeadPeerIsSkippedWithinASecond: a fill for a dead peer's key falls
// back at once (connection refused marks it down) and the next fill does
// not try it; without any fill, the probe marks a dead peer down within a
// second and a live one up again.
func TestDeadPeerIsSkippedWithinASecond(t *testing.T) {
	p := newPop(t, HotOrigin, time.Hour)
	dead := p.peers[0].member(t)
	key := p.keyOwnedBy(t, dead.ID, ".ts")
	p.peers[0].srv.Close()
	if got := p.fetch(t, origin.FillRequest{Target: key}); got != "peer1" && got != "origin" {
		t.Fatalf("a dead owner's key came from %q", got)
	}
	if p.pool.Up(dead.ID) {
		t.Fatal("a refused connection did not mark the peer down")
	}

	q := newPop(t, HotOrigin, DefaultProbeInterval)
	gone := q.peers[1]
	id := gone.member(t).ID
	gone.srv.Close()
	t0 := time.Now()
	waitFor(t, time.Second, "the probe marks a dead peer down", func() bool { return !q.pool.Up(id) })
	t.Logf("dead peer marked down after %v", time.Since(t0))
	if !q.pool.Up(q.peers[0].member(t).ID) {
		t.Fatal("a live peer is down")
	}
	back, err := net.Listen("tcp", id) // the member restarts on its address
	if err != nil {
		t.Skipf("the dead peer's port was taken: %v", err)
	}
	defer back.Close()
	waitFor(t, time.Second, "the probe marks a restarted peer up", func() bool { return q.pool.Up(id) })
}

// TestHungPeerIsHeldDown: a member that accepts connections but never
// answers costs one fill the peer timeout, then is held down for HoldDown
// although its TCP probe passes; the fill went on to the origin.
func TestHungPeerIsHeldDown(t *testing.T) {
	o := newRecorder(t, "origin")
	next, err := origin.New(origin.Config{URL: mustURL(t, o.srv.URL)})
	if err != nil {
		t.Fatal(err)
	}
	hung, err := net.Listen("tcp", "127.0.0.1:0") // accepts (the kernel does), never answers
	if err != nil {
		t.Fatal(err)
	}
	defer hung.Close()
	self, _ := ParseMember("http://127.0.0.1:1")
	peer, _ := ParseMember("http://" + hung.Addr().String())
	cfg := Config{Self: self, Members: []Member{self, peer}, ProbeInterval: 50 * time.Millisecond, HoldDown: time.Second}
	cfg.Peer.Timeout, cfg.Peer.ResponseHeaderTimeout = 300*time.Millisecond, 300*time.Millisecond
	pool, err := NewPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	p := &pop{pool: pool, org: pool.Wrap(next), origin: o, self: self}
	key := p.keyOwnedBy(t, peer.ID, ".ts")
	t0 := time.Now()
	if got := p.fetch(t, origin.FillRequest{Target: key}); got != "origin" {
		t.Fatalf("a hung owner's key came from %q", got)
	}
	if d := time.Since(t0); d < 300*time.Millisecond || d > 2*time.Second {
		t.Fatalf("the fill took %v, want about the peer timeout (300ms)", d)
	}
	time.Sleep(300 * time.Millisecond) // six probes pass
	if pool.Up(peer.ID) {
		t.Fatal("a passing probe took the hung member back before its hold-down")
	}
	waitFor(t, 2*time.Second, "the member is probed up after its hold-down", func() bool { return pool.Up(peer.ID) })
}
