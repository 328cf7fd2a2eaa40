package rewrite

import (
	"bytes"
	"fmt"
)

// dashURIAttrs names, per element (local name), the attributes that carry a
// URI or a URI template.
var dashURIAttrs = map[string][]string{
	"SegmentTemplate":     {"media", "initialization", "index"},
	"SegmentURL":          {"media", "index"},
	"Initialization":      {"sourceURL"},
	"RepresentationIndex": {"sourceURL"},
}

// dashURIText names the elements whose text content is a URI.
var dashURIText = map[string]bool{"BaseURL": true, "Location": true, "PatchLocation": true}

// DASH rewrites the URIs of a DASH MPD token by token: markup it does not
// rewrite, comments, CDATA sections, processing instructions and the
// document type declaration are copied unchanged.
func DASH(body []byte, m Mapper) ([]byte, error) {
	if len(body) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(body))
	}
	w := &writer{in: body}
	i := 0
	for i < len(body) {
		lt := bytes.IndexByte(body[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		next, err := dashMarkup(w, m, i)
		if err != nil {
			return nil, err
		}
		i = next
	}
	return w.result(), nil
}

// dashMarkup handles the markup starting at body[i] == '<' and returns the
// offset just after it.
func dashMarkup(w *writer, m Mapper, i int) (int, error) {
	b := w.in
	switch {
	case bytes.HasPrefix(b[i:], []byte("<!--")):
		return skipPast(b, i+4, "-->"), nil
	case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
		return skipPast(b, i+9, "]]>"), nil
	case bytes.HasPrefix(b[i:], []byte("<?")):
		return skipPast(b, i+2, "?>"), nil
	case bytes.HasPrefix(b[i:], []byte("<!")):
		return skipDecl(b, i+2), nil
	case bytes.HasPrefix(b[i:], []byte("</")):
		return skipPast(b, i+2, ">"), nil
	}
	return dashStartTag(w, m, i)
}

// skipPast returns the offset after the first end at or after i (or the end
// of b when there is none).
func skipPast(b []byte, i int, end string) int {
	n := bytes.Index(b[i:], []byte(end))
	if n < 0 {
		return len(b)
	}
	return i + n + len(end)
}

// skipDecl skips a <!DOCTYPE …> declaration, including an internal subset
// in brackets and quoted literals.
func skipDecl(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"', '\'':
			i = skipPast(b, i+1, string(c))
			continue
		case '[':
			depth++
		case ']':
			depth--
		case '>':
			if depth <= 0 {
				return i + 1
			}
		}
		i++
	}
	return len(b)
}

// dashStartTag walks a start tag's attributes, maps the URI attributes of
// the elements that have them, and for BaseURL, Location and PatchLocation
// maps the text that follows the tag.
func dashStartTag(w *writer, m Mapper, i int) (int, error) {
	b := w.in
	j := i + 1
	for j < len(b) && !isXMLSpace(b[j]) && b[j] != '>' && b[j] != '/' {
		j++
	}
	name := localName(b[i+1 : j])
	attrs := dashURIAttrs[name]
	for {
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return len(b), nil
		}
		if b[j] == '>' || b[j] == '/' {
			break
		}
		next, err := dashAttr(w, m, j, attrs)
		if err != nil || next < 0 {
			return skipPast(b, j, ">"), err
		}
		j = next
	}
	selfClosing := b[j] == '/'
	end := skipPast(b, j, ">")
	if selfClosing || !dashURIText[name] {
		return end, nil
	}
	return end, dashText(w, m, end)
}

// dashAttr handles one name="value" at b[j]; it returns the offset after
// the value, or -1 when the attribute is malformed.
func dashAttr(w *writer, m Mapper, j int, attrs []string) (int, error) {
	b := w.in
	k := j
	for k < len(b) && b[k] != '=' && !isXMLSpace(b[k]) && b[k] != '>' {
		k++
	}
	name := string(b[j:k])
	for k < len(b) && isXMLSpace(b[k]) {
		k++
	}
	if k >= len(b) || b[k] != '=' {
		return -1, nil
	}
	k++
	for k < len(b) && isXMLSpace(b[k]) {
		k++
	}
	if k >= len(b) || (b[k] != '"' && b[k] != '\'') {
		return -1, nil
	}
	q := b[k]
	closing := bytes.IndexByte(b[k+1:], q)
	if closing < 0 {
		return -1, nil
	}
	vs, ve := k+1, k+1+closing
	if contains(attrs, name) {
		if err := mapXML(w, m, vs, ve, q); err != nil {
			return -1, err
		}
	}
	return ve + 1, nil
}

// dashText maps the character data starting at b[i], up to the next markup,
// with surrounding white space kept. Text that holds entities this package
// does not decode, or a CDATA section, is left alone.
func dashText(w *writer, m Mapper, i int) error {
	b := w.in
	lt := bytes.IndexByte(b[i:], '<')
	if lt < 0 {
		return nil
	}
	s, e := i, i+lt
	for s < e && isXMLSpace(b[s]) {
		s++
	}
	for e > s && isXMLSpace(b[e-1]) {
		e--
	}
	if s == e {
		return nil
	}
	return mapXML(w, m, s, e, 0)
}

// mapXML maps the escaped XML value b[s:e]; quote is the attribute's quote
// character, or 0 for text.
func mapXML(w *writer, m Mapper, s, e int, quote byte) error {
	raw, ok := xmlUnescape(w.in[s:e])
	if !ok {
		return nil
	}
	u, changed, err := apply(m, raw, false)
	if err != nil || !changed {
		return err
	}
	w.replace(s, e, xmlEscape(u, quote))
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(qname []byte) string {
	if k := bytes.LastIndexByte(qname, ':'); k >= 0 {
		qname = qname[k+1:]
	}
	return string(qname)
}
