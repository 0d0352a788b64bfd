package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The policy pack's documentation is generated from the rule metadata, so
// it cannot drift from the rules: policies/README.md's rule and profile
// tables (between the markers below), policies/config.example.json and
// policies/profiles/<profile>.json. `go test ./policies/rules -update-docs`
// rewrites them; a test fails when they differ.

// Markers delimit the generated part of policies/README.md.
const (
	DocsBegin = "<!-- BEGIN GENERATED: go test ./policies/rules -update-docs -->"
	DocsEnd   = "<!-- END GENERATED -->"
)

// ruleDoc is what the docs show of a resource or stack rule.
type ruleDoc struct {
	name, checks string
	level        Level
	scope        Scope
	stack        bool
	schema       map[string]map[string]any
	defaults     map[string]any
}

func docsByConcern() map[Concern][]ruleDoc {
	out := map[Concern][]ruleDoc{}
	for _, r := range Rules() {
		out[r.Concern] = append(out[r.Concern], ruleDoc{r.Name, r.Checks, r.Level, r.Scope, false, r.ConfigSchema, r.Defaults})
	}
	for _, r := range StackRules() {
		out[r.Concern] = append(out[r.Concern], ruleDoc{r.Name, r.Checks, r.Level, r.Scope, true, r.ConfigSchema, r.Defaults})
	}
	for c := range out {
		slices.SortFunc(out[c], func(a, b ruleDoc) int { return strings.Compare(a.name, b.name) })
	}
	return out
}

func (s Scope) describe() string {
	switch s {
	case ScopeProdLike:
		return "prod, staging"
	case ScopeNonProd:
		return "not prod or staging"
	}
	return "all"
}

// configDoc renders a rule's config keys with their types and defaults.
func configDoc(schema map[string]map[string]any, defaults map[string]any) string {
	if len(schema) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(schema)) {
		p := schema[k]
		typ, _ := p["type"].(string)
		if items, ok := p["items"].(map[string]any); ok {
			it, _ := items["type"].(string)
			typ = "array of " + it + "s"
			if enum, ok := items["enum"].([]any); ok {
				typ = fmt.Sprintf("array of %v", enum)
			}
		}
		d, _ := json.Marshal(defaults[k])
		parts = append(parts, fmt.Sprintf("`%s`: %s (`%s`)", k, typ, strings.ReplaceAll(string(d), "|", "\\|")))
	}
	return strings.Join(parts, "; ")
}

// Markdown renders the generated part of policies/README.md: a table per
// concern, then the compliance profiles.
func Markdown() string {
	var b strings.Builder
	by := docsByConcern()
	counts := map[Level]int{}
	for _, rs := range by {
		for _, r := range rs {
			counts[r.level]++
		}
	}
	fmt.Fprintf(&b, "%d rules: %d mandatory, %d advisory, and %d off unless a compliance profile turns them on.\n",
		len(Names()), counts[Mandatory], counts[Advisory], counts[Disabled])
	for _, c := range Concerns {
		rs := by[c.Concern]
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s ([`rules/%s.go`](rules/%s.go))\n\n", c.Title, c.Concern, c.Concern)
		b.WriteString("| Rule | Level | Environments | What it checks | Config keys (default) |\n|---|---|---|---|---|\n")
		for _, r := range rs {
			name := "`" + r.name + "`"
			if r.stack {
				name += " (stack)"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, r.level, r.scope.describe(),
				strings.ReplaceAll(r.checks, "|", "\\|"), configDoc(r.schema, r.defaults))
		}
	}
	b.WriteString("\n## Compliance profiles\n\n")
	b.WriteString("`ml-platform:compliance: <profile>` in a stack file selects a profile for that stack (the offline " +
		"engine and the pack under the Pulumi CLI both read it); `--policy-pack-config policies/profiles/<profile>.json` " +
		"applies the same levels to any stack. A profile makes every rule below mandatory, including the rules that are " +
		"off otherwise. The controls say which technical safeguard a rule evidences, not that a stack is compliant.\n")
	for _, p := range Profiles() {
		fmt.Fprintf(&b, "\n### `%s`: %s\n\nSource: %s\n\n| Rule | Level without the profile | Controls |\n|---|---|---|\n", p.Name, p.Title, p.URL)
		levels := defaultLevels()
		for _, name := range p.Rules() {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, levels[name], strings.Join(p.Controls[name], "; "))
		}
	}
	return b.String()
}

func defaultLevels() map[string]Level {
	out := map[string]Level{}
	for _, r := range Rules() {
		out[r.Name] = r.Level
	}
	for _, r := range StackRules() {
		out[r.Name] = r.Level
	}
	return out
}

// ExampleConfig renders policies/config.example.json: every rule at its
// level with its default config, so applying it changes nothing.
func ExampleConfig() []byte {
	s := Settings{}
	for _, r := range Rules() {
		s[r.Name] = Setting{Level: r.Level, Config: r.Defaults}
	}
	for _, r := range StackRules() {
		s[r.Name] = Setting{Level: r.Level, Config: r.Defaults}
	}
	return indentJSON(s)
}

// ProfileConfig renders policies/profiles/<name>.json.
func ProfileConfig(p Profile) []byte { return indentJSON(p.Settings()) }

func indentJSON(v any) []byte {
	out, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}
