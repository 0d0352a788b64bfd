package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsListEveryRule keeps the README table and the example config true:
// each rule appears in both, with the level it really has.
func TestDocsListEveryRule(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]Level{}
	for _, r := range Rules() {
		levels[r.Name] = r.Level
	}
	for _, r := range StackRules() {
		levels[r.Name] = r.Level
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := strings.Fields(strings.Trim(strings.TrimSpace(cells[1]), "`"))[0]
		rows[strings.Trim(name, "`")] = strings.TrimSpace(cells[2])
	}
	for name, level := range levels {
		got, ok := rows[name]
		switch {
		case !ok:
			t.Errorf("README.md rule table has no row for %q", name)
		case got != string(level):
			t.Errorf("README.md says %q is %s, the rule is %s", name, got, level)
		}
	}
	for name := range rows {
		if _, ok := levels[name]; !ok {
			t.Errorf("README.md lists %q, which is not a rule", name)
		}
	}

	data, err := os.ReadFile(filepath.Join("..", "config.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseSettings(data)
	if err != nil {
		t.Fatalf("config.example.json: %v", err)
	}
	for name, level := range levels {
		if got := s[name].Level; got != level {
			t.Errorf("config.example.json sets %q to %q, the rule's level is %s", name, got, level)
		}
	}
	// The example's config values are the defaults, so applying it changes nothing.
	for _, r := range Rules() {
		want, _ := json.Marshal(r.Defaults)
		got, _ := json.Marshal(s.ConfigFor(r.Name, nil))
		if len(r.Defaults) > 0 && string(got) != string(want) {
			t.Errorf("config.example.json config for %q = %s, defaults are %s", r.Name, got, want)
		}
	}
}
