package rules

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// computed is an unknown value, as a real preview sends for outputs not yet known.
var computed = property.New(property.Computed)

func urnOf(typ, name string) string {
	return "urn:pulumi:dev::ml-platform::" + typ + "::" + name
}

// res builds a Resource of type typ named name with the given properties.
func res(typ, name string, props map[string]property.Value) Resource {
	return Resource{Type: typ, URN: urnOf(typ, name), Name: name, Properties: property.NewMap(props)}
}

// tagValue builds a tags map property from string tags.
func tagValue(tags map[string]string) property.Value {
	m := make(map[string]property.Value, len(tags))
	for k, v := range tags {
		m[k] = property.New(v)
	}
	return property.New(m)
}

// fullTags carries every default required tag.
func fullTags() map[string]string {
	return map[string]string{
		"Project": "ml-platform", "Environment": "dev", "Team": "ml-infra",
		"CostCenter": "cc-42", "ManagedBy": "pulumi",
	}
}

// without returns tags minus the given keys.
func without(tags map[string]string, keys ...string) map[string]string {
	out := maps.Clone(tags)
	for _, k := range keys {
		delete(out, k)
	}
	return out
}

// with returns tags plus the given key and value.
func with(tags map[string]string, k, v string) map[string]string {
	out := maps.Clone(tags)
	out[k] = v
	return out
}

// ruleByName finds a registered resource rule or fails the test.
func ruleByName(t *testing.T, name string) Rule {
	t.Helper()
	i := slices.IndexFunc(Rules(), func(r Rule) bool { return r.Name == name })
	if i < 0 {
		t.Fatalf("rule %q is not registered", name)
	}
	return Rules()[i]
}

// stackRuleByName finds a registered stack rule or fails the test.
func stackRuleByName(t *testing.T, name string) StackRule {
	t.Helper()
	i := slices.IndexFunc(StackRules(), func(r StackRule) bool { return r.Name == name })
	if i < 0 {
		t.Fatalf("stack rule %q is not registered", name)
	}
	return StackRules()[i]
}

// check runs a rule with its defaults overlaid by cfg.
func check(t *testing.T, name string, r Resource, cfg map[string]any) []string {
	t.Helper()
	rule := ruleByName(t, name)
	return rule.Check(r, MergeConfig(rule.Defaults, cfg))
}

func assertMessages(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("messages:\n got %q\nwant %q", got, want)
	}
}
