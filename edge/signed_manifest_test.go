package edge

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
)

// showOrigin serves a small HLS show (master → audio and video variants →
// key, init segment and media segments) and a DASH MPD under /show/, and
// gzips manifests for clients that accept it.
func showOrigin(t *testing.T) *testOrigin {
	files := map[string]string{
		"/show/master.m3u8": "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n" +
			`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",DEFAULT=YES,URI="audio/index.m3u8"` + "\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"aud\"\nv1/index.m3u8\n",
		"/show/v1/index.m3u8": "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n" +
			`#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.key",IV=0x00000000000000000000000000000001` + "\n" +
			`#EXT-X-MAP:URI="init.mp4"` + "\n" +
			"#EXTINF:4.0,\nseg0.m4s\n#EXTINF:4.0,\nseg1.m4s?part=a\n#EXTINF:4.0,\nhttps://ads.example/ad.m4s\n#EXT-X-ENDLIST\n",
		"/show/audio/index.m3u8": "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n" +
			`#EXT-X-MAP:URI="init.mp4"` + "\n#EXTINF:4.0,\na0.m4s\n#EXT-X-ENDLIST\n",
		"/show/manifest.mpd": `<?xml version="1.0"?>` + "\n" + `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">` +
			`<Period><BaseURL>video/</BaseURL><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="seg_$Number%05d$.m4s" initialization="init.mp4" startNumber="1" duration="4" timescale="1"/>` +
			`<Representation id="v1" bandwidth="800000" codecs="avc1.64001f" width="640" height="360"/></AdaptationSet></Period></MPD>` + "\n",
	}
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		body, ok := files[r.URL.Path]
		switch {
		case ok && strings.HasSuffix(r.URL.Path, ".mpd"):
			w.Header().Set("Content-Type", "application/dash+xml")
		case ok:
			w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		default:
			w.Header().Set("Content-Type", "video/mp4")
			body = "bytes of " + r.URL.Path
		}
		w.Header().Set("ETag", `"`+strconv.Itoa(len(body))+`"`)
		if ok && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = io.WriteString(zw, body)
			_ = zw.Close()
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Vary", "Accept-Encoding")
			body = b.String()
		}
		_, _ = io.WriteString(w, body)
	})
}

var (
	hlsURIAttr = regexp.MustCompile(`URI="([^"]*)"`)
	dashAttr   = regexp.MustCompile(`(?:media|initialization)="([^"]*)"`)
)

// playerWalk plays a show as hls.js does, with query strings only (no
// cookies): it fetches a playlist, resolves every URI in it (URI lines and
// URI="…" attributes) against the playlist's URL and fetches each, playlists
// recursively. URIs on another host are noted, not fetched. It returns every
// URL fetched and its status.
func playerWalk(t *testing.T, e *signedEdge, rawURL string, got map[string]int) {
	t.Helper()
	r := e.fetchURL(t, rawURL)
	if r.err != nil {
		t.Fatalf("%s: %v", rawURL, r.err)
	}
	got[rawURL] = r.status
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "mpegurl") {
		return
	}
	if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
		t.Errorf("%s: Content-Length %s for a %d-byte body", rawURL, cl, len(r.body))
	}
	base, _ := url.Parse(rawURL)
	var uris []string
	for _, line := range strings.Split(r.body, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			uris = append(uris, line)
		}
		for _, m := range hlsURIAttr.FindAllStringSubmatch(line, -1) {
			uris = append(uris, m[1])
		}
	}
	for _, u := range uris {
		ref, err := url.Parse(u)
		if err != nil {
			t.Fatalf("%s: child %q: %v", rawURL, u, err)
		}
		abs := base.ResolveReference(ref)
		if abs.Host != base.Host {
			if strings.Contains(u, "Signature=") {
				t.Errorf("off-host URI %q got the viewer's signature", u)
			}
			continue
		}
		if !strings.Contains(u, "Signature=") {
			t.Errorf("%s: child %q carries no signature", rawURL, u)
		}
		playerWalk(t, e, abs.String(), got)
	}
}

