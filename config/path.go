package config

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// path is where a value sits in the document: mapping keys (string) and
// list indexes (int).
type path []any

func (p path) key(k string) path { return append(p[:len(p):len(p)], k) }
func (p path) idx(i int) path    { return append(p[:len(p):len(p)], i) }

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// String is the path as a user reads it: behaviors[1].cache_policy.min_ttl.
func (p path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch v := e.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if !plainKey.MatchString(v) {
				b.WriteString("[" + strconv.Quote(v) + "]")
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

// entries are a mapping's key/value pairs (a one-pair mapping may be a bare
// MappingValueNode); nil for anything else.
func entries(n ast.Node) []*ast.MappingValueNode {
	switch m := unwrap(n).(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

func keyName(k ast.MapKeyNode) string {
	if s, ok := k.(*ast.StringNode); ok {
		return s.Value
	}
	return k.GetToken().Value
}

// locate is the position of the deepest node of at in doc: a value that is
// a scalar at its own token, a mapping (or nothing) at the key that holds
// it, so "min_ttl ≤ default_ttl" points at cache_policy:. A missing key is
// reported at its parent. 1:1 without a document.
func locate(doc ast.Node, at path) (int, int) {
	pos := func(tk *token.Token) (int, int) {
		if tk == nil || tk.Position == nil {
			return 1, 1
		}
		return tk.Position.Line, tk.Position.Column
	}
	if doc == nil {
		return 1, 1
	}
	var key ast.Node
	n := doc
	for _, e := range at {
		next, nextKey := child(n, e)
		if next == nil && nextKey == nil {
			break
		}
		n, key = next, nextKey
	}
	if _, scalar := unwrap(n).(ast.ScalarNode); scalar && n.Type() != ast.NullType {
		return pos(n.GetToken())
	}
	if key != nil {
		return pos(key.GetToken())
	}
	if es := entries(n); len(es) > 0 {
		return pos(es[0].Key.GetToken())
	}
	if n != nil {
		return pos(n.GetToken())
	}
	return 1, 1
}

// child is the value at one path element, with its key node for mappings.
func child(n ast.Node, e any) (val, key ast.Node) {
	switch v := e.(type) {
	case string:
		for _, mv := range entries(n) {
			if keyName(mv.Key) == v {
				if mv.Value == nil {
					return mv.Key, mv.Key
				}
				return mv.Value, mv.Key
			}
		}
	case int:
		if s, ok := unwrap(n).(*ast.SequenceNode); ok && v < len(s.Values) {
			return s.Values[v], nil
		}
	}
	return nil, nil
}

// pathTo finds the path of the node (key or value) whose token is at tk's
// position, for errors the YAML library reports by token only.
func pathTo(n ast.Node, tk *token.Token, at path) (path, bool) {
	if n == nil || tk == nil || tk.Position == nil {
		return nil, false
	}
	same := func(x ast.Node) bool {
		t := x.GetToken()
		return t != nil && t.Position != nil && t.Position.Offset == tk.Position.Offset && t.Position.Line == tk.Position.Line
	}
	if es := entries(n); es != nil {
		for _, mv := range es {
			k := at.key(keyName(mv.Key))
			if same(mv.Key) || (mv.Value != nil && same(mv.Value)) {
				return k, true
			}
			if p, ok := pathTo(mv.Value, tk, k); ok {
				return p, true
			}
		}
		return nil, false
	}
	if s, ok := unwrap(n).(*ast.SequenceNode); ok {
		for i, v := range s.Values {
			if same(v) {
				return at.idx(i), true
			}
			if p, ok := pathTo(v, tk, at.idx(i)); ok {
				return p, true
			}
		}
	}
	return nil, false
}
