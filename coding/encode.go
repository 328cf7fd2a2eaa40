package coding

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The levels Encoder compresses at: cheap ones, chosen with
// BenchmarkEncodeManifest (a 5 KiB VOD playlist in tens of µs per coding).
const (
	GzipLevel   = gzip.DefaultCompression // 6; klauspost's is about as fast as level 1 on playlists
	BrotliLevel = 4                       // the usual on-the-fly level; 5+ costs 2x for a few bytes
	ZstdLevel   = zstd.SpeedDefault       // level 3
)

// Encoder compresses whole bodies into gzip, br or zstd, reusing its codecs'
// state between calls. It is safe for concurrent use; one serves a process.
type Encoder struct {
	gzip   sync.Pool // *gzip.Writer
	brotli sync.Pool // *brotli.Writer
	zstd   *zstd.Encoder
}

// NewEncoder builds an Encoder; its zstd encoder runs at most GOMAXPROCS
// compressions at once.
func NewEncoder() (*Encoder, error) {
	z, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(ZstdLevel),
		zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithZeroFrames(true))
	if err != nil {
		return nil, fmt.Errorf("coding: zstd encoder: %w", err)
	}
	return &Encoder{zstd: z}, nil
}

// Encode compresses body in coding ("gzip", "br" or "zstd"); anything else
// is ErrUnsupported. body is not modified nor kept.
func (e *Encoder) Encode(coding string, body []byte) ([]byte, error) {
	switch coding {
	case "zstd":
		return e.zstd.EncodeAll(body, make([]byte, 0, len(body)/2+64)), nil
	case "gzip":
		return e.stream(&e.gzip, body, func(w io.Writer) resetWriter {
			zw, _ := gzip.NewWriterLevel(w, GzipLevel) // a valid constant level: no error
			return zw
		})
	case "br":
		return e.stream(&e.brotli, body, func(w io.Writer) resetWriter {
			return brotli.NewWriterLevel(w, BrotliLevel)
		})
	}
	return nil, fmt.Errorf("%w: %q", ErrUnsupported, coding)
}

// resetWriter is what gzip.Writer and brotli.Writer have in common.
type resetWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// stream compresses body with a pooled writer (made by mk when the pool is
// empty).
func (e *Encoder) stream(pool *sync.Pool, body []byte, mk func(io.Writer) resetWriter) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body)/2 + 64)
	w, ok := pool.Get().(resetWriter)
	if ok {
		w.Reset(&buf)
	} else {
		w = mk(&buf)
	}
	_, err := w.Write(body)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("coding: compressing: %w", err) // writes to a bytes.Buffer never fail
	}
	w.Reset(io.Discard) // the pool must not keep buf alive
	pool.Put(w)
	return buf.Bytes(), nil
}
