package edge

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/streamedge/streamedge/manifest"
	"github.com/streamedge/streamedge/rewrite"
)

// manifestOrigin serves manifests (and anything else) from objects by path,
// with a strong ETag per body and 304s by weak comparison; gzip, when set,
// answers clients accepting gzip gzip-coded with Vary: Accept-Encoding.
type manifestOrigin struct {
	*testOrigin
	mu      sync.Mutex
	objects map[string]string
	header  map[string]string // extra response fields on every response
	gzip    bool
	inm     map[string][]string // If-None-Match per path, in order
}

func newManifestOrigin(t *testing.T, objects map[string]string) *manifestOrigin {
	mo := &manifestOrigin{objects: objects, header: map[string]string{}, inm: map[string][]string{}}
	mo.testOrigin = newTestOrigin(t, mo.serve)
	return mo
}

func (mo *manifestOrigin) serve(w http.ResponseWriter, r *http.Request) {
	mo.mu.Lock()
	body, ok := mo.objects[r.URL.Path]
	mo.inm[r.URL.Path] = append(mo.inm[r.URL.Path], r.Header.Get("If-None-Match"))
	extra := make(map[string]string, len(mo.header))
	for k, v := range mo.header {
		extra[k] = v
	}
	gz := mo.gzip
	mo.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	switch {
	case strings.HasSuffix(r.URL.Path, ".m3u8"):
		h.Set("Content-Type", "application/vnd.apple.mpegurl")
	case strings.HasSuffix(r.URL.Path, ".mpd"):
		h.Set("Content-Type", "application/dash+xml")
	default:
		h.Set("Content-Type", "video/mp4")
	}
	etag := fmt.Sprintf(`"v-%d"`, len(body))
	h.Set("ETag", etag)
	h.Set("Cache-Control", "max-age=60")
	for k, v := range extra {
		h.Set(k, v)
	}
	if strings.TrimPrefix(r.Header.Get("If-None-Match"), "W/") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	b := []byte(body)
	if gz && h.Get("Content-Type") != "video/mp4" {
		h.Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write(b)
			_ = zw.Close()
			b = buf.Bytes()
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (mo *manifestOrigin) set(path, body string) {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	mo.objects[path] = body
}

func (mo *manifestOrigin) setHeader(k, v string) {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	mo.header[k] = v
}

func (mo *manifestOrigin) ifNoneMatch(path string) []string {
	mo.mu.Lock()
	defer mo.mu.Unlock()
	return append([]string(nil), mo.inm[path]...)
}

// host is the origin's host:port, as its absolute URIs name it.
func (o *testOrigin) host() string { return o.Listener.Addr().String() }

// rewriteEdge is an edge whose default route rewrites with m (nil: off).
func rewriteEdge(t *testing.T, o *testOrigin, compress bool, m rewrite.Mapper) *testEdge {
	return newTestEdge(t, o.URL, edgeOpts{compress: compress, routes: func(def *Route) (*Routes, error) {
		def.Rewrite = m
		return Single(def)
	}})
}

// setRewrite reloads the edge's table with the default route's rewrite set
// to m (a configuration reload: the same origin, a new route).
func setRewrite(t *testing.T, e *testEdge, m rewrite.Mapper) {
	t.Helper()
	rt := *e.h.Routes().Select("/")
	rt.Rewrite, rt.proxy, rt.methods = m, nil, nil
	rs, err := Single(&rt)
	if err != nil {
		t.Fatal(err)
	}
	e.h.SetRoutes(rs)
}

const goldenDir = "../rewrite/testdata"

// TestManifestRewriteMatchesGoldenFiles: every manifest of rewrite/testdata
// (HLS master, LL-HLS media playlist with parts, hints and rendition
// reports, CRLF+BOM, byte ranges, a live MPD with Location, PatchLocation
// and BaseURLs, a VOD MPD with SegmentList), served by a real origin and
// fetched through an edge that rewrites URIs on origin.example.com (a listed
// host), arrives as rewrite's golden file byte for byte: own-host URIs
// path-absolute, foreign hosts, comments and unknown tags untouched. The
// second request is a hit of the same bytes.
func TestManifestRewriteMatchesGoldenFiles(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		names := goldenInputs(t)
		objects := map[string]string{}
		for _, n := range names {
			objects["/gold/"+n] = readFixture(t, filepath.Join(goldenDir, n))
		}
		o := newManifestOrigin(t, objects)
		e := rewriteEdge(t, o.testOrigin, false, rewrite.OriginRelative(rewrite.Origin{Host: o.host()}, rewrite.Origin{Host: "origin.example.com"}))
		for _, n := range names {
			want := readFixture(t, filepath.Join(goldenDir, n+".edge.golden"))
			for i := range 2 {
				r := e.get(t, "GET", "/gold/"+n)
				if r.status != 200 || r.body != want {
					t.Fatalf("%s (request %d): status %d, body differs from %s.edge.golden:\n%s", n, i+1, r.status, n, r.body)
				}
				if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(want)) {
					t.Fatalf("%s: Content-Length %s for %d bytes", n, cl, len(want))
				}
				if et, orig := r.header.Get("ETag"), fmt.Sprintf(`"v-%d"`, len(objects["/gold/"+n])); et != "W/"+orig {
					t.Fatalf("%s: ETag %s, want the origin's made weak (W/%s)", n, et, orig)
				}
			}
			if c := o.count("/gold/" + n); c != 1 {
				t.Fatalf("%s: %d origin fetches, want 1", n, c)
			}
		}
		if got := testutil.ToFloat64(e.h.metrics.rewrites.WithLabelValues("rewritten")); got != float64(len(names)) {
			t.Fatalf(`streamedge_manifest_rewrites_total{result="rewritten"} = %v, want %d (one per fill)`, got, len(names))
		}
	})
}

