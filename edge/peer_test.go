package edge

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/streamedge/streamedge/cachekey"
	"github.com/streamedge/streamedge/origin"
	"github.com/streamedge/streamedge/segments"
)

// peerSeenOrigin is a route origin recording the Peer of each fill it is
// asked for (what package peering reads).
type peerSeenOrigin struct {
	*origin.Client
	mu    sync.Mutex
	peers []string
}

func (o *peerSeenOrigin) Fetch(ctx context.Context, fr origin.FillRequest) (*http.Response, error) {
	o.mu.Lock()
	o.peers = append(o.peers, fr.Peer)
	o.mu.Unlock()
	return o.Client.Fetch(ctx, fr)
}

func (o *peerSeenOrigin) seen() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.peers...)
}

// TestPeerMarkerReachesTheFillNeverTheOrigin: a request carrying
// Streamedge-Peer starts a fill whose FillRequest.Peer names the member (so
// the peering origin fetches it itself), a viewer's fill has none; the
// origin never sees the marker, not even under an allViewer origin request
// policy nor on pass-through; the access log names the peer.
func TestPeerMarkerReachesTheFillNeverTheOrigin(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		org := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write([]byte("segment " + r.URL.Path))
		})
		u, _ := url.Parse(org.URL)
		oc, err := origin.New(origin.Config{URL: u, DialTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(oc.Close)
		rec := &peerSeenOrigin{Client: oc}
		keys := cachekey.New(cachekey.Config{Origin: cachekey.OriginRequest{Headers: cachekey.Items{Behavior: cachekey.AllViewer}}})
		rs, err := Single(&Route{Name: "*", Origin: rec, Keys: keys, Policy: defaultPolicy()})
		if err != nil {
			t.Fatal(err)
		}
		log := &syncBuffer{}
		h, err := New(Config{Store: segments.New(segments.Config{MaxBytes: 64 << 20, HotBytes: 8 << 20}), Origin: oc,
			Keys: keys, Policy: defaultPolicy(), Routes: rs, Registry: prometheus.NewRegistry(), AccessLog: log})
		if err != nil {
			t.Fatal(err)
		}
		base, ln, closeSrv := serveFront(t, h, frontOf(t))
		t.Cleanup(closeSrv)
		e := &testEdge{URL: base, Listener: ln, h: h, client: &http.Client{Timeout: 10 * time.Second}, close: closeSrv}

		if r := e.get(t, "GET", "/a.ts", origin.PeerHeader, "10.0.0.2:8080", "X-Viewer", "v"); r.status != 200 {
			t.Fatalf("peer GET: %d %v", r.status, r.err)
		}
		if r := e.get(t, "GET", "/b.ts", "X-Viewer", "v"); r.status != 200 {
			t.Fatalf("viewer GET: %d %v", r.status, r.err)
		}
		if got := rec.seen(); len(got) != 2 || got[0] != "10.0.0.2:8080" || got[1] != "" {
			t.Fatalf("fills' Peer: %q, want [10.0.0.2:8080 \"\"]", got)
		}
		hd := org.lastHeader("/a.ts")
		if hd.Get(origin.PeerHeader) != "" || hd.Get("X-Viewer") != "v" {
			t.Fatalf("origin saw %s=%q, X-Viewer=%q (allViewer forwards viewer headers, never the marker)",
				origin.PeerHeader, hd.Get(origin.PeerHeader), hd.Get("X-Viewer"))
		}
		e.get(t, "POST", "/api", origin.PeerHeader, "10.0.0.2:8080")
		if v := org.lastHeader("/api").Get(origin.PeerHeader); v != "" {
			t.Fatalf("pass-through forwarded the marker %q", v)
		}
		var first map[string]any
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) && first == nil {
			if l, _, ok := strings.Cut(log.String(), "\n"); ok {
				_ = json.Unmarshal([]byte(l), &first)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if first["peer"] != "10.0.0.2:8080" {
			t.Fatalf("access log line %v has no peer", first)
		}
	})
}

// TestPeerGetsTheErrorNotTheCustomPage: a POP member's request for a
// 404 gets the 404 itself (the member answers its viewers with the page as
// its own fill's error, and never stores the page as the object); a
// viewer's gets the page.
func TestPeerGetsTheErrorNotTheCustomPage(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := slateOrigin(t, nil)
		rs := withErrors(t, mustRoutes(t, testRoute(t, "*", o.URL)),
			ErrorResponse{Status: 404, PagePath: "/errors/slate.ts", ResponseStatus: 200, MinTTL: 10 * time.Second})
		e := routesEdge(t, rs, nil, nil)
		if r := e.get(t, "GET", "/live/seg_9.ts", origin.PeerHeader, "10.0.0.2:8080"); r.status != http.StatusNotFound || r.body == slate {
			t.Fatalf("a peer's 404: %d %q, want the 404 itself", r.status, r.body)
		}
		if r := e.get(t, "GET", "/live/seg_9.ts"); r.status != http.StatusOK || r.body != slate {
			t.Fatalf("a viewer's 404: %d %q, want the slate", r.status, r.body)
		}
	})
}

// TestPeerGetsTheObjectWithoutThisEdgesHeadersPolicy: the owner answers a
// POP member's request as the origin sent it (X-Powered-By kept, no CORS,
// security or custom headers): the member applies the policy to its own
// viewers, never a second copy stored from the owner; a viewer of the
// owner gets the policy.
func TestPeerGetsTheObjectWithoutThisEdgesHeadersPolicy(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := mediaOrigin(t, nil)
		e := newTestEdge(t, o.URL, edgeOpts{})
		withPolicies(t, e, playerPolicy(), nil)
		peer := e.get(t, "GET", "/vod/seg1.ts", origin.PeerHeader, "10.0.0.2:8080", "Origin", playerOrigin)
		if peer.status != http.StatusOK || peer.header.Get("X-Powered-By") == "" || peer.header.Get("Access-Control-Allow-Origin") != "" ||
			peer.header.Get("X-Served-By") != "" || peer.header.Get("Strict-Transport-Security") != "" {
			t.Fatalf("a peer's answer: %d %v", peer.status, peer.header)
		}
		viewer := e.get(t, "GET", "/vod/seg1.ts", "Origin", playerOrigin)
		if viewer.header.Get("X-Powered-By") != "" || viewer.header.Get("Access-Control-Allow-Origin") != playerOrigin ||
			viewer.header.Get("X-Served-By") != "streamedge" {
			t.Fatalf("a viewer's answer lacks the policy: %v", viewer.header)
		}
	})
}
