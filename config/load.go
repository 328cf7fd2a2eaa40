package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileSize bounds what Load reads: a configuration is a few KiB.
const MaxFileSize = 1 << 20

// Load reads, decodes, fills in defaults and validates a configuration
// file. An invalid file yields Errors (each *Error names the file, line,
// column and reason); an unreadable one an *os.PathError.
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{File: path, Line: 1, Column: 1, Reason: fmt.Sprintf("file larger than %d bytes", MaxFileSize)}}
	}
	return Parse(path, data)
}

// Parse is Load on bytes; name is the file name errors carry.
func Parse(name string, data []byte) (*File, error) {
	doc, err := document(name, data)
	if err != nil {
		return nil, err
	}
	f := &File{}
	if doc != nil {
		if err := decode(doc, f); err != nil {
			return nil, Errors{decodeError(name, doc, err)}
		}
	}
	applyDefaults(f)
	v := &validator{f: f, dir: filepath.Dir(name)}
	v.file()
	if len(v.probs) == 0 {
		return f, nil
	}
	es := make(Errors, 0, len(v.probs))
	for _, p := range v.probs {
		line, col := locate(doc, p.at)
		es = append(es, &Error{File: name, Line: line, Column: col, Path: p.at.String(), Reason: p.reason})
	}
	return nil, es.sorted()
}

// decode fills f from the document; a panic of the YAML library on odd
// input becomes an error.
func decode(doc ast.Node, f *File) (err error) {
	if err := guard(doc); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = &yaml.SyntaxError{Message: fmt.Sprintf("the YAML decoder failed on this document: %v", r), Token: doc.GetToken()}
		}
	}()
	return yaml.NodeToValue(doc, f, yaml.DisallowUnknownField())
}

// document parses the YAML and returns its one document's body (nil for an
// empty file).
func document(name string, data []byte) (ast.Node, error) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{decodeError(name, nil, err)}
	}
	var body ast.Node
	for i, d := range file.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if body != nil {
			line, col := 1, 1
			if tk := d.Body.GetToken(); tk != nil && tk.Position != nil {
				line, col = tk.Position.Line, tk.Position.Column
			}
			return nil, Errors{{File: name, Line: line, Column: col, Reason: fmt.Sprintf("document %d: a configuration file holds one YAML document", i+1)}}
		}
		body = d.Body
	}
	if body != nil && body.Type() != ast.MappingType {
		err := &yaml.UnexpectedNodeTypeError{Actual: body.Type(), Expected: ast.MappingType, Token: body.GetToken()}
		return nil, Errors{decodeError(name, nil, err)}
	}
	return body, nil
}