func goldenInputs(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, pat := range []string{"*.m3u8", "*.mpd"} {
		m, err := filepath.Glob(filepath.Join(goldenDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			names = append(names, filepath.Base(p))
		}
	}
	if len(names) < 6 {
		t.Fatalf("rewrite/testdata: %d manifests", len(names))
	}
	return names
}

// stream is a small HLS + DASH presentation whose URIs name the origin
// itself ({O}: rewritten away; {K}: in a tag the rewriter does not know,
// kept; {N}: a network-path reference to it) and a foreign host ({F}).
var stream = map[string]string{
	"/live/master.m3u8": `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-SESSION-DATA:DATA-ID="com.example.title",URI="{O}/live/title.json"
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="{O}/live/session.key"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",DEFAULT=YES,URI="{O}/live/audio.m3u8"
#EXT-X-VENDOR-THING:URI="{K}/live/vendor-only"
#EXT-X-STREAM-INF:BANDWIDTH=2962000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aac"
{O}/live/720p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aac"
480p.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=186000,CODECS="avc1.64001f",URI="{O}/live/iframes.m3u8"
`,
	"/live/720p.m3u8": `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:4
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.0
#EXT-X-PART-INF:PART-TARGET=1.0
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-MAP:URI="{O}/live/init.mp4"
#EXT-X-KEY:METHOD=AES-128,URI="{O}/live/key.bin"
#EXTINF:4.0,
{O}/live/seg10.m4s
#EXTINF:4.0,
{F}/live/seg11.m4s
#EXT-X-PART:DURATION=1.0,URI="{O}/live/seg12.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="{O}/live/seg12.1.m4s"
#EXT-X-RENDITION-REPORT:URI="{O}/live/480p.m3u8",LAST-MSN=12,LAST-PART=0
#EXT-X-FUTURE-TAG:URI="{K}/live/future"
`,
	"/live/480p.m3u8":    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n{N}/live/480-10.ts\n#EXT-X-ENDLIST\n",
	"/live/audio.m3u8":   "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n{O}/live/a10.aac\n#EXT-X-ENDLIST\n",
	"/live/iframes.m3u8": "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:4\n#EXT-X-I-FRAMES-ONLY\n#EXTINF:4.0,\n#EXT-X-BYTERANGE:1000@0\n{O}/live/seg10.m4s\n#EXT-X-ENDLIST\n",
	"/dash/vod.mpd": `<?xml version="1.0" encoding="UTF-8"?>
<!-- packager note: <BaseURL>{K}/</BaseURL> -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Location>{O}/dash/vod.mpd</Location>
  <PatchLocation ttl="60">{O}/dash/vod.mpp</PatchLocation>
  <BaseURL>{O}/dash/</BaseURL>
  <Period id="p0">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" duration="4" startNumber="1" initialization="{O}/dash/$RepresentationID$/init.mp4" media="{O}/dash/$RepresentationID$/$Number$.m4s"/>
      <Representation id="v1" bandwidth="800000" codecs="avc1.4d401e"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4">
      <BaseURL>{F}/dash/</BaseURL>
      <SegmentTemplate timescale="1" duration="4" startNumber="1" initialization="{F}/dash/a/init.mp4" media="{F}/dash/a/$Number$.m4s"/>
      <Representation id="a1" bandwidth="64000" codecs="mp4a.40.2"/>
    </AdaptationSet>
  </Period>
</MPD>
`,
}

// streamOrigins starts the origin serving stream (every URI it names is
// an object it has) and the foreign host serving its segments.
func streamOrigins(t *testing.T) (*manifestOrigin, *testOrigin, func(body string, viaEdge bool) string) {
	foreign := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("foreign " + r.URL.Path)) })
	objects := map[string]string{}
	mo := newManifestOrigin(t, objects)
	fill := func(body string, viaEdge bool) string {
		own, netPath := mo.URL, "//"+mo.host()
		if viaEdge {
			own, netPath = "", ""
		}
		return strings.NewReplacer("{O}", own, "{N}", netPath, "{K}", mo.URL, "{F}", foreign.URL).Replace(body)
	}
	for p, body := range stream {
		mo.set(p, fill(body, false))
	}
	for _, p := range []string{"/live/title.json", "/live/session.key", "/live/init.mp4", "/live/key.bin", "/live/seg10.m4s",
		"/live/seg12.0.m4s", "/live/seg12.1.m4s", "/live/480-10.ts", "/live/a10.aac", "/dash/vod.mpp", "/dash/v1/init.mp4", "/dash/v1/1.m4s"} {
		mo.set(p, "media "+p)
	}
	return mo, foreign, fill
}

