package rules

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

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

// Environments as the Environment tag spells them.
const (
	envDev     = "dev"
	envStaging = "staging"
	envProd    = "prod"
)

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

// check runs a rule with its defaults overlaid by cfg, as the evaluator
// does: only on resources it applies to (its Types and Scope).
func check(t *testing.T, name string, r Resource, cfg map[string]any) []string {
	t.Helper()
	rule := ruleByName(t, name)
	if !Applies(rule, r) {
		return nil
	}
	return rule.Check(r, MergeConfig(rule.Defaults, cfg))
}

func assertMessages(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("messages:\n got %q\nwant %q", got, want)
	}
}

// pv converts plain Go test values to a property value: maps, slices,
// strings, bools, numbers, nil, and property values (computed) as they are.
func pv(x any) property.Value {
	switch x := x.(type) {
	case property.Value:
		return x
	case nil:
		return property.New(property.Null)
	case string:
		return property.New(x)
	case bool:
		return property.New(x)
	case int:
		return property.New(float64(x))
	case float64:
		return property.New(x)
	case []string:
		elems := make([]property.Value, len(x))
		for i, e := range x {
			elems[i] = property.New(e)
		}
		return property.New(elems)
	case []any:
		elems := make([]property.Value, len(x))
		for i, e := range x {
			elems[i] = pv(e)
		}
		return property.New(elems)
	case map[string]string:
		return tagValue(x)
	case map[string]any:
		m := make(map[string]property.Value, len(x))
		for k, e := range x {
			m[k] = pv(e)
		}
		return property.New(m)
	}
	panic(fmt.Sprintf("pv: unsupported %T", x))
}

// mk builds a Resource from plain Go properties.
func mk(typ, name string, props map[string]any) Resource {
	m := make(map[string]property.Value, len(props))
	for k, v := range props {
		m[k] = pv(v)
	}
	return res(typ, name, m)
}

// envTags returns the required tags with Environment set to env.
func envTags(env string) map[string]string { return with(fullTags(), "Environment", env) }

// withProps returns r with extra properties set (the originals are kept).
func withProps(r Resource, props map[string]any) Resource {
	for k, v := range props {
		r.Properties = r.Properties.Set(k, pv(v))
	}
	return r
}

// ruleCase is one table case of a resource rule: the messages it must
// produce, each matched as a substring, in order.
type ruleCase struct {
	name string
	r    Resource
	cfg  map[string]any
	want []string
}

// runRuleCases runs a rule over each case with its defaults overlaid by the
// case's config.
func runRuleCases(t *testing.T, rule string, cases []ruleCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, rule, tt.r, tt.cfg)
			assertContains(t, got, tt.want)
		})
	}
}

// assertContains checks that got has one message per want, each containing it.
func assertContains(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("messages:\n got %q\nwant %d matching %q", got, len(want), want)
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("message %d = %q, want it to contain %q", i, got[i], want[i])
		}
	}
}

// stackCase is one table case of a stack rule: the URN and a substring of
// each finding, in order.
type stackCase struct {
	name string
	rs   []Resource
	cfg  map[string]any
	want []Finding
}

// runStackCases runs a stack rule over each case.
func runStackCases(t *testing.T, name string, cases []stackCase) {
	t.Helper()
	rule := stackRuleByName(t, name)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got := ScopeFindings(rule, tt.rs, rule.Check(StackView(tt.rs), MergeConfig(rule.Defaults, tt.cfg)))
			if len(got) != len(tt.want) {
				t.Fatalf("findings:\n got %+v\nwant %+v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].URN != w.URN || !strings.Contains(got[i].Message, w.Message) {
					t.Errorf("finding %d = %+v, want URN %s and a message containing %q", i, got[i], w.URN, w.Message)
				}
			}
		})
	}
}

// withDeps returns r with property dependencies on key.
func withDeps(r Resource, key string, urns ...string) Resource {
	if r.PropertyDependencies == nil {
		r.PropertyDependencies = map[string][]string{}
	}
	r.PropertyDependencies[key] = append(r.PropertyDependencies[key], urns...)
	return r
}

// TestMain judges the EKS calendar as of the day the fixtures were written,
// so that the suite does not change verdicts as time passes (the shipped
// stacks' own previews do: that is the point of the rule).
func TestMain(m *testing.M) {
	Now = func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	os.Exit(m.Run())
}
