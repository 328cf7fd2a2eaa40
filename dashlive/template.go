package dashlive

import (
	"fmt"
	"strconv"
	"strings"
)

// vars are the values a SegmentTemplate's identifiers expand to.
type vars struct {
	repID     string
	bandwidth int64
	number    int64
	time      int64
}

const maxWidth = 32 // widest $Number%0Nd$ accepted

// expand substitutes the $…$ identifiers of tmpl (ISO/IEC 23009-1
// 5.3.9.4.4): $$, $RepresentationID$, $Number$, $Time$, $Bandwidth$, the
// last three optionally with a %0<width>d format.
func expand(tmpl string, v vars) (string, error) {
	if !strings.Contains(tmpl, "$") {
		return tmpl, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '$')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		b.WriteString(tmpl[:i])
		j := strings.IndexByte(tmpl[i+1:], '$')
		if j < 0 {
			return "", fmt.Errorf("%w: unterminated $ in %q", ErrTemplate, tmpl)
		}
		if err := expandIdent(&b, tmpl[i+1:i+1+j], v); err != nil {
			return "", err
		}
		tmpl = tmpl[i+j+2:]
	}
}

func expandIdent(b *strings.Builder, ident string, v vars) error {
	name, format, hasFormat := strings.Cut(ident, "%")
	var n int64
	switch name {
	case "":
		if hasFormat {
			return fmt.Errorf("%w: $%s$", ErrTemplate, ident)
		}
		b.WriteByte('$')
		return nil
	case "RepresentationID":
		if hasFormat {
			return fmt.Errorf("%w: $RepresentationID$ takes no format", ErrTemplate)
		}
		b.WriteString(v.repID)
		return nil
	case "Number":
		n = v.number
	case "Time":
		n = v.time
	case "Bandwidth":
		n = v.bandwidth
	default:
		return fmt.Errorf("%w: identifier $%s$", ErrTemplate, ident)
	}
	width := 0
	if hasFormat {
		w, ok := parseWidth(format)
		if !ok {
			return fmt.Errorf("%w: format %%%s", ErrTemplate, format)
		}
		width = w
	}
	s := strconv.FormatInt(n, 10)
	if neg := strings.HasPrefix(s, "-"); len(s) < width && !neg {
		b.WriteString(strings.Repeat("0", width-len(s)))
	}
	b.WriteString(s)
	return nil
}

// parseWidth reads "0<width>d" (or "<width>d", "d").
func parseWidth(f string) (int, bool) {
	digits, ok := strings.CutSuffix(f, "d")
	if !ok {
		return 0, false
	}
	if digits == "" {
		return 0, true
	}
	w, err := strconv.Atoi(digits)
	if err != nil || w < 0 || w > maxWidth || strings.HasPrefix(digits, "-") || strings.HasPrefix(digits, "+") {
		return 0, false
	}
	return w, true
}
