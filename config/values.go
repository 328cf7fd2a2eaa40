package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// The scalar types of the file decode themselves from the YAML node, so a
// bad value is reported at its own line and column.

// Duration is a Go duration string ("1.5s", "10m", "24h"), a whole number
// of days ("365d") or a whole number of seconds (CloudFront's unit: 86400).
// Negative values are refused.
type Duration time.Duration

// D is the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// UnmarshalYAML implements yaml.NodeUnmarshaler.
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	switch v := n.(type) {
	case *ast.IntegerNode:
		s, ok := wholeNumber(v)
		if !ok || s < 0 || s > 1<<33 {
			return nodeErr(n, "want a duration (e.g. 10s, 5m, 24h, 7d, or whole seconds), got %s", v.GetToken().Value)
		}
		*d = Duration(time.Duration(s) * time.Second)
		return nil
	case *ast.StringNode:
		t, err := parseDuration(v.Value)
		if err != nil || t < 0 {
			return nodeErr(n, "want a duration (e.g. 10s, 5m, 24h, 7d, or whole seconds), got %q", v.Value)
		}
		*d = Duration(t)
		return nil
	}
	return nodeErr(n, "want a duration (e.g. 10s, 5m, 24h, 7d, or whole seconds), got %s", kindName(n))
}

// parseDuration is time.ParseDuration plus whole days ("7d").
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// Size is a byte count: a whole number of bytes or a number with a unit
// (KiB, MiB, GiB, TiB, KB, MB, GB, TB; K, M, G, T are binary), as the
// command-line size flags accept.
type Size int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
}

// ParseSize parses a Size from its string form: the one size parser, for
// edge.yaml and the command line's size flags (cmd/streamedge byteSize).
// Sizes above 2^50 bytes, negative ones and NaN are refused.
func ParseSize(s string) (Size, error) {
	t, mult := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || !(n >= 0) || n*float64(mult) > 1<<50 { // !(n >= 0) also refuses NaN
		return 0, fmt.Errorf("want a size (e.g. 64MiB, 1GiB, 512MB or bytes), got %q", s)
	}
	return Size(n * float64(mult)), nil
}

// UnmarshalYAML implements yaml.NodeUnmarshaler.
func (z *Size) UnmarshalYAML(n ast.Node) error {
	var s string
	switch v := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		s = v.GetToken().Value
	case *ast.StringNode:
		s = v.Value
	default:
		return nodeErr(n, "want a size (e.g. 64MiB, 1GiB, 512MB or bytes), got %s", kindName(n))
	}
	v, err := ParseSize(s)
	if err != nil {
		return nodeErr(n, "%s", err.Error())
	}
	*z = v
	return nil
}

// Count is a whole number ≥ 0 (connection, fill and prefetch limits); YAML
// floats such as 1.5 are refused rather than truncated.
type Count int

// UnmarshalYAML implements yaml.NodeUnmarshaler.
func (c *Count) UnmarshalYAML(n ast.Node) error {
	v, ok := wholeNumber(n)
	if !ok || v < 0 || v > 1<<31 {
		return nodeErr(n, "want a whole number ≥ 0, got %s", describe(n))
	}
	*c = Count(v)
	return nil
}

// Status is an HTTP status code (100–599).
type Status int

// UnmarshalYAML implements yaml.NodeUnmarshaler.
func (s *Status) UnmarshalYAML(n ast.Node) error {
	v, ok := wholeNumber(n)
	if !ok || v < 100 || v > 599 {
		return nodeErr(n, "want an HTTP status code (100-599), got %s", describe(n))
	}
	*s = Status(v)
	return nil
}

func wholeNumber(n ast.Node) (int64, bool) {
	iv, ok := n.(*ast.IntegerNode)
	if !ok {
		return 0, false
	}
	switch v := iv.Value.(type) {
	case int64:
		return v, true
	case uint64:
		if v <= 1<<62 {
			return int64(v), true
		}
	}
	return 0, false
}

// nodeErr is a positioned error of the YAML library's own kind, so Load
// reports it like a syntax error.
func nodeErr(n ast.Node, format string, args ...any) error {
	return &yaml.SyntaxError{Message: fmt.Sprintf(format, args...), Token: n.GetToken()}
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BoolNode:
		return fmt.Sprintf("%q", n.GetToken().Value)
	}
	return kindName(n)
}

// kindName names a node's kind the way a user writes it.
func kindName(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.NullType:
		return "nothing (null)"
	case ast.BoolType:
		return "a boolean"
	case ast.StringType:
		return "a string"
	case ast.IntegerType, ast.FloatType:
		return "a number"
	}
	return n.Type().YAMLName()
}