// TestSignedManifestsCarryTheViewersSignature: an hls.js-like player given
// one custom-policy signed master URL (Resource /show/*) plays master →
// variants → key, init and media segments with query strings alone, every
// request 200, because the edge appends the viewer's signing parameters to
// the child URIs at response time. The cached manifest stays unsigned: a
// second viewer's copy carries its own signature, from the same entry.
func TestSignedManifestsCarryTheViewersSignature(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := showOrigin(t)
		e := newSignedEdge(t, o.URL, true)
		trusted, _ := signingKeys(t)
		must := mustSign(t)
		s := sign.NewURLSigner(trustedKeyID, trusted)
		hour := time.Now().Add(time.Hour)
		master := e.URL + "/show/master.m3u8"
		viewer1 := must(s.SignWithPolicy(master, wildcardPolicy(e.URL+"/show/*", hour, nil, "")))
		got := map[string]int{}
		playerWalk(t, e, viewer1, got)
		if len(got) != 9 { // master, 2 variants, key, 2 inits, 3 segments
			t.Errorf("player fetched %d URLs, want 9", len(got))
		}
		for u, status := range got {
			if status != http.StatusOK {
				t.Errorf("%s: %d, want 200", u, status)
			}
		}
		for _, p := range []string{"/show/master.m3u8", "/show/v1/index.m3u8", "/show/keys/k1.key", "/show/v1/seg1.m4s"} {
			if n := o.count(p); n != 1 {
				t.Errorf("origin requests for %s = %d, want 1", p, n)
			}
		}
		if r := e.fetchURL(t, e.URL+"/show/v1/seg0.m4s"); r.status != http.StatusForbidden {
			t.Errorf("segment without a signature: %d, want 403", r.status)
		}

		viewer2 := must(s.SignWithPolicy(master, wildcardPolicy(e.URL+"/show/*", hour.Add(time.Minute), nil, "")))
		r := e.fetchURL(t, viewer2)
		sig2 := url.QueryEscape(mustQuery(t, viewer2).Get("Signature"))
		sig1 := mustQuery(t, viewer1).Get("Signature")
		wantCache(t, r, "Hit")
		if !strings.Contains(r.body, "v1/index.m3u8?Policy=") || !strings.Contains(r.body, sig2) || strings.Contains(r.body, sig1) {
			t.Errorf("viewer 2's copy does not carry its own signature:\n%s", r.body)
		}
		if r.header.Get("ETag") != "" {
			t.Errorf("a viewer's copy kept the stored copy's ETag %q", r.header.Get("ETag"))
		}
		if n := o.count("/show/master.m3u8"); n != 1 {
			t.Errorf("origin requests for the master = %d, want 1 (one entry, unsigned)", n)
		}
		if n := e.counter(t, "streamedge_signed_manifests_total", "result", "rewritten"); n != 4 {
			t.Errorf("rewritten manifests = %v, want 4", n)
		}
	})
}

