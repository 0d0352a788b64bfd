package rules

import (
	"fmt"
	"maps"
	"regexp"
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
	// InputKeys are the properties the program set, when the source says
	// (a stack export's inputs); nil otherwise. Under the engine the
	// program's inputs are the keys of PropertyDependencies (the Go SDK
	// records one entry per non-null input); see ProgramInput.
	InputKeys []string
	// ID is the physical ID when it is known: in a stack export (audit)
	// only. The analyzer protocol carries no ID, so under the Pulumi CLI
	// and in the offline preview it is empty and rules match references by
	// dependency and name.
	ID string
}

// Violation is one finding of one rule on one resource, in the shape the
// offline engine prints (`--json`) and tests compare.
type Violation struct {
	Policy           string `json:"policy"`
	EnforcementLevel Level  `json:"enforcementLevel"`
	URN              string `json:"urn"`
	Message          string `json:"message"`
	// ExceptedBy names the policy exceptions (a version 2
	// --policy-pack-config) that exempt it, comma-separated in the order
	// the file lists them: it is reported and fails nothing.
	ExceptedBy string `json:"exceptedBy,omitempty"`
}

// Concern groups rules as policies/README.md presents them; each concern's
// rules live in the file of that name.
type Concern string

// The concerns, in the order the README presents them.
const (
	ConcernTagging      Concern = "tagging"
	ConcernEncryption   Concern = "encryption"
	ConcernNetwork      Concern = "network"
	ConcernAudit        Concern = "audit"
	ConcernCost         Concern = "cost"
	ConcernIAM          Concern = "iam"
	ConcernAvailability Concern = "availability"
	ConcernSafety       Concern = "safety"
	ConcernDeploy       Concern = "deploy"
	ConcernAccess       Concern = "access"
)

// Concerns lists every concern with its README title.
var Concerns = []struct {
	Concern Concern
	Title   string
}{
	{ConcernTagging, "Tagging"},
	{ConcernEncryption, "Encryption"},
	{ConcernNetwork, "Network isolation"},
	{ConcernAudit, "Audit and logging"},
	{ConcernCost, "Spot and cost"},
	{ConcernIAM, "IAM"},
	{ConcernAvailability, "Availability"},
	{ConcernSafety, "Generative AI safety"},
	{ConcernDeploy, "Deploy readiness"},
	{ConcernAccess, "Access flows"},
}

// Scope limits a rule to the resources of some environments, read from the
// Environment tag (see env.go).
type Scope string

// Scopes.
const (
	// ScopeAll judges every resource.
	ScopeAll Scope = ""
	// ScopeProdLike judges resources tagged prod or staging. Rule names
	// end in -prod.
	ScopeProdLike Scope = "prod"
	// ScopeNonProd judges every resource not tagged prod or staging: the
	// advisory twin of a -prod rule, or a rule only dev needs.
	ScopeNonProd Scope = "nonprod"
)

// Rule checks one resource; Check returns one message per problem (none when
// compliant). The evaluator calls Check only for resources of Types (every
// type when Types is empty) in Scope, so Check never guards on the type.
type Rule struct {
	// Name is <service>-<subject>-<expectation>, ending in -prod when Scope
	// is ScopeProdLike.
	Name    string
	Concern Concern
	// Description says why the rule exists, in a sentence or two.
	Description string
	// Checks says precisely what the rule reads and when it fires, for the
	// README's table.
	Checks string
	Level  Level
	Types  []string
	Scope  Scope
	// ConfigSchema is the JSON-schema "properties" of the rule's config
	// (built with the helpers in schema.go); nil when it takes none.
	ConfigSchema map[string]map[string]any
	// Defaults are the config values used when the user gives none.
	Defaults map[string]any
	Check    func(r Resource, cfg map[string]any) []string
}

// StackRule checks all resources together, for properties that no single
// resource shows (a VPC without a flow log, a resource created before what
// it names). Types are the subjects it reports on (for the docs); Scope
// drops findings on resources outside it.
type StackRule struct {
	Name, Description, Checks string
	Concern                   Concern
	Level                     Level
	Types                     []string
	Scope                     Scope
	ConfigSchema              map[string]map[string]any
	Defaults                  map[string]any
	Check                     func(rs []Resource, cfg map[string]any) []Finding
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
func register(concern Concern, rs ...Rule) {
	for _, r := range rs {
		r.Concern = concern
		mustNewName(r.Name, r.Description, r.Checks, r.Level, r.Scope, r.ConfigSchema, r.Defaults, r.Check == nil)
		resourceRules = append(resourceRules, r)
	}
}

// registerStack adds stack rules to the pack, like register.
func registerStack(concern Concern, rs ...StackRule) {
	for _, r := range rs {
		r.Concern = concern
		mustNewName(r.Name, r.Description, r.Checks, r.Level, r.Scope, r.ConfigSchema, r.Defaults, r.Check == nil)
		stackRules = append(stackRules, r)
	}
}

// ruleName is the naming scheme: <service>-<subject>-<expectation>, lower
// case words joined by dashes.
var ruleName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+){2,}$`)

func mustNewName(name, description, checks string, level Level, scope Scope, schema map[string]map[string]any, defaults map[string]any, noCheck bool) {
	switch {
	case name == "" || name == AllRules || !ruleName.MatchString(name):
		panic(fmt.Sprintf("rules: invalid rule name %q (want <service>-<subject>-<expectation>)", name))
	case ruleNames[name]:
		panic(fmt.Sprintf("rules: rule %q registered twice", name))
	case !level.Valid():
		panic(fmt.Sprintf("rules: rule %q has invalid level %q", name, level))
	case noCheck:
		panic(fmt.Sprintf("rules: rule %q has no Check", name))
	case description == "" || checks == "":
		panic(fmt.Sprintf("rules: rule %q needs a Description and Checks", name))
	case (scope == ScopeProdLike) != strings.HasSuffix(name, "-prod"):
		panic(fmt.Sprintf("rules: rule %q: a name ends in -prod exactly when the scope is prod-like", name))
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

// ProgramInput says whether key is a property the program set, rather
// than one the provider added to the resource's outputs (a role's
// managedPolicyArns, an alias's targetKeyArn), as far as the resource
// tells: by InputKeys, else by the keys of PropertyDependencies; true when
// neither is known.
func ProgramInput(r Resource, key string) bool {
	switch {
	case r.InputKeys != nil:
		return slices.Contains(r.InputKeys, key)
	case len(r.PropertyDependencies) > 0:
		_, ok := r.PropertyDependencies[key]
		return ok
	}
	return true
}
