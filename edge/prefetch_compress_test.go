package edge

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPrefetchAfterACompressedPlaylistFill: a live playlist large enough
// to be compressed for a viewer that accepts gzip (an LL-HLS playlist
// always is) still gets its newest segments prefetched and its origin hints
// followed; before, the compressed fill returned before the prefetch.
func TestPrefetchAfterACompressedPlaylistFill(t *testing.T) {
	onFronts(t, func(t *testing.T) {
		o := newTestOrigin(t, func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, ".m3u8") {
				var b strings.Builder
				b.WriteString("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:100\n")
				for i := 100; i < 160; i++ { // about 1.3 kB: compressed
					fmt.Fprintf(&b, "#EXTINF:2.000,\nseg_%d.ts\n", i)
				}
				w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
				w.Header().Set("Link", "</live/next.ts>; rel=next")
				_, _ = w.Write([]byte(b.String()))
				return
			}
			w.Header().Set("Content-Type", "video/mp2t")
			w.Header().Set("Cache-Control", "max-age=60")
			_, _ = w.Write([]byte("segment " + r.URL.Path))
		})
		e := newTestEdge(t, o.URL, edgeOpts{routes: func(def *Route) (*Routes, error) {
			def.Prefetch, def.Compress = 2, true
			return Single(def)
		}})
		r := e.get(t, "GET", "/live/index.m3u8", "Accept-Encoding", "gzip")
		if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("playlist: %d, Content-Encoding %q: want a gzip fill", r.status, r.header.Get("Content-Encoding"))
		}
		waitCount(t, o, "/live/seg_159.ts", 1)
		waitCount(t, o, "/live/seg_158.ts", 1)
		waitCount(t, o, "/live/next.ts", 1)
		time.Sleep(50 * time.Millisecond) // the prefetch stores after its body
		wantCache(t, e.get(t, "GET", "/live/seg_159.ts"), "Hit")
		if n := o.count("/live/seg_157.ts"); n != 0 {
			t.Errorf("seg_157 (older than the newest 2) asked %d times", n)
		}
	})
}
