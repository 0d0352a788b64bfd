package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Level is how a violation is treated: mandatory ones block the deployment,
// advisory ones are reported only, disabled rules do not run.
type Level string

// The enforcement levels a rule or a setting may carry.
const (
	Advisory  Level = "advisory"
	Mandatory Level = "mandatory"
	Disabled  Level = "disabled"
)

// Levels lists the valid enforcement levels in the order the docs present them.
var Levels = []Level{Advisory, Mandatory, Disabled}

// Valid reports whether l is one of Advisory, Mandatory or Disabled.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// ParseLevel turns a config string into a Level, naming the allowed values
// when s is not one of them.
func ParseLevel(s string) (Level, error) {
	l := Level(s)
	if !l.Valid() {
		return "", fmt.Errorf("invalid enforcementLevel %q (allowed: %s)", s, levelList())
	}
	return l, nil
}

func levelList() string {
	names := make([]string, len(Levels))
	for i, l := range Levels {
		names[i] = string(l)
	}
	return strings.Join(names, ", ")
}

// Resource is what every rule sees: one resource's type token, URN,
// properties and options.
type Resource struct {
	Type                 string
	URN                  string
	Name                 string
	Properties           property.Map
	Protect              bool
	Parent               string // parent URN
	Dependencies         []string
	PropertyDependencies map[string][]string
	// ID is the physical ID when it is known (a stack export); empty during a
	// preview. Stack rules use it to match references such as a flow log's vpcId.
	ID string
}

// Violation is one finding of one rule on one resource, in the shape the
// offline engine prints (`--json`) and tests compare.
type Violation struct {
	Policy           string `json:"policy"`
	EnforcementLevel Level  `json:"enforcementLevel"`
	URN              string `json:"urn"`
	Message          string `json:"message"`
}

// Rule checks one resource; Check returns one message per problem (none when
// compliant).
type Rule struct {
	Name         string
	Description  string
	Level        Level
	ConfigSchema map[string]map[string]any // JSON-schema "properties" of the rule's config; nil when none
	Defaults     map[string]any            // config values used when the user gives none
	Check        func(r Resource, cfg map[string]any) []string
}

// StackRule checks all resources together, for properties that no single
// resource shows (a VPC without a flow log, a key nobody uses).
type StackRule struct {
	Name, Description string
	Level             Level
	ConfigSchema      map[string]map[string]any
	Defaults          map[string]any
	Check             func(rs []Resource, cfg map[string]any) []Finding
}

// Finding is one stack-rule result: the URN it is about and the message.
type Finding struct{ URN, Message string }

var (
	resourceRules []Rule
	stackRules    []StackRule
	ruleNames     = map[string]bool{}
)

// register adds resource rules to the pack. It is called from the init of
// each concern's file; a duplicate or malformed rule is a programming error.
func register(rs ...Rule) {
	for _, r := range rs {
		mustNewName(r.Name, r.Level, r.ConfigSchema, r.Defaults, r.Check == nil)
		resourceRules = append(resourceRules, r)
	}
}

// registerStack adds stack rules to the pack, like register.
func registerStack(rs ...StackRule) {
	for _, r := range rs {
		mustNewName(r.Name, r.Level, r.ConfigSchema, r.Defaults, r.Check == nil)
		stackRules = append(stackRules, r)
	}
}

func mustNewName(name string, level Level, schema map[string]map[string]any, defaults map[string]any, noCheck bool) {
	switch {
	case name == "" || name == AllRules:
		panic(fmt.Sprintf("rules: invalid rule name %q", name))
	case ruleNames[name]:
		panic(fmt.Sprintf("rules: rule %q registered twice", name))
	case !level.Valid():
		panic(fmt.Sprintf("rules: rule %q has invalid level %q", name, level))
	case noCheck:
		panic(fmt.Sprintf("rules: rule %q has no Check", name))
	}
	if _, ok := schema["enforcementLevel"]; ok {
		panic(fmt.Sprintf("rules: rule %q: enforcementLevel is reserved in ConfigSchema", name))
	}
	for k := range defaults {
		if _, ok := schema[k]; !ok {
			panic(fmt.Sprintf("rules: rule %q: default %q is not in ConfigSchema", name, k))
		}
	}
	ruleNames[name] = true
}

// Rules returns every resource rule, sorted by name.
func Rules() []Rule {
	out := slices.Clone(resourceRules)
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// StackRules returns every stack rule, sorted by name.
func StackRules() []StackRule {
	out := slices.Clone(stackRules)
	slices.SortFunc(out, func(a, b StackRule) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Names returns the name of every resource and stack rule, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(ruleNames))
}

// MergeConfig returns defaults overlaid by override, as a new map: a rule
// sees its documented default for every key the user did not set. The
// reserved key enforcementLevel is dropped.
func MergeConfig(defaults, override map[string]any) map[string]any {
	out := make(map[string]any, len(defaults)+len(override))
	maps.Copy(out, defaults)
	maps.Copy(out, override)
	delete(out, "enforcementLevel")
	return out
}
