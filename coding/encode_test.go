package coding

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// vodPlaylist is a 150-segment VOD media playlist (about 5 KiB), as a
// packager writes it.
func vodPlaylist() []byte {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n")
	for i := range 150 {
		fmt.Fprintf(&b, "#EXTINF:4.000000,\nsegment_%05d.ts\n", i)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return []byte(b.String())
}

// TestEncodeDecodesToTheSameBytes: every coding the Encoder writes decodes
// (with Decode, the edge's own decoder) to the input exactly, smaller, from
// many goroutines at once (the pooled writers are not shared mid-body).
func TestEncodeDecodesToTheSameBytes(t *testing.T) {
	e, err := NewEncoder()
	if err != nil {
		t.Fatal(err)
	}
	mpd, err := os.ReadFile("../manifest/testdata/static.mpd")
	if err != nil {
		t.Fatal(err)
	}
	bodies := [][]byte{vodPlaylist(), mpd}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for _, coding := range []string{"gzip", "br", "zstd"} {
				in := bodies[g%2]
				out, err := e.Encode(coding, in)
				if err != nil {
					t.Errorf("%s: %v", coding, err)
					return
				}
				back, err := Decode(coding, out, 1<<20)
				if err != nil || string(back) != string(in) {
					t.Errorf("%s: decoded %d bytes (%v), want the %d input bytes", coding, len(back), err, len(in))
				}
				if len(out) >= len(in) {
					t.Errorf("%s: %d bytes from %d", coding, len(out), len(in))
				}
			}
		})
	}
	wg.Wait()
	if _, err := e.Encode("deflate", mpd); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Encode(deflate) = %v, want ErrUnsupported", err)
	}
}

// TestCompressibleTypeIsCloudFrontsList: manifests and text are compressed,
// media segments and binary types never, parameters and case ignored.
func TestCompressibleTypeIsCloudFrontsList(t *testing.T) {
	tests := map[string]bool{
		"application/vnd.apple.mpegurl": true, "application/x-mpegURL": true, "vnd.apple.mpegurl": true,
		"application/dash+xml": true, "text/plain; charset=utf-8": true, "TEXT/CSS": true,
		"application/json": true, "image/svg+xml": true, "font/ttf": true,
		"video/mp2t": false, "video/mp4": false, "audio/mp4": false, "audio/aac": false,
		"application/octet-stream": false, "image/png": false, "text/vtt": false, "": false,
	}
	for ct, want := range tests {
		if got := CompressibleType(ct); got != want {
			t.Errorf("CompressibleType(%q) = %v, want %v", ct, got, want)
		}
	}
}

// BenchmarkEncodeManifest is the cost of one fill's compression per coding
// at the Encoder's levels: ns/op and the output size (bytes) for a 5 KiB
// VOD playlist and a 1.9 KiB MPD.
func BenchmarkEncodeManifest(b *testing.B) {
	e, err := NewEncoder()
	if err != nil {
		b.Fatal(err)
	}
	mpd, err := os.ReadFile("../manifest/testdata/static.mpd")
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []struct {
		name string
		body []byte
	}{{"hls", vodPlaylist()}, {"mpd", mpd}} {
		for _, coding := range []string{"gzip", "br", "zstd"} {
			b.Run(in.name+"/"+coding, func(b *testing.B) {
				var n int
				for b.Loop() {
					out, err := e.Encode(coding, in.body)
					if err != nil {
						b.Fatal(err)
					}
					n = len(out)
				}
				b.ReportMetric(float64(len(in.body)), "in-bytes")
				b.ReportMetric(float64(n), "bytes")
			})
		}
	}
}

// FuzzEncodeRoundTrip: whatever body an origin sends, each coding's output
// decodes back to it exactly; whatever Content-Type it names, video/ and
// audio/ types are never compressible.
func FuzzEncodeRoundTrip(f *testing.F) {
	e, err := NewEncoder()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("application/vnd.apple.mpegurl", vodPlaylist())
	f.Add("video/mp2t; x=1", []byte{0x47, 0x40, 0x00, 0x10})
	f.Add("", []byte{})
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		mt := strings.ToLower(strings.TrimSpace(contentType))
		if (strings.HasPrefix(mt, "video/") || strings.HasPrefix(mt, "audio/")) && CompressibleType(contentType) {
			t.Fatalf("%q is compressible", contentType)
		}
		for _, coding := range []string{"gzip", "br", "zstd"} {
			out, err := e.Encode(coding, body)
			if err != nil {
				t.Fatalf("%s: %v", coding, err)
			}
			back, err := Decode(coding, out, int64(len(body))+4096)
			if err != nil || string(back) != string(body) {
				t.Fatalf("%s: round trip lost the body (%v)", coding, err)
			}
		}
	})
}
