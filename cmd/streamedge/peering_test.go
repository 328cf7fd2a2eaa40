package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streamedge/streamedge/internal/dnstest"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/peering"
)

// popOrigin serves a segment per path (64 KiB, cacheable for an
// hour), counting requests per path and any that carry the peer marker.
type popOrigin struct {
	srv    *httptest.Server
	mu     sync.Mutex
	counts map[string]int
	marked int      // requests carrying origin.PeerHeader: must stay 0
	loops  []string // the CDN-Loop values seen
}

func newPopOrigin(t *testing.T) *popOrigin {
	o := &popOrigin{counts: map[string]int{}}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.counts[r.URL.Path]++
		if r.Header.Get(origin.PeerHeader) != "" {
			o.marked++
		}
		o.loops = append(o.loops, r.Header.Get("CDN-Loop"))
		o.mu.Unlock()
		time.Sleep(20 * time.Millisecond) // a herd arrives while the fill is in flight
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Type", "video/mp2t")
		_, _ = io.WriteString(w, segmentBody(r.URL.Path))
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func segmentBody(path string) string { return strings.Repeat(path+";", 64<<10/(len(path)+1)) }

func (o *popOrigin) count(path string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[path]
}

// freeAddrs reserves n loopback ports (closed again: the edges bind them).
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	var lns []net.Listener
	for tries := 0; len(out) < n; tries++ {
		if tries > 1000 {
			t.Fatalf("no free port below the ephemeral range after %d tries", tries)
		}
		// Below Linux's ephemeral range (32768-60999): a port the kernel
		// hands out as a connection's local port (other tests, other
		// packages running at once) cannot take it before the edge binds.
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", 20000+rand.IntN(12000)))
		if err != nil {
			continue
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	for _, ln := range lns {
		ln.Close()
	}
	return out
}

// startPOP starts n real edges (streamedge serve, each with its own store)
// as one POP in front of o, all with the same -cdn-id: with -config and a
// peering section, or in flag mode with -peers.
func startPOP(t *testing.T, o *popOrigin, n int, flags bool) ([]*running, []string) {
	t.Helper()
	addrs := freeAddrs(t, n)
	urls := make([]string, n)
	for i, a := range addrs {
		urls[i] = "http://" + a
	}
	edges := make([]*running, n)
	for i, a := range addrs {
		args := []string{"-listen", a, "-cdn-id", "pop1"}
		if flags {
			args = append(args, "-origin", o.srv.URL, "-peers", strings.Join(urls, ","), "-peer-self", urls[i])
		} else {
			path := filepath.Join(t.TempDir(), "edge.yaml")
			writeFile(t, path, fmt.Sprintf(`origins:
  packager: {url: %s}
default_behavior:
  origin: packager
peering:
  self: %s
  members: [%s]
`, o.srv.URL, urls[i], strings.Join(urls, ", ")))
			args = append(args, "-config", path)
		}
		edges[i] = startEdge(t, args...)
	}
	waitPeersUp(t, edges)
	return edges, urls
}

// waitPeersUp waits until every edge sees every member up: an edge started
// before the others probed them down, and until its next probe it would
// fetch their keys itself (a second fill at the tier above).
func waitPeersUp(t *testing.T, edges []*running) {
	t.Helper()
	want := fmt.Sprintf(`streamedge_peer_members{state="up"} %d`, len(edges))
	for _, e := range edges {
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(scrape(t, e.admin), want) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not every member up after 15 s (want %s)", e.edge, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// herd runs viewers spread over the edges, each fetching every key in its
// own order; it reports the first wrong answer.
func herd(t *testing.T, edges []string, viewers int, keys []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, viewers)
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: viewers}}
	defer client.CloseIdleConnections()
	for v := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := edges[v%len(edges)]
			order := rand.Perm(len(keys))
			for _, k := range order {
				resp, err := client.Get(base + keys[k])
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(b) != segmentBody(keys[k]) {
					errs <- fmt.Errorf("viewer %d at %s: %s: %d, %d bytes", v, base, keys[k], resp.StatusCode, len(b))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func segmentKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("/vod/title/seg%03d.ts", i)
	}
	return keys
}

func edgeURLs(edges []*running) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i] = e.edge
	}
	return out
}