func mustQuery(t *testing.T, rawURL string) url.Values {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestSignedManifestsOnlyForGrantingCustomPolicies: a canned policy (its
// Resource is the manifest alone), signed cookies (sent to every child
// anyway), a custom policy granting the manifest only, and a route with
// signed manifests off all get the manifest as stored.
func TestSignedManifestsOnlyForGrantingCustomPolicies(t *testing.T) {
	o := showOrigin(t)
	on, off := newSignedEdge(t, o.URL, true), newSignedEdge(t, o.URL, false)
	trusted, _ := signingKeys(t)
	must := mustSign(t)
	s := sign.NewURLSigner(trustedKeyID, trusted)
	hour := time.Now().Add(time.Hour)
	cookies, err := sign.NewCookieSigner(trustedKeyID, trusted).SignWithPolicy(wildcardPolicy(on.URL+"/show/*", hour, nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	stored := "v1/index.m3u8\n"
	for _, tc := range []struct {
		name    string
		e       *signedEdge
		url     string
		cookies []*http.Cookie
	}{
		{"canned", on, must(s.Sign(on.URL+"/show/master.m3u8", hour)), nil},
		{"cookies", on, on.URL + "/show/master.m3u8", cookies},
		{"custom_manifest_only", on, must(s.SignWithPolicy(on.URL+"/show/master.m3u8", wildcardPolicy(on.URL+"/show/master.m3u8", hour, nil, ""))), nil},
		{"route_off", off, must(s.SignWithPolicy(off.URL+"/show/master.m3u8", wildcardPolicy(off.URL+"/show/*", hour, nil, ""))), nil},
	} {
		r := tc.e.fetchURL(t, tc.url, tc.cookies...)
		if r.status != http.StatusOK || !strings.HasSuffix(r.body, stored) || strings.Contains(r.body, "Signature=") {
			t.Errorf("%s: %d, want the stored manifest:\n%s", tc.name, r.status, r.body)
		}
	}
}

// TestSignedManifestsDASHAndCompressed: an MPD's SegmentTemplate URIs get the
// viewer's parameters (its BaseURL directory does not: a query there would
// be dropped on resolution), a segment resolved through the BaseURL then
// plays; a gzip-stored playlist is served to the signed viewer decoded and
// rewritten, with a Content-Length that matches.
func TestSignedManifestsDASHAndCompressed(t *testing.T) {
	o := showOrigin(t)
	e := newSignedEdge(t, o.URL, true)
	trusted, _ := signingKeys(t)
	must := mustSign(t)
	s := sign.NewURLSigner(trustedKeyID, trusted)
	pol := func() *sign.Policy { return wildcardPolicy(e.URL+"/show/*", time.Now().Add(time.Hour), nil, "") }
	mpd := must(s.SignWithPolicy(e.URL+"/show/manifest.mpd", pol()))
	r := e.fetchURL(t, mpd)
	q := mustQuery(t, mpd)
	if r.status != http.StatusOK || !strings.Contains(r.body, "<BaseURL>video/</BaseURL>") {
		t.Fatalf("%d %s", r.status, r.body)
	}
	ms := dashAttr.FindAllStringSubmatch(r.body, -1)
	if len(ms) != 2 || !strings.HasPrefix(ms[0][1], "seg_$Number%05d$.m4s?Policy=") {
		t.Fatalf("SegmentTemplate not signed: %q", ms)
	}
	query := ms[0][1][strings.Index(ms[0][1], "?")+1:]
	if seg := e.fetchURL(t, e.URL+"/show/video/seg_00001.m4s?"+strings.ReplaceAll(query, "&amp;", "&")); seg.status != http.StatusOK {
		t.Errorf("DASH segment with the rewritten query: %d %q (policy %s)", seg.status, seg.body, q.Get("Policy"))
	}

	variant := must(s.SignWithPolicy(e.URL+"/show/audio/index.m3u8", pol()))
	req, _ := http.NewRequest(http.MethodGet, variant, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	for i, want := range []string{"Miss", "Hit"} {
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if ce := resp.Header.Get("Content-Encoding"); ce != "" || !strings.Contains(string(b), "a0.m4s?Policy=") {
			t.Fatalf("request %d: Content-Encoding %q body %q, want the decoded signed copy", i, ce, b)
		}
		if !strings.HasPrefix(resp.Header.Get("X-Cache"), want) || resp.Header.Get("Content-Length") != fmt.Sprint(len(b)) {
			t.Errorf("request %d: X-Cache %q Content-Length %q for %d bytes", i, resp.Header.Get("X-Cache"), resp.Header.Get("Content-Length"), len(b))
		}
	}
}
