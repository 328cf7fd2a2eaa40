package behavior

// Table is an ordered list of patterns; the default behavior (`*`) is
// implied after the last one.
type Table struct {
	patterns []Pattern
}

// NewTable compiles the patterns in order.
func NewTable(patterns ...string) (*Table, error) {
	t := &Table{patterns: make([]Pattern, 0, len(patterns))}
	for _, s := range patterns {
		p, err := Compile(s)
		if err != nil {
			return nil, err
		}
		t.patterns = append(t.patterns, p)
	}
	return t, nil
}

// Default is what Select returns when no pattern matches: the default
// behavior.
const Default = -1

// Select returns the index of the first pattern matching path (first match
// wins, as in CloudFront), or Default.
func (t *Table) Select(path string) int {
	for i, p := range t.patterns {
		if p.Match(path) {
			return i
		}
	}
	return Default
}
