package edge

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/streamedge/streamedge/manifest"
)

const vodPlaylist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
	"#EXTINF:2.0,\nseg_000.ts\n#EXTINF:2.0,\nseg_001.ts\n#EXT-X-ENDLIST\n"

func encode(t testing.TB, coding string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch coding {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "br":
		w = brotli.NewWriter(&buf)
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	default:
		return b
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decodeResponse undoes what the edge sent and checks it is a coding the
// client asked for.
func decodeResponse(t *testing.T, r result, class string) string {
	t.Helper()
	ce := r.header.Get("Content-Encoding")
	allowed := map[string][]string{"": {""}, "gzip": {"", "gzip"}, "br": {"", "gzip", "br"}}[class]
	if !strings.Contains(","+strings.Join(allowed, ",")+",", ","+ce+",") {
		t.Fatalf("a %q client got Content-Encoding %q", class, ce)
	}
	var rd io.Reader = strings.NewReader(r.body)
	switch ce {
	case "gzip":
		zr, err := gzip.NewReader(rd)
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		rd = zr
	case "br":
		rd = brotli.NewReader(rd)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("%s body: %v", ce, err)
	}
	return string(b)
}

// codingOrigin serves the playlist in the coding pick chooses for the
// request's Accept-Encoding, with a strong ETag; Vary only when vary (nginx's
// gzip module sends none by default).
func codingOrigin(t *testing.T, pick func(ae string) string, vary bool) *testOrigin {
	return newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		c := pick(r.Header.Get("Accept-Encoding"))
		body := encode(t, c, []byte(vodPlaylist))
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("ETag", `"v1"`)
		if vary {
			w.Header().Set("Vary", "Accept-Encoding")
		}
		if c != "" {
			w.Header().Set("Content-Encoding", c)
		}
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		_, _ = w.Write(body)
	})
}

func TestCompressedManifestServedPerClass(t *testing.T) {
	t.Parallel()
	honest := func(ae string) string { // what the client's fill asked for
		switch {
		case strings.Contains(ae, "br"):
			return "br"
		case strings.Contains(ae, "gzip"):
			return "gzip"
		}
		return ""
	}
	tests := []struct {
		name   string
		pick   func(string) string
		vary   bool
		wantCE map[string]string // client class → Content-Encoding it gets
	}{
		{"origin_honours_accept_encoding", honest, true, map[string]string{"": "", "gzip": "gzip", "br": "br"}},
		{"origin_gzips_despite_identity", func(string) string { return "gzip" }, false, map[string]string{"": "", "gzip": "gzip", "br": "gzip"}},
		{"origin_sends_br_to_everyone", func(string) string { return "br" }, false, map[string]string{"": "", "gzip": "", "br": "br"}},
		{"origin_sends_zstd", func(string) string { return "zstd" }, false, map[string]string{"": "", "gzip": "", "br": ""}},
	}
	accept := map[string]string{"": "", "gzip": "gzip, deflate", "br": "gzip, deflate, br"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := codingOrigin(t, tc.pick, tc.vary)
			e := newTestEdge(t, o.URL, edgeOpts{})
			for round := range 2 {
				for _, class := range []string{"", "gzip", "br"} {
					hdr := []string{}
					if accept[class] != "" {
						hdr = append(hdr, "Accept-Encoding", accept[class])
					}
					r := e.get(t, "GET", "/vod/index.m3u8", hdr...)
					if r.status != http.StatusOK {
						t.Fatalf("%q client: status %d %q", class, r.status, r.body)
					}
					if got := r.header.Get("Content-Encoding"); got != tc.wantCE[class] {
						t.Fatalf("%q client got Content-Encoding %q, want %q", class, got, tc.wantCE[class])
					}
					if body := decodeResponse(t, r, class); body != vodPlaylist {
						t.Fatalf("%q client body %q", class, trunc(body))
					}
					if _, err := manifest.Parse(manifest.HLS, []byte(decodeResponse(t, r, class))); err != nil {
						t.Fatalf("%q client playlist invalid: %v", class, err)
					}
					if !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Accept-Encoding") {
						t.Fatalf("%q client: stored per class but no Vary: Accept-Encoding (%q)", class, r.header.Values("Vary"))
					}
					if r.header.Get("Content-Encoding") == "" && tc.pick(accept[class]) != "" && r.header.Get("ETag") != `W/"v1"` {
						t.Fatalf("decoded body kept the strong ETag %q", r.header.Get("ETag"))
					}
					if round == 1 {
						wantCache(t, r, "Hit")
					}
				}
			}
			if n := o.count("/vod/index.m3u8"); n != 3 {
				t.Fatalf("origin requests = %d, want 3 (one per class)", n)
			}
			if tc.wantCE[""] != tc.pick("identity") || tc.wantCE["gzip"] != tc.pick("gzip") {
				if n := testutil.CollectAndCount(e.h.metrics.decodes); n == 0 {
					t.Fatal("streamedge_manifest_decodes_total not counted")
				}
			}
		})
	}
}

// TestDecodedManifestRevalidates: a decoded (weak-ETag) copy refreshes with a
// 304 and stays weak and identity.
func TestDecodedManifestRevalidates(t *testing.T) {
	t.Parallel()
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Header().Set("Cache-Control", "max-age=1")
		w.Header().Set("ETag", `"v1"`)
		if strings.TrimPrefix(r.Header.Get("If-None-Match"), "W/") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(encode(t, "gzip", []byte(vodPlaylist)))
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	e.get(t, "GET", "/r.m3u8")
	time.Sleep(1100 * time.Millisecond)
	r := e.get(t, "GET", "/r.m3u8")
	wantCache(t, r, "RefreshHit")
	if r.body != vodPlaylist || r.header.Get("Content-Encoding") != "" || r.header.Get("ETag") != `W/"v1"` {
		t.Fatalf("refreshed copy: %q %q %q", r.header.Get("Content-Encoding"), r.header.Get("ETag"), trunc(r.body))
	}
}

