package dashlive

import (
	"fmt"
	"strconv"
	"strings"
)

// Vars are the values a SegmentTemplate's identifiers expand to.
type Vars struct {
	RepresentationID string
	Bandwidth        int64
	Number           int64
	Time             int64
	SubNumber        int64
}

// MaxWidth is the widest %0<width>d format tag Expand accepts, so a
// template cannot blow up memory.
const MaxWidth = 32

// Expand substitutes the $…$ identifiers of tmpl (ISO/IEC 23009-1
// 5.3.9.4.4): $$, $RepresentationID$, $Number$, $Time$, $Bandwidth$,
// $SubNumber$, the numeric ones optionally with a %0<width>d format tag
// (width 1 to MaxWidth). It is the one template expander of the
// repository: this package's timeline and the player simulator use it.
func Expand(tmpl string, v Vars) (string, error) {
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

func expandIdent(b *strings.Builder, ident string, v Vars) error {
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
		b.WriteString(v.RepresentationID)
		return nil
	case "Number":
		n = v.Number
	case "Time":
		n = v.Time
	case "Bandwidth":
		n = v.Bandwidth
	case "SubNumber":
		n = v.SubNumber
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

// parseWidth reads the format tag after '%': "0<width>d", width 1 to
// MaxWidth, as the standard writes it.
func parseWidth(f string) (int, bool) {
	if len(f) < 3 || f[0] != '0' || f[len(f)-1] != 'd' {
		return 0, false
	}
	digits := f[1 : len(f)-1]
	if digits[0] < '0' || digits[0] > '9' {
		return 0, false // no sign
	}
	w, err := strconv.Atoi(digits)
	if err != nil || w < 1 || w > MaxWidth {
		return 0, false
	}
	return w, true
}
