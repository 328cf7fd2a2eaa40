package config

import (
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// MaxAliases bounds YAML aliases (*name) in a file. An anchored value may
// not itself hold an alias, so expanding aliases costs at most
// MaxAliases × the file's size (no "billion laughs").
const MaxAliases = 64

// guard refuses what a configuration file never needs and the decoder
// handles badly: tags (!foo; the YAML library v1.19.2 panics on some),
// nested or too many aliases.
func guard(body ast.Node) error {
	g := &guardVisitor{}
	ast.Walk(g, body)
	return g.err
}

type guardVisitor struct {
	aliases  int
	inAnchor int
	err      error
}

func (g *guardVisitor) Visit(n ast.Node) ast.Visitor {
	if g.err != nil || n == nil {
		return nil
	}
	switch v := n.(type) {
	case *ast.TagNode:
		g.fail(n, "YAML tags (%s) are not supported in a configuration file", v.Start.Value)
	case *ast.AliasNode:
		g.aliases++
		switch {
		case g.aliases > MaxAliases:
			g.fail(n, "more than %d aliases", MaxAliases)
		case g.inAnchor > 0:
			g.fail(n, "an anchored value may not hold an alias")
		}
	case *ast.AnchorNode:
		g.inAnchor++
		ast.Walk(g, v.Value)
		g.inAnchor--
		return nil
	}
	return g
}

func (g *guardVisitor) fail(n ast.Node, format string, args ...any) {
	g.err = &yaml.SyntaxError{Message: fmt.Sprintf(format, args...), Token: n.GetToken()}
}