func TestUndecodableManifestIsAFailedFill(t *testing.T) {
	t.Parallel()
	const limit = 1 << 20
	bomb := encode(t, "gzip", append([]byte(vodPlaylist), make([]byte, 64<<20)...)) // 64 MiB of zeros in ~64 KiB
	corrupt := encode(t, "gzip", []byte(vodPlaylist))
	corrupt[len(corrupt)-6] ^= 0xff // CRC mismatch
	tests := []struct {
		name, coding, reason string
		body                 []byte
	}{
		{"gzip_bomb", "gzip", "too_big", bomb},
		{"br_bomb", "br", "too_big", encode(t, "br", make([]byte, 64<<20))},
		{"corrupt_gzip", "gzip", "corrupt", corrupt},
		{"truncated_br", "br", "corrupt", encode(t, "br", []byte(vodPlaylist))[:10]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if len(tc.body) >= limit {
				t.Fatalf("the compressed body (%d bytes) must fit under the limit", len(tc.body))
			}
			var bad atomic.Bool
			o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
				w.Header().Set("Cache-Control", "max-age=1")
				if bad.Load() || r.URL.Path == "/bad.m3u8" {
					w.Header().Set("Content-Encoding", tc.coding)
					_, _ = w.Write(tc.body)
					return
				}
				_, _ = io.WriteString(w, vodPlaylist)
			})
			e := newTestEdge(t, o.URL, edgeOpts{maxObject: limit})
			for range 2 { // never stored: each request asks the origin again
				r := e.get(t, "GET", "/bad.m3u8", "Accept-Encoding", "gzip, br")
				if r.status != http.StatusBadGateway || !strings.Contains(r.body, "undecodable") {
					t.Fatalf("got %d %q, want 502 undecodable", r.status, trunc(r.body))
				}
			}
			if n := o.count("/bad.m3u8"); n != 2 {
				t.Fatalf("origin requests = %d, want 2: a failed decode was stored", n)
			}
			if n := testutil.ToFloat64(e.h.metrics.failedFills.WithLabelValues("undecodable")); n != 2 {
				t.Fatalf("streamedge_failed_fills_total{reason=undecodable} = %v, want 2", n)
			}
			if n := testutil.ToFloat64(e.h.metrics.decodeFailures.WithLabelValues(tc.coding, tc.reason)); n != 2 {
				t.Fatalf("streamedge_manifest_decode_failures_total{%s,%s} = %v, want 2", tc.coding, tc.reason, n)
			}
			// A good copy goes stale, then the origin turns bad: the stale copy is served.
			e.get(t, "GET", "/good.m3u8")
			bad.Store(true)
			time.Sleep(1100 * time.Millisecond)
			r := e.get(t, "GET", "/good.m3u8")
			if r.status != http.StatusOK || r.body != vodPlaylist {
				t.Fatalf("stale copy not served: %d %q", r.status, trunc(r.body))
			}
			wantCache(t, r, "Stale")
		})
	}
}

// TestCodedBodyDecodedForItsClass: any object (not only manifests) an origin
// sends in a coding the client's class cannot read is decoded whole for that
// class; a class that can read it still gets the bytes streamed as sent.
func TestCodedBodyDecodedForItsClass(t *testing.T) {
	t.Parallel()
	const text = "WEBVTT\n\n00:00.000 --> 00:02.000\nhello\n"
	o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/vtt")
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Encoding", "gzip") // whatever the request said
		_, _ = w.Write(encode(t, "gzip", []byte(text)))
	})
	e := newTestEdge(t, o.URL, edgeOpts{})
	for range 2 {
		plain := e.get(t, "GET", "/sub.vtt")
		if plain.body != text || plain.header.Get("Content-Encoding") != "" || plain.header.Get("Content-Length") != fmt.Sprint(len(text)) {
			t.Fatalf("identity client got %q (Content-Length %q) %q", plain.header.Get("Content-Encoding"),
				plain.header.Get("Content-Length"), trunc(plain.body))
		}
		gz := e.get(t, "GET", "/sub.vtt", "Accept-Encoding", "gzip")
		if decodeResponse(t, gz, "gzip") != text || gz.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("gzip client got %q", gz.header.Get("Content-Encoding"))
		}
	}
	if n := o.count("/sub.vtt"); n != 2 {
		t.Fatalf("origin requests = %d, want 2 (one per class)", n)
	}
}

// syncBuffer is an access-log sink safe for the handler's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestAccessLogRecordsEncoding(t *testing.T) {
	t.Parallel()
	o := codingOrigin(t, func(ae string) string {
		if strings.Contains(ae, "gzip") {
			return "gzip"
		}
		return ""
	}, true)
	e := newTestEdge(t, o.URL, edgeOpts{})
	var log syncBuffer
	e.h.cfg.AccessLog = &log
	e.get(t, "GET", "/a.m3u8", "Accept-Encoding", "gzip")
	e.get(t, "GET", "/a.m3u8")
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if lines = strings.Split(strings.TrimSpace(log.String()), "\n"); len(lines) == 2 {
			break // each line is written after its response went out
		}
	}
	if len(lines) != 2 || !strings.Contains(lines[0], `"encoding":"gzip"`) || strings.Contains(lines[1], `"encoding"`) {
		t.Fatalf("access log:\n%s", log.String())
	}
}