// ownHost is the edge's mapper for an origin: URIs on its own host.
func ownHost(o *testOrigin) rewrite.Mapper {
	return rewrite.OriginRelative(rewrite.Origin{Host: o.host()})
}

// TestManifestRewriteKeepsPlayersOnTheEdge: an HLS master (SESSION-DATA,
// SESSION-KEY, EXT-X-MEDIA, I-FRAME-STREAM-INF), an LL-HLS media playlist
// (EXT-X-MAP, EXT-X-KEY, parts, a preload hint, a rendition report) and an
// MPD (Location, PatchLocation, BaseURL, SegmentTemplate) naming the origin
// by absolute and network-path URIs arrive with those URIs path-absolute,
// the foreign host's and the unknown tags' byte for byte; a player-like
// client following every URI of every manifest stays on the edge (every
// request 200, each origin object fetched once, by the edge) except for the
// foreign host's objects.
func TestManifestRewriteKeepsPlayersOnTheEdge(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		mo, foreign, fill := streamOrigins(t)
		e := rewriteEdge(t, mo.testOrigin, false, ownHost(mo.testOrigin))
		for p, body := range stream {
			if r := e.get(t, "GET", p); r.status != 200 || r.body != fill(body, true) {
				t.Fatalf("%s: status %d, body\n%s\nwant\n%s", p, r.status, r.body, fill(body, true))
			}
		}
		edgeURL, _ := url.Parse(e.URL)
		foreignURL, _ := url.Parse(foreign.URL)
		seen := map[string]bool{}
		var follow func(u *url.URL)
		follow = func(u *url.URL) {
			if seen[u.String()] {
				return
			}
			seen[u.String()] = true
			if u.Host != edgeURL.Host && u.Host != foreignURL.Host {
				t.Errorf("the player left the edge: %s", u)
				return
			}
			r := getURL(t, e, u.String())
			if r.status != 200 {
				t.Errorf("GET %s: %d", u, r.status)
				return
			}
			f := manifest.Detect(r.header.Get("Content-Type"), u.Path)
			if f == manifest.None {
				return
			}
			for _, ref := range refs(t, f, r.body) {
				ref = strings.NewReplacer("$RepresentationID$", "v1", "$Number$", "1").Replace(ref)
				if strings.HasSuffix(ref, "/") {
					continue // a BaseURL: a directory, not an object
				}
				next, err := u.Parse(ref)
				if err != nil {
					t.Fatalf("%s names %q: %v", u, ref, err)
				}
				follow(next)
			}
		}
		follow(edgeURL.JoinPath("/live/master.m3u8"))
		follow(edgeURL.JoinPath("/dash/vod.mpd"))
		mo.mu.Lock()
		paths := make([]string, 0, len(mo.objects))
		for p := range mo.objects {
			paths = append(paths, p)
		}
		mo.mu.Unlock()
		for _, p := range paths {
			if c := mo.count(p); c != 1 {
				t.Errorf("origin %s: %d requests, want 1 (through the edge)", p, c)
			}
		}
		for _, p := range []string{"/live/seg11.m4s", "/dash/a/init.mp4", "/dash/a/1.m4s"} {
			if foreign.count(p) != 1 {
				t.Errorf("foreign %s: %d requests, want 1 (its URIs are left alone)", p, foreign.count(p))
			}
		}
	})
}

