package edge

import (
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// bigPlaylist is a 120-segment VOD media playlist (about 4 KiB), the kind
// of manifest worth compressing.
func bigPlaylist() string {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n")
	for i := range 120 {
		fmt.Fprintf(&b, "#EXTINF:2.000000,\nseg_%03d.ts\n", i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.String()
}

func readFixture(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// object is what compressOrigin serves at a path.
type object struct {
	body, ctype string
	status      int               // 0: 200
	header      map[string]string // extra response fields
	chunked     bool              // no Content-Length
}

// compressOrigin serves objects with a strong ETag each, Content-Length
// (unless chunked) and conditional GETs answered 304 by weak comparison (as
// net/http and nginx do). gate, when not nil, holds every response until
// closed.
func compressOrigin(t *testing.T, objects map[string]object, gate chan struct{}) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if gate != nil {
			<-gate
		}
		o, ok := objects[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf("%q", fmt.Sprintf("v1-%d", len(o.body)))
		h := w.Header()
		h.Set("Content-Type", o.ctype)
		h.Set("ETag", etag)
		h.Set("Cache-Control", "max-age=60")
		for k, v := range o.header {
			h.Set(k, v)
		}
		if inm := r.Header.Get("If-None-Match"); inm != "" && strings.TrimPrefix(inm, "W/") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if !o.chunked {
			h.Set("Content-Length", strconv.Itoa(len(o.body)))
		}
		w.WriteHeader(max(o.status, http.StatusOK))
		if o.chunked {
			for i := 0; i < len(o.body); i += 512 {
				_, _ = io.WriteString(w, o.body[i:min(i+512, len(o.body))])
				w.(http.Flusher).Flush()
			}
			return
		}
		_, _ = io.WriteString(w, o.body)
	})
}

// decodeAs undoes a response's Content-Encoding with decoders independent
// of the edge's (the standard library's gzip), failing on anything else.
func decodeAs(t *testing.T, r result) string {
	t.Helper()
	var rd io.Reader = strings.NewReader(r.body)
	switch ce := r.header.Get("Content-Encoding"); ce {
	case "":
		return r.body
	case "gzip":
		zr, err := stdgzip.NewReader(rd)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		rd = zr
	case "br":
		rd = brotli.NewReader(rd)
	case "zstd":
		zr, err := zstd.NewReader(rd)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		rd = zr
	default:
		t.Fatalf("unexpected Content-Encoding %q", ce)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("%s body: %v", r.header.Get("Content-Encoding"), err)
	}
	return string(b)
}

// compressClients are the Accept-Encoding values of the tests and the
// coding each must get for a compressible object.
var compressClients = []struct{ accept, want string }{
	{"gzip", "gzip"}, {"gzip, deflate, br, zstd", "br"}, {"br", "br"}, {"zstd", "zstd"},
	{"", ""}, {"identity", ""}, {"gzip;q=0, zstd", "zstd"},
}

// TestCompressionServesEveryClassFromOneOriginFetch: a playlist and an MPD
// of at least 1,000 bytes sent uncompressed reach each client in the coding
// it asked for (br, zstd, gzip, identity), each decoding to the origin's
// bytes exactly, with Vary: Accept-Encoding, the right Content-Length, a
// weak ETag on compressed copies and the strong one on identity, and all
// from one origin fetch: the fill stores every class at once.
func TestCompressionServesEveryClassFromOneOriginFetch(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		playlist, mpd := bigPlaylist(), readFixture(t, "../manifest/testdata/static.mpd")
		o := compressOrigin(t, map[string]object{
			"/vod/index.m3u8":  {body: playlist, ctype: "application/vnd.apple.mpegurl", chunked: true},
			"/dash/static.mpd": {body: mpd, ctype: "application/dash+xml"},
		}, nil)
		e := newTestEdge(t, o.URL, edgeOpts{compress: true})
		for path, want := range map[string]string{"/vod/index.m3u8": playlist, "/dash/static.mpd": mpd} {
			for i, c := range compressClients {
				r := e.get(t, "GET", path, "Accept-Encoding", c.accept)
				if r.status != 200 {
					t.Fatalf("%s for %q: %d", path, c.accept, r.status)
				}
				if i > 0 {
					wantCache(t, r, "Hit")
				}
				if ce := r.header.Get("Content-Encoding"); ce != c.want {
					t.Fatalf("%s for %q: Content-Encoding %q, want %q", path, c.accept, ce, c.want)
				}
				if got := decodeAs(t, r); got != want {
					t.Fatalf("%s for %q: decoded body differs from the origin's (%d vs %d bytes)", path, c.accept, len(got), len(want))
				}
				if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
					t.Fatalf("%s for %q: Content-Length %s for %d bytes", path, c.accept, cl, len(r.body))
				}
				if c.want != "" && len(r.body) >= len(want) {
					t.Fatalf("%s for %q: %d bytes compressed from %d", path, c.accept, len(r.body), len(want))
				}
				if !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Accept-Encoding") {
					t.Fatalf("%s for %q: Vary %q", path, c.accept, r.header.Values("Vary"))
				}
				etag := fmt.Sprintf("%q", fmt.Sprintf("v1-%d", len(want)))
				if c.want != "" {
					etag = "W/" + etag
				}
				if got := r.header.Get("ETag"); got != etag {
					t.Fatalf("%s for %q: ETag %s, want %s", path, c.accept, got, etag)
				}
			}
			if n := o.count(path); n != 1 {
				t.Fatalf("%s: %d origin fetches for %d clients, want 1", path, n, len(compressClients))
			}
		}
		m := e.h.metrics
		if got := testutil.ToFloat64(m.compressions.WithLabelValues("br")); got != 2 {
			t.Fatalf("streamedge_compressions_total{encoding=br} = %v, want 2 (one per fill)", got)
		}
		if got := testutil.ToFloat64(m.compressedResponses.WithLabelValues("zstd")); got != 4 {
			t.Fatalf("streamedge_compressed_responses_total{encoding=zstd} = %v, want 4", got)
		}
	})
}

