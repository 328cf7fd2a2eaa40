package testorigin

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"path"
	"strconv"
	"strings"
)

const maxSynthetic = 64 << 20

// synthetic serves /synthetic/<size>/<name>.<ext>: exactly size
// deterministic bytes (a function of the path), so every distinct name is a
// distinct cold object. .m3u8 is a valid VOD media playlist padded with
// comment lines.
func (o *Origin) synthetic(w http.ResponseWriter, r *http.Request) {
	size, err := parseSize(r.PathValue("size"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := fnv.New64a()
	io.WriteString(h, r.URL.Path)
	seed := h.Sum64()
	etag := fmt.Sprintf(`"syn-%016x-%d"`, seed, size)
	ext := path.Ext(r.PathValue("name"))
	var body io.ReadSeeker = newPatternReader(seed, size)
	if ext == ".m3u8" {
		body = strings.NewReader(paddedPlaylist(size))
	}
	o.serve(w, r, object{kindSegment, body, syntheticType(ext), ccVOD, etag, o.start})
}

// parseSize accepts 1000, 1KiB, 2MiB (case-insensitive), up to 64 MiB.
func parseSize(s string) (int64, error) {
	mult, num := int64(1), strings.ToLower(s)
	for suffix, m := range map[string]int64{"kib": 1 << 10, "mib": 1 << 20} {
		if v, ok := strings.CutSuffix(num, suffix); ok {
			mult, num = m, v
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > maxSynthetic/mult {
		return 0, errors.New("testorigin: size must be 0..64MiB: an integer with optional KiB or MiB suffix")
	}
	return n * mult, nil
}

func syntheticType(ext string) string {
	switch ext {
	case ".m3u8":
		return mimeHLS
	case ".mpd":
		return mimeDASH
	case ".ts":
		return mimeTS
	case ".mp4", ".m4s", ".m4v":
		return mimeVideoMP4
	case ".m4a":
		return mimeAudioMP4
	case ".txt":
		return mimeText
	case ".json":
		return "application/json"
	}
	return "application/octet-stream"
}

// paddedPlaylist is a one-segment VOD media playlist of exactly size bytes
// (comment lines before EXT-X-ENDLIST); below the minimum it is a prefix.
func paddedPlaylist(size int64) string {
	head := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n" +
		"#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.000,\nseg_000.ts\n"
	tail := "#EXT-X-ENDLIST\n"
	pad := size - int64(len(head)+len(tail))
	if pad < 0 {
		return (head + tail)[:size]
	}
	var b strings.Builder
	b.Grow(int(size))
	b.WriteString(head)
	for pad > 0 {
		line := min(pad, 1024)
		if line == 1 {
			b.WriteString("\n") // a blank line is allowed
		} else {
			b.WriteString("#" + strings.Repeat("x", int(line-2)) + "\n")
		}
		pad -= line
	}
	b.WriteString(tail)
	return b.String()
}

// patternReader is a seekable body of size bytes repeating a 4 KiB block
// derived from seed, so large objects cost no memory.
type patternReader struct {
	block     [4096]byte
	size, off int64
}

func newPatternReader(seed uint64, size int64) *patternReader {
	p := &patternReader{size: size}
	rng := rand.New(rand.NewPCG(seed, seed>>1|1))
	for i := range p.block {
		p.block[i] = byte(rng.Uint32())
	}
	return p
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.size-p.off)]
	n := 0
	for n < len(b) {
		n += copy(b[n:], p.block[(p.off+int64(n))%int64(len(p.block)):])
	}
	p.off += int64(n)
	return n, nil
}

func (p *patternReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += p.size
	}
	if offset < 0 {
		return 0, errors.New("testorigin: negative seek")
	}
	p.off = offset
	return offset, nil
}
