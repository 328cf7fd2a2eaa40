package testorigin

import (
	"fmt"
	"net/http"
	"strings"
)

// slate serves /slates/offline.m3u8: a short VOD playlist of the 240p VOD
// segments, what a distribution's custom error response shows viewers of a
// live stream whose origin is down (deploy/demo.yaml).
func (o *Origin) slate(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n")
	for i := range 3 {
		fmt.Fprintf(&b, "#EXTINF:2.000000,\n/vod/hls_ts/240p/seg_%03d.ts\n", i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
	w.Header().Set("Cache-Control", "max-age=10")
	_, _ = w.Write([]byte(b.String()))
}
