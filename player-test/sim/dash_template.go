package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TemplateVars are the values substituted into a SegmentTemplate URL.
type TemplateVars struct {
	RepresentationID string
	Number           uint64
	Time             uint64
	Bandwidth        uint64
	SubNumber        uint64
}

// maxFormatWidth bounds %0<width>d so a template cannot blow up memory.
const maxFormatWidth = 64

// ExpandTemplate substitutes DASH template identifiers (ISO/IEC 23009-1
// §5.3.9.4.4): $RepresentationID$, $Number$, $Time$, $Bandwidth$,
// $SubNumber$, each numeric one with an optional %0<width>d format tag, and
// $$ for a literal dollar.
func ExpandTemplate(tmpl string, v TemplateVars) (string, error) {
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
			return "", fmt.Errorf("template %q: unterminated $", tmpl)
		}
		s, err := expandIdent(tmpl[i+1:i+1+j], v)
		if err != nil {
			return "", fmt.Errorf("template %q: %w", tmpl, err)
		}
		b.WriteString(s)
		tmpl = tmpl[i+2+j:]
	}
}

func expandIdent(ident string, v TemplateVars) (string, error) {
	if ident == "" {
		return "$", nil
	}
	name, format, hasFormat := strings.Cut(ident, "%")
	var n uint64
	switch name {
	case "RepresentationID":
		if hasFormat {
			return "", errors.New("$RepresentationID$ takes no format tag")
		}
		return v.RepresentationID, nil
	case "Number":
		n = v.Number
	case "Time":
		n = v.Time
	case "Bandwidth":
		n = v.Bandwidth
	case "SubNumber":
		n = v.SubNumber
	default:
		return "", fmt.Errorf("unknown identifier $%s$", ident)
	}
	if !hasFormat {
		return strconv.FormatUint(n, 10), nil
	}
	width, err := parseWidth(format)
	if err != nil {
		return "", fmt.Errorf("$%s$: %w", ident, err)
	}
	return fmt.Sprintf("%0*d", width, n), nil
}

// parseWidth parses the part after '%' of a format tag: "0<width>d".
func parseWidth(f string) (int, error) {
	if len(f) < 3 || f[0] != '0' || f[len(f)-1] != 'd' {
		return 0, fmt.Errorf("format tag %%%s: want %%0<width>d", f)
	}
	w, err := strconv.Atoi(f[1 : len(f)-1])
	if err != nil || w < 1 || w > maxFormatWidth || f[1] == '+' || f[1] == '-' {
		return 0, fmt.Errorf("format tag %%%s: bad width", f)
	}
	return w, nil
}