// TestCompressionHerdOfEveryClassSharesOneFetch: clients of every class
// asking for a cold playlist at once share one origin fetch: followers of
// another class find their copy stored by the fill.
func TestCompressionHerdOfEveryClassSharesOneFetch(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	playlist := bigPlaylist()
	o := compressOrigin(t, map[string]object{"/live/index.m3u8": {body: playlist, ctype: "application/vnd.apple.mpegurl"}}, gate)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	var wg sync.WaitGroup
	results := make([]result, 4*len(compressClients))
	for i := range results {
		c := compressClients[i%len(compressClients)]
		wg.Go(func() { results[i] = e.get(t, "GET", "/live/index.m3u8", "Accept-Encoding", c.accept) })
	}
	for deadline := time.Now().Add(5 * time.Second); e.h.group.Followers() < int64(len(results)-1) && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond) // until every client joined the one fill
	}
	close(gate)
	wg.Wait()
	for i, r := range results {
		c := compressClients[i%len(compressClients)]
		if r.err != nil || r.status != 200 || r.header.Get("Content-Encoding") != c.want || decodeAs(t, r) != playlist {
			t.Fatalf("client %d (%q): %d %v Content-Encoding %q", i, c.accept, r.status, r.err, r.header.Get("Content-Encoding"))
		}
	}
	if n := o.count("/live/index.m3u8"); n != 1 {
		t.Fatalf("%d origin fetches, want 1", n)
	}
}

