package config

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ml-platform/ml-platform/conventions"
)

// ProjectKey is one key of Pulumi.yaml's config block: what the Pulumi CLI
// checks before the program runs (the type of a top-level key; a key with
// no default is required). Nested keys are the program's to check.
type ProjectKey struct {
	// Name is the key without the project namespace.
	Name        string
	Type        string
	Description string
	// Default is the value when the stack file leaves the key out; nil
	// makes the key required.
	Default any
}

// ProjectKeys are the keys Pulumi.yaml declares, generated from the
// declarations: the scalar keys, then each declared area whose absence
// means the same as {} (an area whose presence turns something on cannot
// be declared: a typed key needs a value or a default). TestPulumiYAML
// keeps Pulumi.yaml equal to them.
func ProjectKeys() []ProjectKey {
	keys := []ProjectKey{
		{Name: "team", Type: "string", Default: "ml-platform",
			Description: "Team that owns the stack; goes into the Team tag of every resource."},
		{Name: "costCenter", Type: "string",
			Description: "Cost center charged for the stack; goes into the CostCenter tag of every resource. Required (no default)."},
		{Name: "compliance", Type: "string", Default: string(conventions.ComplianceNone),
			Description: "Compliance profile of the policy pack: " + strings.Join(complianceNames(), ", ") + "."},
		{Name: "tags", Type: "object", Default: map[string]any{},
			Description: "Extra tags on every taggable resource (not the platform's own keys, not aws:)."},
		{Name: "policySettings", Type: "object", Default: map[string]any{},
			Description: "Policy settings in --policy-pack-config form, read by the policy pack."},
	}
	for _, a := range Areas {
		if a.Switch {
			continue
		}
		keys = append(keys, ProjectKey{Name: strings.TrimPrefix(a.Key, Namespace+":"), Type: "object", Default: map[string]any{}, Description: a.Doc})
	}
	return keys
}

// ProjectYAML is Pulumi.yaml's config block for ProjectKeys, with the
// keys it leaves out and why.
func ProjectYAML() string {
	var b strings.Builder
	b.WriteString("# Generated from the configuration's declarations (config.ProjectYAML);\n" +
		"# go test ./config -run TestPulumiYAML -update-reference rewrites it.\n" +
		"# The CLI checks each key's type; the program checks every nested key.\n")
	b.WriteString("config:\n")
	for _, k := range ProjectKeys() {
		fmt.Fprintf(&b, "  %s:\n    type: %s\n    description: %s\n", k.Name, k.Type, yamlString(k.Description))
		if k.Default != nil {
			d, _ := json.Marshal(k.Default)
			fmt.Fprintf(&b, "    default: %s\n", d)
		}
	}
	var left []string
	for _, a := range Areas {
		if a.Switch {
			left = append(left, a.Key)
		}
	}
	fmt.Fprintf(&b, "# Not declared: %s, which a stack sets to turn them on, so leaving them\n"+
		"# out is not the same as {}; and %s, which defaults to the stack name\n"+
		"# when that is an environment (no typed default can say so). The program\n"+
		"# checks them (docs/configuration.md).\n", strings.Join(left, " and "), KeyEnvironment)
	return b.String()
}

// yamlString quotes a description when YAML would read it as something
// else than the plain string.
func yamlString(s string) string {
	if strings.ContainsAny(s, ":#{}[]&*!|>'\"%@`") || strings.HasPrefix(s, "-") {
		out, _ := json.Marshal(s)
		return string(out)
	}
	return s
}

func complianceNames() []string {
	out := make([]string, len(conventions.ComplianceProfiles))
	for i, c := range conventions.ComplianceProfiles {
		out[i] = string(c)
	}
	return out
}
