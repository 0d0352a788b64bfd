package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateReference = flag.Bool("update-reference", false, "rewrite the generated tables of docs/configuration.md")

// TestReferenceIsGenerated: the configuration reference's tables of the
// declared areas are what their declarations generate.
func TestReferenceIsGenerated(t *testing.T) {
	path := filepath.Join("..", "docs", "configuration.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	for _, a := range Areas {
		begin, end := "<!-- generated: "+a.Key+" -->\n", "<!-- end generated -->"
		i := strings.Index(doc, begin)
		if i < 0 {
			t.Fatalf("docs/configuration.md has no %q block", strings.TrimSpace(begin))
		}
		j := strings.Index(doc[i:], end)
		if j < 0 {
			t.Fatalf("the %s block is not closed", a.Key)
		}
		want := Reference(a.Key, a.Keys, a.Struct)
		if got := doc[i+len(begin) : i+j]; got != want {
			if !*updateReference {
				t.Errorf("docs/configuration.md's table of %s is not what its declarations generate; run go test ./config -run "+
					"TestReferenceIsGenerated -update-reference\ngot:\n%s\nwant:\n%s", a.Key, got, want)
				continue
			}
			doc = doc[:i+len(begin)] + want + doc[i+j:]
		}
	}
	if *updateReference {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
