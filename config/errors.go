package config

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Error is one problem in a configuration file, at a line and column.
type Error struct {
	File   string
	Line   int
	Column int
	Path   string // where in the document (behaviors[1].origin), "" for syntax errors
	Reason string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Reason)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Path, e.Reason)
}

// Errors is every problem found, in file order; Load returns it when the
// file is invalid (use errors.As to get each *Error).
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es Errors) sorted() Errors {
	slices.SortStableFunc(es, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return es
}

// decodeError turns the YAML library's error into an *Error with its token's
// position and a reason in the file's terms (not Go's types).
func decodeError(file string, doc ast.Node, err error) *Error {
	e := &Error{File: file, Line: 1, Column: 1, Reason: err.Error()}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return e
	}
	tk := ye.GetToken()
	if tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	e.Reason = ye.GetMessage()
	at, found := pathTo(doc, tk, nil)
	if found {
		e.Path = at.String()
	}
	var uf *yaml.UnknownFieldError
	if errors.As(err, &uf) && found {
		e.Path = at[:len(at)-1].String()
		e.Reason = fmt.Sprintf("unknown key %q", at[len(at)-1])
		if known := knownKeys(at); known != "" {
			e.Reason += " (known: " + known + ")"
		}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && te.DstType != nil {
		e.Reason = fmt.Sprintf("want %s, got %s", typeName(te.DstType), typeName(te.SrcType))
	}
	var oe *yaml.OverflowError
	if errors.As(err, &oe) {
		e.Reason = fmt.Sprintf("%s is too large", oe.SrcNum)
	}
	var ue *yaml.UnexpectedNodeTypeError
	if errors.As(err, &ue) {
		e.Reason = fmt.Sprintf("want %s, got %s", nodeTypeName(ue.Expected), nodeTypeName(ue.Actual))
	}
	return e
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "nothing"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return t.Kind().String()
}

func nodeTypeName(t ast.NodeType) string {
	switch t {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	}
	return "a " + t.YAMLName()
}
