package rewrite

import (
	"bytes"
	"fmt"
)

// hlsURIAttrs names, per tag, the quoted attributes that carry a URI.
var hlsURIAttrs = map[string][]string{
	"EXT-X-MAP":                {"URI"},
	"EXT-X-MEDIA":              {"URI"},
	"EXT-X-I-FRAME-STREAM-INF": {"URI"},
	"EXT-X-KEY":                {"URI"},
	"EXT-X-SESSION-KEY":        {"URI"},
	"EXT-X-SESSION-DATA":       {"URI"},
	"EXT-X-PART":               {"URI"},
	"EXT-X-PRELOAD-HINT":       {"URI"},
	"EXT-X-RENDITION-REPORT":   {"URI"},
	"EXT-X-CONTENT-STEERING":   {"SERVER-URI"},
	"EXT-X-DATERANGE":          {"X-ASSET-URI", "X-ASSET-LIST"},
}

var bom = []byte("\xef\xbb\xbf")

// HLS rewrites the URIs of an HLS playlist (multivariant or media) line by
// line. Lines that are neither URI lines nor known URI-carrying tags are
// copied unchanged, as are the line endings.
func HLS(body []byte, m Mapper) ([]byte, error) {
	if len(body) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(body))
	}
	w := &writer{in: body}
	pos := 0
	if bytes.HasPrefix(body, bom) {
		pos = len(bom)
	}
	for pos < len(body) {
		end := bytes.IndexByte(body[pos:], '\n')
		next := len(body)
		if end < 0 {
			end = len(body)
		} else {
			end, next = pos+end, pos+end+1
		}
		lineEnd := end
		if lineEnd > pos && body[lineEnd-1] == '\r' {
			lineEnd--
		}
		if err := hlsLine(w, m, pos, lineEnd); err != nil {
			return nil, err
		}
		pos = next
	}
	return w.result(), nil
}

// hlsLine rewrites body[start:end], one line without its terminator.
func hlsLine(w *writer, m Mapper, start, end int) error {
	line := w.in[start:end]
	if len(line) > 0 && line[0] == '#' {
		if !bytes.HasPrefix(line, []byte("#EXT")) {
			return nil // comment
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return nil
		}
		attrs := hlsURIAttrs[string(line[1:colon])]
		if attrs == nil {
			return nil
		}
		return hlsAttrs(w, m, start+colon+1, end, attrs)
	}
	s, e := trimSpace(w.in, start, end)
	if s == e {
		return nil // blank line
	}
	u, ok, err := apply(m, string(w.in[s:e]), false)
	if ok {
		w.replace(s, e, u)
	}
	return err
}

// hlsAttrs walks an attribute list in body[start:end] and maps the quoted
// values of the named attributes. A malformed list stops the walk; what was
// not reached is kept as it is.
func hlsAttrs(w *writer, m Mapper, start, end int, names []string) error {
	b := w.in
	i := start
	for i < end {
		eq := bytes.IndexByte(b[i:end], '=')
		if eq < 0 {
			return nil
		}
		name := string(bytes.TrimSpace(b[i : i+eq]))
		i += eq + 1
		if i < end && b[i] == '"' {
			closing := bytes.IndexByte(b[i+1:end], '"')
			if closing < 0 {
				return nil
			}
			vs, ve := i+1, i+1+closing
			if contains(names, name) {
				u, ok, err := apply(m, string(b[vs:ve]), true)
				if err != nil {
					return err
				}
				if ok {
					w.replace(vs, ve, u)
				}
			}
			i = ve + 1
		}
		comma := bytes.IndexByte(b[i:end], ',')
		if comma < 0 {
			return nil
		}
		i += comma + 1
	}
	return nil
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

func trimSpace(b []byte, s, e int) (int, int) {
	for s < e && (b[s] == ' ' || b[s] == '\t') {
		s++
	}
	for e > s && (b[e-1] == ' ' || b[e-1] == '\t') {
		e--
	}
	return s, e
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}