// TestPOPFetchesEachKeyFromTheOriginOnce: three real edges (serve -config
// with a peering section, one shared -cdn-id) in front of one origin; a
// herd of 60 viewers spread over them for 20 keys makes the origin see each
// key exactly once, never with the peer marker, never refused as a loop;
// every edge's peering metrics say where its fills went.
func TestPOPFetchesEachKeyFromTheOriginOnce(t *testing.T) {
	o := newPopOrigin(t)
	edges, _ := startPOP(t, o, 3, false)
	keys := segmentKeys(20)
	herd(t, edgeURLs(edges), 60, keys)
	for _, k := range keys {
		if n := o.count(k); n != 1 {
			t.Errorf("origin saw %s %d times, want 1", k, n)
		}
	}
	o.mu.Lock()
	marked, loops := o.marked, o.loops
	o.mu.Unlock()
	if marked != 0 {
		t.Errorf("%d origin requests carried %s", marked, origin.PeerHeader)
	}
	for _, l := range loops {
		if l != "pop1" {
			t.Errorf("origin request CDN-Loop %q, want the owner's own pop1 only", l)
		}
	}
	owned := 0
	for _, e := range edges {
		m := scrape(t, e.admin)
		for _, want := range []string{`streamedge_peer_members{state="up"} 3`, `streamedge_peer_fills_total{via="peer"}`} {
			if !strings.Contains(m, want) {
				t.Errorf("%s metrics lack %s", e.edge, want)
			}
		}
		owned += metricValue(m, `streamedge_peer_fills_total{via="owner"}`) + metricValue(m, `streamedge_peer_fills_total{via="peer_request"}`)
	}
	if owned != len(keys) {
		t.Errorf("origin fills counted by the edges: %d, want %d", owned, len(keys))
	}
}

// metricValue is a counter's integer value in a scrape, 0 when absent.
func metricValue(scrape, series string) int {
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			var n float64
			fmt.Sscan(v, &n)
			return int(n)
		}
	}
	return 0
}

