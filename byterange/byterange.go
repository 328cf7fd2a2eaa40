package byterange

import (
	"errors"
	"strconv"
	"strings"
)

// Errors returned by Parse. A caller ignores the header on ErrSyntax and
// ErrMulti (serving the whole body), as RFC 9110 allows.
var (
	ErrSyntax = errors.New("byterange: malformed Range header")
	ErrMulti  = errors.New("byterange: multiple ranges")
)

// maxHeaderLen bounds the work done on a hostile header.
const maxHeaderLen = 256

// Spec is one byte-range-spec: first-last, first- (Last < 0), or a suffix
// -N (Suffix true, Last = N).
type Spec struct {
	First  int64
	Last   int64
	Suffix bool
}

// Parse reads a Range header value of the "bytes" unit holding one range.
func Parse(h string) (Spec, error) {
	if len(h) > maxHeaderLen {
		return Spec{}, ErrSyntax
	}
	unit, set, ok := strings.Cut(strings.TrimSpace(h), "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return Spec{}, ErrSyntax
	}
	if strings.Contains(set, ",") {
		return Spec{}, ErrMulti
	}
	first, last, ok := strings.Cut(strings.TrimSpace(set), "-")
	if !ok {
		return Spec{}, ErrSyntax
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" {
		n, err := parseNum(last)
		if err != nil {
			return Spec{}, err
		}
		return Spec{Suffix: true, Last: n}, nil
	}
	f, err := parseNum(first)
	if err != nil {
		return Spec{}, err
	}
	if last == "" {
		return Spec{First: f, Last: -1}, nil
	}
	l, err := parseNum(last)
	if err != nil || l < f {
		return Spec{}, ErrSyntax
	}
	return Spec{First: f, Last: l}, nil
}

func parseNum(s string) (int64, error) {
	if s == "" || len(s) > 19 {
		return 0, ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrSyntax
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrSyntax
	}
	return n, nil
}

// Resolve maps the spec onto an object of size bytes, giving the inclusive
// [start, end] to send. ok is false when the range is unsatisfiable (416).
// A last-byte-pos past the end is clamped, as RFC 9110 requires (LL-HLS
// clients send 2^53-1 for "to the end").
func (s Spec) Resolve(size int64) (start, end int64, ok bool) {
	if size <= 0 {
		return 0, 0, false
	}
	if s.Suffix {
		if s.Last == 0 {
			return 0, 0, false
		}
		if s.Last > size {
			return 0, size - 1, true
		}
		return size - s.Last, size - 1, true
	}
	if s.First >= size {
		return 0, 0, false
	}
	end = s.Last
	if end < 0 || end >= size {
		end = size - 1
	}
	return s.First, end, true
}
