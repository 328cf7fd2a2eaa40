package rewrite

import (
	"errors"
	"fmt"

	"github.com/streamedge/streamedge/manifest"
)

// Mapper is called with every URI a rewriter finds, exactly as it appears in
// the manifest (after XML entity decoding in DASH). It returns the URI to
// write and whether it changed; when it returns false the original bytes are
// kept.
type Mapper func(uri string) (string, bool)

const (
	// MaxBytes bounds the manifests a rewriter accepts.
	MaxBytes = 16 << 20
	// MaxURIBytes bounds a URI a Mapper returns.
	MaxURIBytes = 8 << 10
)

var (
	// ErrTooLarge: the manifest is longer than MaxBytes.
	ErrTooLarge = errors.New("rewrite: manifest too large")
	// ErrBadURI: a Mapper returned a URI that cannot be written in place
	// (control characters, a quote inside an HLS quoted string, longer than
	// MaxURIBytes).
	ErrBadURI = errors.New("rewrite: mapper returned an unusable URI")
	// ErrFormat: the format is neither HLS nor DASH.
	ErrFormat = errors.New("rewrite: not a manifest format")
)

// Manifest rewrites body as format f (manifest.HLS or manifest.DASH).
func Manifest(f manifest.Format, body []byte, m Mapper) ([]byte, error) {
	switch f {
	case manifest.HLS:
		return HLS(body, m)
	case manifest.DASH:
		return DASH(body, m)
	}
	return nil, fmt.Errorf("%w: %v", ErrFormat, f)
}

// Chain returns a Mapper applying ms in order, each to the previous result.
func Chain(ms ...Mapper) Mapper {
	return func(uri string) (string, bool) {
		changed := false
		for _, m := range ms {
			if u, ok := m(uri); ok {
				uri, changed = u, true
			}
		}
		return uri, changed
	}
}

// apply calls m and checks its answer; quoted forbids '"' in the result. A
// URI holding control characters is not a URI and is left alone.
func apply(m Mapper, uri string, quoted bool) (string, bool, error) {
	if hasControl([]byte(uri)) {
		return uri, false, nil
	}
	u, ok := m(uri)
	if !ok || u == uri {
		return uri, false, nil
	}
	if len(u) > MaxURIBytes {
		return "", false, fmt.Errorf("%w: %d bytes", ErrBadURI, len(u))
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; c < 0x20 || c == 0x7f || (quoted && c == '"') {
			return "", false, fmt.Errorf("%w: %q", ErrBadURI, u)
		}
	}
	return u, true, nil
}

// writer accumulates the output lazily: nothing is copied until the first
// change, so a no-op rewrite returns the input slice itself.
type writer struct {
	in    []byte
	out   []byte
	done  int // in[:done] has been accounted for in out
	dirty bool
}

// replace substitutes in[start:end] with s.
func (w *writer) replace(start, end int, s string) {
	if !w.dirty {
		w.out = make([]byte, 0, len(w.in)+len(w.in)/8+len(s))
		w.dirty = true
	}
	w.out = append(w.out, w.in[w.done:start]...)
	w.out = append(w.out, s...)
	w.done = end
}

func (w *writer) result() []byte {
	if !w.dirty {
		return w.in
	}
	return append(w.out, w.in[w.done:]...)
}