// refs are the URIs the rewriter finds in a manifest, as a player reads them.
func refs(t *testing.T, f manifest.Format, body string) []string {
	t.Helper()
	var out []string
	if _, err := rewrite.Manifest(f, []byte(body), func(u string) (string, bool) { out = append(out, u); return u, false }); err != nil {
		t.Fatal(err)
	}
	return out
}

func getURL(t *testing.T, e *testEdge, u string) result {
	t.Helper()
	resp, err := e.client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: string(b), err: err}
}

// TestManifestRewriteEveryEncodingClassDecodesAlike: a gzip origin (Vary:
// Accept-Encoding) behind an edge that rewrites: with compression on, one
// origin fetch (by a gzip client) stores the rewritten manifest for every
// encoding class, each decoding to the golden bytes, with a weak ETag and
// its own Content-Length; with compression off, a gzip client gets the
// rewritten body decoded, never the origin's stale gzip bytes.
func TestManifestRewriteEveryEncodingClassDecodesAlike(t *testing.T) {
	for _, compress := range []bool{true, false} {
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			names := []string{"master.m3u8", "live_timeline.mpd"}
			objects := map[string]string{}
			for _, n := range names {
				objects["/gold/"+n] = readFixture(t, filepath.Join(goldenDir, n))
			}
			o := newManifestOrigin(t, objects)
			o.mu.Lock()
			o.gzip = true
			o.mu.Unlock()
			e := rewriteEdge(t, o.testOrigin, compress, rewrite.OriginRelative(rewrite.Origin{Host: "origin.example.com"}))
			for _, n := range names {
				want := readFixture(t, filepath.Join(goldenDir, n+".edge.golden"))
				for _, c := range compressClients {
					r := e.get(t, "GET", "/gold/"+n, "Accept-Encoding", c.accept)
					if r.status != 200 {
						t.Fatalf("%s for %q: %d", n, c.accept, r.status)
					}
					if !compress && r.header.Get("Content-Encoding") != "" {
						t.Fatalf("%s for %q: Content-Encoding %q without edge compression", n, c.accept, r.header.Get("Content-Encoding"))
					}
					if got := decodeAs(t, r); got != want {
						t.Fatalf("%s for %q (Content-Encoding %q): decoded body is not the rewritten one:\n%s", n, c.accept, r.header.Get("Content-Encoding"), got)
					}
					if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
						t.Fatalf("%s for %q: Content-Length %s for %d bytes", n, c.accept, cl, len(r.body))
					}
					if et := r.header.Get("ETag"); !strings.HasPrefix(et, "W/") {
						t.Fatalf("%s for %q: ETag %q, want weak", n, c.accept, et)
					}
				}
				if c := o.count("/gold/" + n); compress && c != 1 {
					t.Fatalf("%s: %d origin fetches, want 1 for every class", n, c)
				}
			}
		})
	}
}

// TestManifestRewriteErrorServesTheManifestUnrewritten: a mapper whose
// answer cannot be written in place (rewrite.ErrBadURI) loses nothing: the
// manifest is stored and served as the origin sent it, strong ETag kept,
// and the error counted.
func TestManifestRewriteErrorServesTheManifestUnrewritten(t *testing.T) {
	body := readFixture(t, filepath.Join(goldenDir, "llhls.m3u8"))
	o := newManifestOrigin(t, map[string]string{"/live/index.m3u8": body})
	e := rewriteEdge(t, o.testOrigin, false, func(u string) (string, bool) { return u + "\n#EXT-X-ENDLIST", true })
	for i, cache := range []string{"Miss", "Hit"} {
		r := e.get(t, "GET", "/live/index.m3u8")
		wantCache(t, r, cache)
		if r.status != 200 || r.body != body {
			t.Fatalf("request %d: status %d, body differs from the origin's:\n%s", i+1, r.status, r.body)
		}
		if et := r.header.Get("ETag"); et != fmt.Sprintf(`"v-%d"`, len(body)) {
			t.Fatalf("ETag %q, want the origin's", et)
		}
	}
	if got := testutil.ToFloat64(e.h.metrics.rewrites.WithLabelValues("error")); got != 1 {
		t.Fatalf(`streamedge_manifest_rewrites_total{result="error"} = %v, want 1`, got)
	}
}

