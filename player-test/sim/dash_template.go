package sim

import (
	"fmt"
	"math"

	"github.com/streamedge/streamedge/dashlive"
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
const maxFormatWidth = dashlive.MaxWidth

// ExpandTemplate substitutes DASH template identifiers (ISO/IEC 23009-1
// §5.3.9.4.4) with dashlive.Expand, the edge's own expander, so the
// simulated players and the edge read templates alike: $RepresentationID$,
// $Number$, $Time$, $Bandwidth$, $SubNumber$, each numeric one with an
// optional %0<width>d format tag, and $$ for a literal dollar.
func ExpandTemplate(tmpl string, v TemplateVars) (string, error) {
	for _, n := range []uint64{v.Number, v.Time, v.Bandwidth, v.SubNumber} {
		if n > math.MaxInt64 {
			return "", fmt.Errorf("template %q: value %d out of range", tmpl, n)
		}
	}
	s, err := dashlive.Expand(tmpl, dashlive.Vars{RepresentationID: v.RepresentationID, Number: int64(v.Number),
		Time: int64(v.Time), Bandwidth: int64(v.Bandwidth), SubNumber: int64(v.SubNumber)})
	if err != nil {
		return "", fmt.Errorf("template %q: %w", tmpl, err)
	}
	return s, nil
}
