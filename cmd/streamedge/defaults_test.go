package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestDefaultsAreNamedConstants: every value defaults() sets is a named
// constant (the server's in defaults.go, or a package's Default*), possibly
// converted, never a literal: a default has one name, the place it is
// documented and the place code refers to it.
func TestDefaultsAreNamedConstants(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "flags.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lit *ast.CompositeLit
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "defaults" {
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CompositeLit); ok && lit == nil {
					lit = c
				}
				return lit == nil
			})
		}
	}
	if lit == nil || len(lit.Elts) < 10 {
		t.Fatal("defaults() in flags.go does not return a config literal")
	}
	for _, e := range lit.Elts {
		kv := e.(*ast.KeyValueExpr)
		if !named(kv.Value) {
			t.Errorf("%s: %s is set to an unnamed value; name it in defaults.go (or use the package's Default*)",
				fset.Position(kv.Pos()), kv.Key.(*ast.Ident).Name)
		}
	}
}

// named reports whether e is a constant's name, qualified or converted.
func named(e ast.Expr) bool {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name != "true" && v.Name != "false"
	case *ast.SelectorExpr:
		return true
	case *ast.CallExpr: // a conversion: string(peering.HotOrigin)
		return len(v.Args) == 1 && named(v.Args[0])
	}
	return false
}