// TestCompressionFollowsCloudFrontsRules: what is compressed and what never
// is, one rule per row, for a client accepting every coding.
func TestCompressionFollowsCloudFrontsRules(t *testing.T) {
	t.Parallel()
	playlist := bigPlaylist()
	segment := readFixture(t, "../player-test/testorigin/testdata/hls_ts/240p/seg_000.ts")
	text := strings.Repeat("body { color: #333; margin: 0 auto; }\n", 60)
	tests := []struct {
		rule, path string
		obj        object
		want       string // Content-Encoding the edge sends
	}{
		{"playlist_compressed", "/a/index.m3u8", object{body: playlist, ctype: "application/vnd.apple.mpegurl"}, "br"},
		{"playlist_detected_by_path", "/b/index.m3u8", object{body: playlist, ctype: "application/octet-stream"}, "br"},
		{"text_type_with_length", "/site.css", object{body: text, ctype: "text/css; charset=utf-8"}, "br"},
		{"not_found_page_compressed", "/missing.html", object{body: "<html>" + text, ctype: "text/html", status: 404}, "br"},
		{"small_playlist_under_1000_bytes", "/small.m3u8", object{body: vodPlaylist, ctype: "application/vnd.apple.mpegurl"}, ""},
		{"ts_segment_never", "/a/seg_000.ts", object{body: segment, ctype: "video/mp2t"}, ""},
		{"segment_path_with_a_text_type_never", "/a/seg_001.m4s", object{body: text, ctype: "text/plain"}, ""},
		{"video_type_never", "/a/video", object{body: text, ctype: "video/mp4"}, ""},
		{"binary_type_never", "/blob.bin", object{body: text, ctype: "application/octet-stream"}, ""},
		{"no_transform_respected", "/nt.css", object{body: text, ctype: "text/css", header: map[string]string{"Cache-Control": "max-age=60, no-transform"}}, ""},
		{"text_without_length_streams_identity", "/chunked.json", object{body: text, ctype: "application/json", chunked: true}, ""},
		{"server_error_never", "/boom.html", object{body: text, ctype: "text/html", status: 503}, ""},
	}
	objects := map[string]object{}
	for _, tc := range tests {
		objects[tc.path] = tc.obj
	}
	o := compressOrigin(t, objects, nil)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			r := e.get(t, "GET", tc.path, "Accept-Encoding", "gzip, deflate, br, zstd")
			if r.err != nil {
				t.Fatal(r.err)
			}
			if ce := r.header.Get("Content-Encoding"); ce != tc.want {
				t.Fatalf("Content-Encoding %q, want %q (status %d)", ce, tc.want, r.status)
			}
			if got := decodeAs(t, r); got != tc.obj.body {
				t.Fatalf("decoded %d bytes, want the origin's %d", len(got), len(tc.obj.body))
			}
		})
	}
}

// TestCompressionOffForARoute: a route without Compress serves the
// origin's identity body to every class (the flag -compress=false, the
// config's compress: false).
func TestCompressionOffForARoute(t *testing.T) {
	t.Parallel()
	o := compressOrigin(t, map[string]object{"/a.m3u8": {body: bigPlaylist(), ctype: "application/vnd.apple.mpegurl"}}, nil)
	e := newTestEdge(t, o.URL, edgeOpts{})
	r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip, br, zstd")
	if ce := r.header.Get("Content-Encoding"); ce != "" || r.body != bigPlaylist() {
		t.Fatalf("Content-Encoding %q, %d bytes", ce, len(r.body))
	}
}

// TestCompressionKeepsTheOriginsCoding: a body the origin compressed itself
// is never compressed again: a gzip client gets the origin's gzip bytes.
func TestCompressionKeepsTheOriginsCoding(t *testing.T) {
	t.Parallel()
	playlist := bigPlaylist()
	gz := string(encode(t, "gzip", []byte(playlist)))
	o := compressOrigin(t, map[string]object{"/a.m3u8": {body: gz, ctype: "application/vnd.apple.mpegurl",
		header: map[string]string{"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}}}, nil)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "gzip" || r.body != gz {
		t.Fatalf("Content-Encoding %q, body is the origin's: %v", r.header.Get("Content-Encoding"), r.body == gz)
	}
	if got := testutil.ToFloat64(e.h.metrics.compressions.WithLabelValues("gzip")); got != 0 {
		t.Fatalf("%v compressions of an origin-compressed body", got)
	}
}

// TestCompressedCopiesAnswerConditionalsAndHEAD: If-None-Match with the
// weak or the strong ETag gets 304 in every class (weak comparison); HEAD
// says the compressed length without a body; a refresh of an expired
// compressed copy sends the weak ETag and keeps the copy on the origin's
// 304 (RefreshHit).
func TestCompressedCopiesAnswerConditionalsAndHEAD(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		playlist := bigPlaylist()
		o := compressOrigin(t, map[string]object{"/a.m3u8": {body: playlist, ctype: "application/vnd.apple.mpegurl",
			header: map[string]string{"Cache-Control": "max-age=2"}}}, nil) // 2 s: Date's whole seconds may age it by 1
		e := newTestEdge(t, o.URL, edgeOpts{compress: true})
		full := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip")
		weak := full.header.Get("ETag")
		if !strings.HasPrefix(weak, "W/") {
			t.Fatalf("compressed copy's ETag %q is not weak", weak)
		}
		for _, c := range compressClients {
			for _, inm := range []string{weak, strings.TrimPrefix(weak, "W/")} {
				r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", c.accept, "If-None-Match", inm)
				if r.status != http.StatusNotModified || r.body != "" || r.header.Get("Content-Encoding") != "" {
					t.Fatalf("%q with If-None-Match %s: %d, %d bytes, Content-Encoding %q", c.accept, inm, r.status, len(r.body), r.header.Get("Content-Encoding"))
				}
			}
		}
		head := e.get(t, "HEAD", "/a.m3u8", "Accept-Encoding", "gzip")
		if head.status != 200 || head.body != "" || head.header.Get("Content-Length") != strconv.Itoa(len(full.body)) ||
			head.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("HEAD: %d, %d bytes, Content-Length %s (GET had %d), Content-Encoding %q", head.status, len(head.body),
				head.header.Get("Content-Length"), len(full.body), head.header.Get("Content-Encoding"))
		}
		time.Sleep(2100 * time.Millisecond)
		r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip")
		wantCache(t, r, "RefreshHit")
		if got := o.lastHeader("/a.m3u8").Get("If-None-Match"); got != weak {
			t.Fatalf("refresh sent If-None-Match %q, want %q", got, weak)
		}
		if r.header.Get("Content-Encoding") != "gzip" || r.header.Get("ETag") != weak || decodeAs(t, r) != playlist {
			t.Fatalf("refreshed copy: Content-Encoding %q, ETag %q", r.header.Get("Content-Encoding"), r.header.Get("ETag"))
		}
		if n := o.count("/a.m3u8"); n != 2 {
			t.Fatalf("%d origin requests, want 2 (fill, refresh)", n)
		}
	})
}