// TestManifestRewriteOffChangesNothing: without Route.Rewrite (the
// default) a manifest with origin-host URIs is served as the origin sent
// it, its strong ETag kept, nothing counted; with it, a manifest with
// nothing to rewrite is served as sent too (result "unchanged"), and an
// origin's Cache-Control: no-transform (RFC 9110 §7.7) is obeyed.
func TestManifestRewriteOffChangesNothing(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		mo, _, fill := streamOrigins(t)
		e := rewriteEdge(t, mo.testOrigin, false, nil)
		for p, body := range stream {
			r := e.get(t, "GET", p)
			if r.status != 200 || r.body != fill(body, false) {
				t.Fatalf("%s: status %d, body changed:\n%s", p, r.status, r.body)
			}
			if et := r.header.Get("ETag"); strings.HasPrefix(et, "W/") {
				t.Fatalf("%s: ETag %q made weak", p, et)
			}
		}
		for _, res := range []string{"rewritten", "unchanged", "error", "no_transform"} {
			if got := testutil.ToFloat64(e.h.metrics.rewrites.WithLabelValues(res)); got != 0 {
				t.Fatalf("rewrites{result=%q} = %v with rewriting off", res, got)
			}
		}

		plain := readFixture(t, "../manifest/testdata/static.mpd")
		o := newManifestOrigin(t, map[string]string{"/plain.mpd": plain, "/kept/720p.m3u8": ""})
		o.set("/kept/720p.m3u8", strings.ReplaceAll(mo.objects["/live/720p.m3u8"], mo.URL, o.URL))
		e = rewriteEdge(t, o.testOrigin, true, ownHost(o.testOrigin))
		for _, tc := range []struct{ p, res string }{{"/plain.mpd", "unchanged"}, {"/kept/720p.m3u8", "no_transform"}} {
			p, res := tc.p, tc.res
			if res == "no_transform" {
				o.setHeader("Cache-Control", "max-age=60, no-transform")
			}
			r := e.get(t, "GET", p)
			if r.status != 200 || r.body != o.objects[p] {
				t.Fatalf("%s: status %d, body changed:\n%s", p, r.status, r.body)
			}
			if got := testutil.ToFloat64(e.h.metrics.rewrites.WithLabelValues(res)); got != 1 {
				t.Fatalf("%s: rewrites{result=%q} = %v, want 1", p, res, got)
			}
		}
	})
}

// TestManifestRewriteFollowsReload: with no-cache manifests (revalidated at
// every request) a stored rewritten copy is revalidated with its weak ETag
// and stays rewritten; after a reload turning rewriting off, the next
// refresh fetches the manifest whole (no If-None-Match: a 304 would keep the
// rewritten body) and serves it as the origin sent it; turning it on again
// rewrites at the next refresh.
func TestManifestRewriteFollowsReload(t *testing.T) {
	body := readFixture(t, filepath.Join(goldenDir, "master.m3u8"))
	golden := readFixture(t, filepath.Join(goldenDir, "master.m3u8.edge.golden"))
	o := newManifestOrigin(t, map[string]string{"/master.m3u8": body})
	o.setHeader("Cache-Control", "no-cache")
	m := rewrite.OriginRelative(rewrite.Origin{Host: "origin.example.com"})
	e := rewriteEdge(t, o.testOrigin, false, m)
	etag := fmt.Sprintf(`"v-%d"`, len(body))
	for i, step := range []struct {
		reload    func()
		want, inm string
	}{
		{nil, golden, ""},
		{nil, golden, "W/" + etag},
		{func() { setRewrite(t, e, nil) }, body, ""},
		{nil, body, etag},
		{func() { setRewrite(t, e, m) }, golden, ""},
	} {
		// The previous step's fill ends after its viewer got the last byte;
		// a request joining it would be served what it made (under the
		// setting before the reload), so each step starts with no fill.
		waitFor(t, func() bool { return e.h.group.InFlight() == 0 })
		if step.reload != nil {
			step.reload()
		}
		r := e.get(t, "GET", "/master.m3u8")
		if r.status != 200 || r.body != step.want {
			t.Fatalf("step %d: status %d, body\n%s", i+1, r.status, r.body)
		}
		inm := o.ifNoneMatch("/master.m3u8")
		if len(inm) != i+1 || inm[i] != step.inm {
			t.Fatalf("step %d: origin If-None-Match %q, want %q last", i+1, inm, step.inm)
		}
	}
}

