package wire

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// notAPI are the directories and files whose JSON-tagged structs are not
// shapes of the public API: storage's records are the on-disk format,
// which must stay readable whatever the API becomes, and the benchmark
// speaks Centrifugo's API to compare with it.
var notAPI = []string{"storage", filepath.Join("cmd", "wgbench", "centrifugo.go")}

// TestWire_OnlyHome ensures no JSON shape is declared outside this
// package: a struct with a json tag anywhere else in the module (outside
// tests and notAPI) is a second definition of a shape the client, the
// stream and the webhooks would not share. Declare it here and use it (or
// alias it) there.
func TestWire_OnlyHome(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			name := d.Name()
			if rel == filepath.Join("catalog", "wire") || (rel != "." && (strings.HasPrefix(name, ".") ||
				name == "testdata" || name == "node_modules" || name == "vendor")) {
				return filepath.SkipDir
			}
			if slices.Contains(notAPI, rel) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || slices.Contains(notAPI, rel) {
			return nil
		}
		checked++
		for _, pos := range jsonStructs(t, path) {
			t.Errorf("%s:%d: a struct with json tags outside package wire", rel, pos)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d Go files checked: is the module root %s?", checked, root)
	}
}

// jsonStructs returns the lines of the structs in one file that have a
// field with a json tag.
func jsonStructs(t *testing.T, path string) []int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	var lines []int
	ast.Inspect(f, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok {
			return true
		}
		for _, field := range st.Fields.List {
			if field.Tag == nil {
				continue
			}
			if _, ok := reflect.StructTag(strings.Trim(field.Tag.Value, "`")).Lookup("json"); ok {
				lines = append(lines, fset.Position(st.Pos()).Line)
				break
			}
		}
		return true
	})
	return lines
}
