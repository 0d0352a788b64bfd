package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPulumiYAML: Pulumi.yaml's config block is what the declarations
// generate, it parses as the CLI reads it, and every declared area the
// CLI can check is in it.
func TestPulumiYAML(t *testing.T) {
	path := filepath.Join("..", "Pulumi.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i := strings.Index(doc, "# Generated from the configuration's declarations")
	if i < 0 {
		t.Fatal("Pulumi.yaml has no generated config block")
	}
	if want := ProjectYAML(); doc[i:] != want {
		if !*updateReference {
			t.Fatalf("Pulumi.yaml's config block is not what the declarations generate; run go test ./config -run TestPulumiYAML -update-reference\ngot:\n%s\nwant:\n%s", doc[i:], want)
		}
		if err := os.WriteFile(path, []byte(doc[:i]+want), 0o644); err != nil {
			t.Fatal(err)
		}
		doc = doc[:i] + want
	}
	var project struct {
		Config map[string]struct {
			Type        string `yaml:"type"`
			Description string `yaml:"description"`
			Default     any    `yaml:"default"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal([]byte(doc), &project); err != nil {
		t.Fatal(err)
	}
	for _, k := range ProjectKeys() {
		got, ok := project.Config[k.Name]
		if !ok || got.Type != k.Type || got.Description != k.Description || (got.Default == nil) != (k.Default == nil) {
			t.Errorf("Pulumi.yaml's %s reads as %+v; declared %+v", k.Name, got, k)
		}
	}
	for _, a := range Areas {
		name := strings.TrimPrefix(a.Key, Namespace+":")
		if _, ok := project.Config[name]; ok == a.Switch {
			t.Errorf("%s: declared in Pulumi.yaml %v, but a switch %v (a switch cannot have a default)", a.Key, ok, a.Switch)
		}
	}
}