// TestSignedManifestsSignTheRewrittenCopy: one rewriter, two uses. On a
// route with signed manifests and rewriting, the stored copy's origin URIs
// are path-absolute, so each viewer's copy signs them too (they resolve to
// the edge): an hls.js-like player given one signed master URL fetches
// master, variant, key, init and segment from the edge, every request 200.
func TestSignedManifestsSignTheRewrittenCopy(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newManifestOrigin(t, map[string]string{})
		own := o.URL
		o.set("/show/master.m3u8", "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n"+own+"/show/v1/index.m3u8\n")
		o.set("/show/v1/index.m3u8", "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n"+
			`#EXT-X-KEY:METHOD=AES-128,URI="`+own+`/show/keys/k1.key"`+"\n"+`#EXT-X-MAP:URI="`+own+`/show/v1/init.mp4"`+"\n"+
			"#EXTINF:4.0,\n"+own+"/show/v1/seg0.m4s\n#EXT-X-ENDLIST\n")
		for _, p := range []string{"/show/keys/k1.key", "/show/v1/init.mp4", "/show/v1/seg0.m4s"} {
			o.set(p, "bytes of "+p)
		}
		e := newSignedEdge(t, o.URL, true)
		setRewrite(t, e.testEdge, ownHost(o.testOrigin))
		trusted, _ := signingKeys(t)
		s := sign.NewURLSigner(trustedKeyID, trusted)
		viewer := mustSign(t)(s.SignWithPolicy(e.URL+"/show/master.m3u8", wildcardPolicy(e.URL+"/show/*", time.Now().Add(time.Hour), nil, "")))
		got := map[string]int{}
		playerWalk(t, e, viewer, got)
		if len(got) != 5 {
			t.Errorf("player fetched %d URLs, want 5 (master, variant, key, init, segment): %v", len(got), got)
		}
		for u, status := range got {
			if status != http.StatusOK || !strings.HasPrefix(u, e.URL) {
				t.Errorf("%s: %d, want 200 from the edge", u, status)
			}
		}
	})
}

// TestLLHLSHeldPlayersGetTheRewrittenPlaylist: players held on an LL-HLS
// blocking reload are answered from the fill's rewritten playlist (the
// edge's LL-HLS snapshot is taken after the rewrite), parts and preload
// hint rewritten, the origin's ETag not claimed for it.
func TestLLHLSHeldPlayersGetTheRewrittenPlaylist(t *testing.T) {
	lo := newLLOrigin(t, nil)
	m := func(u string) (string, bool) {
		if strings.HasPrefix(u, "seg_") {
			return "/x/" + u, true
		}
		return u, false
	}
	e := newTestEdge(t, lo.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
		def.Rewrite = m
		return Single(def)
	}})
	pl := e.get(t, http.MethodGet, llBase+"240p/index.m3u8")
	if !strings.Contains(pl.body, `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="/x/seg_`) {
		t.Fatalf("the playlist's preload hint is not rewritten:\n%s", pl.body)
	}
	msn, part := hintOf(t, strings.ReplaceAll(pl.body, "/x/", ""))
	uri := blockingURI("240p", msn, part, "")
	const n = 5
	results := e.getAll(context.Background(), n, uri)
	waitFor(t, func() bool { return e.h.ll.Held() == n && lo.count(uri) > 0 })
	lo.advance(600 * time.Millisecond)
	want := fmt.Sprintf(`URI="/x/seg_%d.part_%d.m4s"`, msn, part)
	for range n {
		r := <-results
		if r.err != nil || r.status != http.StatusOK || !strings.Contains(r.body, want) || strings.Contains(r.body, `URI="seg_`) {
			t.Fatalf("held player got %d %v, want the rewritten playlist with %s:\n%s", r.status, r.err, want, r.body)
		}
		if et := r.header.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			t.Fatalf("held player's rewritten playlist has the origin's strong ETag %q", et)
		}
	}
}
