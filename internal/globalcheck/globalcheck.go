// Package globalcheck finds package-level variables a caller could change:
// the domain packages export none (DESIGN: no mutable globals), and their
// tests use this to prove it.
package globalcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// ExportedVars lists the exported package-level variables declared in the
// non-test Go files of dir, as "file:line name", except error sentinels
// (var ErrX = errors.New(...) or fmt.Errorf(...)), which are conventional
// and whose value a caller cannot change in place.
func ExportedVars(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var found []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !name.IsExported() {
						continue
					}
					if i < len(vs.Values) && isErrorSentinel(vs.Values[i]) {
						continue
					}
					found = append(found, fmt.Sprintf("%s:%d %s", filepath.Base(path), fset.Position(name.Pos()).Line, name.Name))
				}
			}
		}
	}
	return found, nil
}

func isErrorSentinel(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf")
}
