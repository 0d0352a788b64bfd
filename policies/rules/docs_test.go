package rules

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated parts of policies/README.md, config.example.json and profiles/")

// TestGeneratedDocs keeps the pack's documentation equal to the rule
// metadata: the README's tables, the example config and the profile
// files. Run with -update-docs after changing a rule, and review the diff.
func TestGeneratedDocs(t *testing.T) {
	readmePath := filepath.Join("..", "README.md")
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	begin, end := bytes.Index(readme, []byte(DocsBegin)), bytes.Index(readme, []byte(DocsEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers %q and %q", readmePath, DocsBegin, DocsEnd)
	}
	generated := DocsBegin + "\n" + Markdown() + DocsEnd
	files := map[string][]byte{
		readmePath: append(append(append([]byte{}, readme[:begin]...), generated...), readme[end+len(DocsEnd):]...),
		filepath.Join("..", "config.example.json"): ExampleConfig(),
	}
	for _, p := range Profiles() {
		files[filepath.Join("..", "profiles", string(p.Name)+".json")] = ProfileConfig(p)
	}
	for path, want := range files {
		if *updateDocs {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (%v); run go test ./policies/rules -run TestGeneratedDocs -update-docs and review the diff", path, err)
		}
	}
}

// TestExampleConfigChangesNothing: the example config parses, and applying
// it gives every rule its own level and defaults.
func TestExampleConfigChangesNothing(t *testing.T) {
	s, err := ParseSettings(ExampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if got := s.LevelFor(r.Name, ""); got != r.Level {
			t.Errorf("%s: example level %q, rule level %q", r.Name, got, r.Level)
		}
	}
	for _, r := range StackRules() {
		if got := s.LevelFor(r.Name, ""); got != r.Level {
			t.Errorf("%s: example level %q, rule level %q", r.Name, got, r.Level)
		}
	}
	if !strings.Contains(Markdown(), "| `resource-tags-required` | mandatory | all |") {
		t.Error("the generated table does not show resource-tags-required as mandatory in all environments")
	}
}
