package coding

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// Decode errors; each is wrapped with the coding that failed.
var (
	ErrTooBig      = errors.New("decoded body larger than the limit")
	ErrCorrupt     = errors.New("body does not decode")
	ErrUnsupported = errors.New("unsupported content coding")
)

// maxCodings bounds a stacked Content-Encoding list ("gzip, br").
const maxCodings = 2

// Decode undoes the codings of a Content-Encoding value, last applied first,
// and returns a body of at most limit bytes. With no coding (or identity) it
// returns body itself.
func Decode(contentEncoding string, body []byte, limit int64) ([]byte, error) {
	var codings []string
	for c := range strings.SplitSeq(contentEncoding, ",") {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
			codings = append(codings, c)
		}
	}
	if len(codings) > maxCodings {
		return nil, fmt.Errorf("%w: %q (more than %d codings)", ErrUnsupported, contentEncoding, maxCodings)
	}
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		if body, err = decodeOne(codings[i], body, limit); err != nil {
			return nil, fmt.Errorf("%s: %w", codings[i], err)
		}
	}
	return body, nil
}

func decodeOne(coding string, body []byte, limit int64) ([]byte, error) {
	src := bytes.NewReader(body)
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		defer zr.Close()
		r = zr
	case "br":
		r = brotli.NewReader(src)
	case "zstd":
		window := min(max(uint64(limit), zstd.MinWindowSize), 64<<20)
		zr, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(max(limit, 1))), zstd.WithDecoderMaxWindow(window))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		defer zr.Close()
		r = zr
	case "deflate": // RFC 9110 §8.4.1.2: the zlib format
		zr, err := zlib.NewReader(src)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, coding)
	}
	return readBounded(r, limit)
}

// readBounded reads r whole, failing once it yields more than limit bytes.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.Is(err, zstd.ErrWindowSizeExceeded):
		return nil, fmt.Errorf("%w: %w", ErrTooBig, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	case int64(len(out)) > limit:
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooBig, limit)
	}
	return out, nil
}

// Reason is the metric label of a decode error.
func Reason(err error) string {
	switch {
	case errors.Is(err, ErrTooBig):
		return "too_big"
	case errors.Is(err, ErrUnsupported):
		return "unsupported"
	}
	return "corrupt"
}