// TestRangeOfACompressibleObjectIsOfTheIdentityBody: a Range request from a
// gzip client gets identity bytes, never a slice of the edge's compression.
func TestRangeOfACompressibleObjectIsOfTheIdentityBody(t *testing.T) {
	t.Parallel()
	playlist := bigPlaylist()
	o := compressOrigin(t, map[string]object{"/a.m3u8": {body: playlist, ctype: "application/vnd.apple.mpegurl"}}, nil)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip") // every class stored
	r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip", "Range", "bytes=0-99")
	if r.status != http.StatusPartialContent || r.header.Get("Content-Encoding") != "" || r.body != playlist[:100] {
		t.Fatalf("range: %d, Content-Encoding %q, body %q", r.status, r.header.Get("Content-Encoding"), trunc(r.body))
	}
	if n := o.count("/a.m3u8"); n != 1 {
		t.Fatalf("%d origin fetches, want 1", n)
	}
}

// TestAccessLogMarksEdgeCompressedBodies: the access log says which
// responses the edge compressed ("compressed":true next to "encoding").
func TestAccessLogMarksEdgeCompressedBodies(t *testing.T) {
	t.Parallel()
	o := compressOrigin(t, map[string]object{"/a.m3u8": {body: bigPlaylist(), ctype: "application/vnd.apple.mpegurl"}}, nil)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	var log syncBuffer
	e.h.cfg.AccessLog = &log
	e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "zstd")
	e.get(t, "GET", "/a.m3u8")
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if lines = strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) == 2 {
			break
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], `"encoding":"zstd"`) || !strings.Contains(lines[0], `"compressed":true`) || strings.Contains(lines[1], `"compressed"`) {
		t.Fatalf("access log:\n%s", log.String())
	}
}

// TestCompressionSkippedWhenEverySlotIsBusy: with every compression slot
// taken, a fill stores the identity body only (counted busy): CPU spent
// compressing never exceeds the slots.
func TestCompressionSkippedWhenEverySlotIsBusy(t *testing.T) {
	t.Parallel()
	playlist := bigPlaylist()
	o := compressOrigin(t, map[string]object{"/a.m3u8": {body: playlist, ctype: "application/vnd.apple.mpegurl"}}, nil)
	e := newTestEdge(t, o.URL, edgeOpts{compress: true})
	for range cap(e.h.comp.slots) {
		e.h.comp.slots <- struct{}{}
	}
	r := e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "br")
	if r.status != 200 || r.header.Get("Content-Encoding") != "" || r.body != playlist {
		t.Fatalf("busy: %d, Content-Encoding %q", r.status, r.header.Get("Content-Encoding"))
	}
	if got := testutil.ToFloat64(e.h.metrics.compressSkipped.WithLabelValues("busy")); got != 1 {
		t.Fatalf("streamedge_compression_skipped_total{reason=busy} = %v, want 1", got)
	}
	if got := testutil.ToFloat64(e.h.metrics.compressions.WithLabelValues("br")); got != 0 {
		t.Fatalf("%v compressions with every slot busy", got)
	}
}
