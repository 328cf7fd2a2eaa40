package coding

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

const playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n#EXT-X-ENDLIST\n"

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func br(b []byte) []byte {
	var buf bytes.Buffer
	w := brotli.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func zst(b []byte) []byte {
	w, _ := zstd.NewWriter(nil)
	defer w.Close()
	return w.EncodeAll(b, nil)
}

// zstStream writes a frame without a content size and with a small window:
// the decoder cannot refuse it up front and must stop at the limit.
func zstStream(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf, zstd.WithWindowSize(256<<10))
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func zl(b []byte) []byte {
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, _ = w.Write(b)
	_ = w.Close()
	return buf.Bytes()
}

func TestDecodeEachCoding(t *testing.T) {
	p := []byte(playlist)
	tests := map[string][]byte{
		"": p, "identity": p, "gzip": gz(p), "x-gzip": gz(p), "GZIP": gz(p), "br": br(p), "zstd": zst(p),
		"deflate": zl(p), "gzip, br": br(gz(p)),
	}
	for ce, body := range tests {
		got, err := Decode(ce, body, 1<<20)
		if err != nil || string(got) != playlist {
			t.Errorf("Decode(%q) = %q, %v", ce, got, err)
		}
	}
}

func TestDecodeFailures(t *testing.T) {
	bomb := make([]byte, 8<<20) // 8 MiB of zeros: a few KiB compressed
	corrupt := gz([]byte(playlist))
	corrupt[len(corrupt)-6] ^= 0xff // CRC mismatch
	tests := []struct {
		name, ce string
		body     []byte
		want     error
	}{
		{"gzip_bomb", "gzip", gz(bomb), ErrTooBig},
		{"br_bomb", "br", br(bomb), ErrTooBig},
		{"zstd_bomb", "zstd", zst(bomb), ErrTooBig},
		{"deflate_bomb", "deflate", zl(bomb), ErrTooBig},
		{"gzip_bad_crc", "gzip", corrupt, ErrCorrupt},
		{"gzip_not_gzip", "gzip", []byte(playlist), ErrCorrupt},
		{"gzip_truncated", "gzip", gz([]byte(playlist))[:20], ErrCorrupt},
		{"br_garbage", "br", []byte("\xff\xff\xff\xff not brotli"), ErrCorrupt},
		{"zstd_garbage", "zstd", []byte("not zstd at all"), ErrCorrupt},
		{"unknown", "compress", []byte("x"), ErrUnsupported},
		{"too_many_layers", "gzip, gzip, gzip", []byte("x"), ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.body) > 1<<20 {
				t.Fatalf("the %s body is %d bytes: not a bomb", tc.name, len(tc.body))
			}
			got, err := Decode(tc.ce, tc.body, 1<<20)
			if !errors.Is(err, tc.want) || got != nil {
				t.Fatalf("Decode = %d bytes, %v; want %v", len(got), err, tc.want)
			}
		})
	}
}

// FuzzDecode: whatever an origin sends, Decode returns at most limit bytes or
// one of its three errors, and never panics.
func FuzzDecode(f *testing.F) {
	p := []byte(playlist)
	for ce, b := range map[string][]byte{"gzip": gz(p), "br": br(p), "zstd": zst(p), "deflate": zl(p), "": p} {
		f.Add(ce, b)
	}
	f.Add("gzip", gz(make([]byte, 1<<16)))
	f.Fuzz(func(t *testing.T, ce string, body []byte) {
		const limit = 4096
		out, err := Decode(ce, body, limit)
		if err != nil {
			if !errors.Is(err, ErrTooBig) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if len(out) > limit && len(out) != len(body) {
			t.Fatalf("decoded %d bytes past the %d limit", len(out), limit)
		}
	})
}

// TestDecodeBombAllocatesAboutTheLimit: a 64 MiB bomb decoded with a 1 MiB
// limit allocates a few MiB, not the bomb.
func TestDecodeBombAllocatesAboutTheLimit(t *testing.T) {
	const limit = 1 << 20
	for _, c := range []struct {
		coding string
		enc    func([]byte) []byte
	}{{"gzip", gz}, {"br", br}, {"zstd", zst}, {"zstd", zstStream}} { // zstd twice: sized frame, stream
		bomb := c.enc(make([]byte, 64<<20))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := Decode(c.coding, bomb, limit)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooBig) {
			t.Fatalf("%s: %v", c.coding, err)
		}
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d KiB compressed, %.1f MiB allocated decoding with a 1 MiB limit", c.coding, len(bomb)>>10, float64(alloc)/(1<<20))
		if alloc > 16<<20 {
			t.Fatalf("%s bomb: %d bytes allocated for a %d-byte limit", c.coding, alloc, limit)
		}
	}
}
