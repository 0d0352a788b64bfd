package tests

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// layers says what each part of the module may import (non-test files):
// internal/lib is the bottom (helpers with no knowledge of the platform),
// then the catalog and conventions, spec (the shapes config produces and
// components take), config, components, platform and the
// policies; internal/engine (the offline engine, its mock, the stand-in
// plugins, the catalog CLI) is the top and may import anything.
// internal/testkit serves the tests (golden files, the mock's helpers). A
// test may import more: component tests run under internal/engine/mock.
var layers = []struct {
	dir    string
	forbid []string
}{
	{"internal/lib", []string{"components", "platform", "config", "policies", "workloads", "internal/engine", "access", "spec"}},
	{"internal/testkit", []string{"components", "platform", "config", "policies", "internal/engine/offline", "spec"}},
	{"catalog", []string{"components", "platform", "config", "policies", "workloads", "internal/engine", "spec"}},
	{"conventions", []string{"components", "platform", "config", "policies", "workloads", "internal/engine", "catalog", "spec"}},
	{"access", []string{"components", "platform", "config", "policies", "workloads", "internal/engine", "spec"}},
	{"spec", []string{"components", "platform", "config", "policies", "workloads", "internal/engine", "access"}},
	{"config", []string{"components", "platform", "policies", "workloads", "internal/engine"}},
	{"components", []string{"platform", "config", "policies", "internal/engine"}},
	{"workloads", []string{"platform", "config", "policies", "internal/engine"}},
	{"platform", []string{"policies", "internal/engine"}},
	{"policies", []string{"platform", "components", "config", "workloads", "internal/engine"}},
}

// TestLayersImportDownward: no package imports a layer above its own.
func TestLayersImportDownward(t *testing.T) {
	const module = "github.com/ml-platform/ml-platform/"
	checked := 0
	for _, l := range layers {
		err := filepath.WalkDir(filepath.Join(root, l.dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if !strings.HasPrefix(p, module) {
					continue
				}
				target := strings.TrimPrefix(p, module)
				for _, forbidden := range l.forbid {
					if target == forbidden || strings.HasPrefix(target, forbidden+"/") {
						rel, _ := filepath.Rel(root, path)
						t.Errorf("%s imports %s: %s may not import %s", rel, target, l.dir, forbidden)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 100 {
		t.Fatalf("checked %d files; the layers hold more", checked)
	}
}