// TestPOPDeadMemberKeysMoveWithinASecond: three edges in flag mode
// (-peers); one owner is stopped. Within a second the others mark it down
// without any request (the probe), and a herd on the two survivors for the
// dead member's keys is served (its keys move to their next owner) with
// the origin seeing each of them at most once more.
func TestPOPDeadMemberKeysMoveWithinASecond(t *testing.T) {
	o := newPopOrigin(t)
	edges, urls := startPOP(t, o, 3, true)
	members, err := peering.ParseMembers(strings.Join(urls, ","))
	if err != nil {
		t.Fatal(err)
	}
	dead := members[2]
	var deadKeys []string
	for _, k := range segmentKeys(60) {
		if peering.Owner(k, members) == dead.ID {
			deadKeys = append(deadKeys, k)
		}
	}
	if len(deadKeys) < 5 {
		t.Fatalf("only %d keys owned by %s", len(deadKeys), dead.ID)
	}
	herd(t, []string{edges[2].edge}, 3, deadKeys) // the owner fetches and stores them
	if err := edges[2].stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	for _, e := range edges[:2] {
		for !strings.Contains(scrape(t, e.admin), `streamedge_peer_members{state="down"} 1`) {
			if time.Since(stopped) > time.Second {
				t.Fatalf("%s did not mark %s down within 1s", e.edge, dead.ID)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("both survivors marked the dead member down after %v", time.Since(stopped))
	herd(t, edgeURLs(edges[:2]), 40, deadKeys)
	for _, k := range deadKeys {
		if n := o.count(k); n > 2 {
			t.Errorf("origin saw the dead member's %s %d times, want at most 2 (once more)", k, n)
		}
	}
}

// TestPOPPassiveFailoverServesAtOnce: a request for a dead owner's key,
// sent right after it died (before any probe), is still served: the
// refused connection marks the owner down and the fill goes on to the next
// owner or the origin.
func TestPOPPassiveFailoverServesAtOnce(t *testing.T) {
	o := newPopOrigin(t)
	edges, urls := startPOP(t, o, 3, true)
	members, _ := peering.ParseMembers(strings.Join(urls, ","))
	var key string
	for _, k := range segmentKeys(60) {
		if peering.Rank(k, members)[0].ID == members[1].ID && peering.Rank(k, members)[1].ID == members[2].ID {
			key = k // owned by edge 1, then edge 2: edge 0 must go past both
			break
		}
	}
	if key == "" {
		t.Fatal("no key ranked edge 1, then edge 2")
	}
	if err := edges[1].stop(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	herd(t, []string{edges[0].edge}, 1, []string{key})
	if d := time.Since(t0); d > time.Second {
		t.Fatalf("served after %v", d)
	}
	if o.count(key) != 1 {
		t.Fatalf("origin saw %s %d times", key, o.count(key))
	}
}

// TestPOPMembersFromDNS: three edges on 127.0.0.1-3 at one port, their
// members from -peer-dns (a headless Service's A records, served by a real
// DNS server on loopback): the herd makes the origin see each key once.
func TestPOPMembersFromDNS(t *testing.T) {
	o := newPopOrigin(t)
	port := strings.TrimPrefix(freeAddrs(t, 1)[0], "127.0.0.1:")
	ips := []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}
	dns := dnstest.Start(t, ips...)
	var edges []*running
	for _, ip := range ips {
		addr := net.JoinHostPort(ip, port)
		edges = append(edges, startEdgeWith(t, func(c *config) { c.peerResolver = dns.Resolver() },
			"-listen", addr, "-origin", o.srv.URL, "-peer-dns", "edge-peers.pop1.svc.cluster.local:"+port, "-peer-self", "http://"+addr))
	}
	keys := segmentKeys(20)
	herd(t, edgeURLs(edges), 60, keys)
	for _, k := range keys {
		if n := o.count(k); n != 1 {
			t.Errorf("origin saw %s %d times, want 1", k, n)
		}
	}
	for _, e := range edges {
		if m := scrape(t, e.admin); !strings.Contains(m, `streamedge_peer_members{state="up"} 3`) {
			t.Errorf("%s does not see 3 members up", e.edge)
		}
	}
}

// TestPeerFlagsRefuseAnIncompletePOP: the peering flags need a self that
// is among the members, one source of members, a known -peer-hot, and no
// -config (whose peering section governs them).
func TestPeerFlagsRefuseAnIncompletePOP(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "edge.yaml")
	writeFile(t, cfgPath, "default_behavior: {origin: o}\norigins: {o: {url: http://127.0.0.1:1}}\n")
	for _, tc := range []struct {
		args []string
		want string // in stderr; "" for accepted
	}{
		{[]string{"-peers", "http://10.0.0.1:8080,http://10.0.0.2:8080", "-peer-self", "http://10.0.0.1:8080"}, ""},
		{[]string{"-peer-dns", "edge-peers:8080", "-peer-self", "http://10.0.0.1:8080", "-peer-hot", "owner"}, ""},
		{[]string{"-peers", "http://10.0.0.1:8080"}, "-peer-self (required"},
		{[]string{"-peers", "http://10.0.0.1:8080", "-peer-self", "http://10.0.0.9:8080"}, "is not in -peers"},
		{[]string{"-peers", "http://10.0.0.1:8080", "-peer-dns", "x:80", "-peer-self", "http://10.0.0.1:8080"}, "choose one"},
		{[]string{"-peers", "http://10.0.0.1:8080/x", "-peer-self", "http://10.0.0.1:8080"}, "-peers: peering: bad member"},
		{[]string{"-peers", "http://10.0.0.1:8080", "-peer-self", "http://10.0.0.1:8080", "-peer-hot", "all"}, "-peer-hot"},
		{[]string{"-peer-self", "http://10.0.0.1:8080"}, "needs -peers or -peer-dns"},
		{[]string{"-config", cfgPath, "-peers", "http://10.0.0.1:8080"}, "-peers and -config"},
		{[]string{"-peer-fleet", "-fleet", "nats://127.0.0.1:4222"}, ""},
		{[]string{"-peer-fleet", "-fleet-embedded", "127.0.0.1:4222", "-peer-self", "http://10.0.0.1:8080"}, ""},
		{[]string{"-peer-fleet"}, "-peer-fleet needs -fleet or -fleet-embedded"},
		{[]string{"-peer-fleet", "-fleet", "nats://127.0.0.1:4222", "-peers", "http://10.0.0.1:8080"}, "choose one"},
		{[]string{"-peer-fleet", "-fleet", "nats://127.0.0.1:4222", "-peer-self", "http://10.0.0.1:8080/x"}, "-peer-self: peering: bad member"},
		{[]string{"-config", cfgPath, "-peer-fleet", "-fleet", "nats://127.0.0.1:4222"}, "-peer-fleet and -config"},
	} {
		var stderr strings.Builder
		args := tc.args
		if args[0] != "-config" {
			args = append([]string{"-origin", "http://127.0.0.1:1"}, args...)
		}
		_, err := parseFlags("serve", args, &stderr)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v refused: %s", tc.args, stderr.String())
		case tc.want != "" && (err == nil || !strings.Contains(stderr.String(), tc.want)):
			t.Errorf("%v: err %v, stderr %q, want %q", tc.args, err, stderr.String(), tc.want)
		}
	}
}

// TestPOPInvalidatedEverywhereStillAnswers: every member of a POP
// invalidates at once (as `streamedge invalidate` on each), then all of them
// ask for the same object at once: each answers within a second, the
// origin is asked again once, not once per member.
func TestPOPInvalidatedEverywhereStillAnswers(t *testing.T) {
	o := newPopOrigin(t)
	edges, _ := startPOP(t, o, 3, false)
	key := "/vod/title/seg000.ts"
	herd(t, edgeURLs(edges), 3, []string{key})
	for _, e := range edges {
		resp, err := http.Post(e.admin+"/invalidations", "application/json", strings.NewReader(`{"paths":["/*"]}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			t.Fatalf("invalidate on %s: %d", e.admin, resp.StatusCode)
		}
	}
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for _, e := range edges {
		wg.Go(func() {
			t0 := time.Now()
			resp, err := client.Get(e.edge + key)
			if err != nil {
				t.Errorf("%s after the invalidation: %v", e.edge, err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if d := time.Since(t0); resp.StatusCode != 200 || string(b) != segmentBody(key) || d > time.Second {
				t.Errorf("%s after the invalidation: %d, %d bytes, in %v (X-Cache %q)", e.edge, resp.StatusCode, len(b), d, resp.Header.Get("X-Cache"))
			}
		})
	}
	wg.Wait()
	if n := o.count(key); n != 2 {
		t.Errorf("origin asked %d times for the invalidated object, want 2 (the first fill and one refill)", n)
	}
}

// TestHerdOnTwentyEdgesIsOneRequestAtTheShield: a POP of 20 peering edges
// in front of a streamedge shield in front of the origin (tiers): a herd of
// 100 viewers over the 20 edges costs the shield one request per object and
// the origin one.
func TestHerdOnTwentyEdgesIsOneRequestAtTheShield(t *testing.T) {
	o := newPopOrigin(t)
	shield := startEdge(t, "-origin", o.srv.URL, "-cdn-id", "shield")
	target, _ := url.Parse(shield.edge)
	var mu sync.Mutex
	atShield := map[string]int{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	counted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		atShield[r.URL.Path]++
		mu.Unlock()
		proxy.ServeHTTP(w, r)
	}))
	defer counted.Close()
	const n = 20
	addrs := freeAddrs(t, n)
	urls := make([]string, n)
	for i, a := range addrs {
		urls[i] = "http://" + a
	}
	edges := make([]string, n)
	pop := make([]*running, n)
	for i, a := range addrs {
		// 21 edges in one process under the race detector: a 250 ms probe or
		// connect can time out on a loaded machine and send a viewer's miss
		// past a live owner (failure detection has tests of its own).
		pop[i] = startEdgeWith(t, func(c *config) { c.peerTimeout = 5 * time.Second }, "-listen", a, "-cdn-id", "pop1", "-origin", counted.URL,
			"-peers", strings.Join(urls, ","), "-peer-self", urls[i])
		edges[i] = pop[i].edge
	}
	waitPeersUp(t, pop)
	keys := segmentKeys(5)
	herd(t, edges, 100, keys)
	mu.Lock()
	defer mu.Unlock()
	for _, k := range keys {
		if atShield[k] != 1 || o.count(k) != 1 {
			t.Errorf("%s: %d requests at the shield, %d at the origin; want 1 and 1", k, atShield[k], o.count(k))
		}
	}
}
