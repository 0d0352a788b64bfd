// Package pack serves the rules of package rules as a policyx policy pack, the
// form `pulumi preview --policy-pack policies` runs.
//
// Each rules.Rule becomes a resource validation policy and each
// rules.StackRule a stack validation policy, with its own enforcement level
// (policyx ignores the pack-level one) and config schema. Rule config is the
// rule's Defaults overlaid by what the CLI sends from --policy-pack-config.
package pack

import (
	"context"
	"fmt"
	"maps"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/ml-platform/ml-platform/policies/rules"
)

// Name is the policy pack's name as the CLI shows it.
const Name = "ml-platform-policies"

// Version is the pack's version; keep it equal to PulumiPolicy.yaml's.
var Version = semver.MustParse("0.2.0")

// New builds the pack from rules.Rules() and rules.StackRules(). It is the
// factory policyx.Main calls once the engine has configured the stack.
func New(_ *pulumi.Context) (policyx.PolicyPack, error) {
	var policies []policyx.Policy
	for _, r := range rules.Rules() {
		p, err := resourcePolicy(r)
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	for _, r := range rules.StackRules() {
		p, err := stackPolicy(r)
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	pack, err := policyx.NewPolicyPack(Name, Version, policyx.EnforcementLevelAdvisory, policies)
	if err != nil {
		return nil, fmt.Errorf("building policy pack %s: %w", Name, err)
	}
	return pack, nil
}

// EnforcementLevel maps a rules.Level to policyx's.
func EnforcementLevel(l rules.Level) (policyx.EnforcementLevel, error) {
	switch l {
	case rules.Advisory:
		return policyx.EnforcementLevelAdvisory, nil
	case rules.Mandatory:
		return policyx.EnforcementLevelMandatory, nil
	case rules.Disabled:
		return policyx.EnforcementLevelDisabled, nil
	}
	return 0, fmt.Errorf("unknown enforcement level %q", l)
}

func resourcePolicy(r rules.Rule) (policyx.Policy, error) {
	level, err := EnforcementLevel(r.Level)
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", r.Name, err)
	}
	return policyx.NewResourceValidationPolicy(r.Name, policyx.ResourceValidationPolicyArgs{
		Description:      r.Description,
		EnforcementLevel: level,
		ConfigSchema:     configSchema(r.ConfigSchema, r.Defaults),
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) (err error) {
			res := toResource(args.Resource)
			defer recoverInto(&err, r.Name, res.URN)
			for _, msg := range r.Check(res, rules.MergeConfig(r.Defaults, args.Config)) {
				args.Manager.ReportViolation(msg, "")
			}
			return nil
		},
	}), nil
}

// stackPolicy wraps a stack rule. policyx does not pass policy config to stack
// policies, so stack rules run with their Defaults here; the offline engine
// honours overrides.
func stackPolicy(r rules.StackRule) (policyx.Policy, error) {
	level, err := EnforcementLevel(r.Level)
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", r.Name, err)
	}
	return policyx.NewStackValidationPolicy(r.Name, policyx.StackValidationPolicyArgs{
		Description:      r.Description,
		EnforcementLevel: level,
		ConfigSchema:     configSchema(r.ConfigSchema, r.Defaults),
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) (err error) {
			defer recoverInto(&err, r.Name, "the stack")
			rs := make([]rules.Resource, len(args.Resources))
			for i, a := range args.Resources {
				rs[i] = toResource(a)
			}
			for _, f := range r.Check(rs, rules.MergeConfig(r.Defaults, nil)) {
				args.Manager.ReportViolation(f.Message, f.URN)
			}
			return nil
		},
	}), nil
}

// recoverInto turns a panic in a rule into an error on the RPC: the preview
// fails with the rule's name instead of the analyzer process dying.
func recoverInto(err *error, policy, subject string) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("policy %q panicked on %s: %v", policy, subject, p)
	}
}

// configSchema copies a rule's schema and records each default in it, so the
// CLI shows and applies the same defaults the rule uses. It returns nil for a
// rule without config.
func configSchema(props map[string]map[string]any, defaults map[string]any) *policyx.ConfigSchema {
	if len(props) == 0 {
		return nil
	}
	out := make(map[string]map[string]any, len(props))
	for k, p := range props {
		cp := maps.Clone(p)
		if d, ok := defaults[k]; ok {
			cp["default"] = d
		}
		out[k] = cp
	}
	return &policyx.ConfigSchema{Properties: out}
}

// toResource is the view every rule sees of a policyx resource.
func toResource(a policyx.AnalyzerResource) rules.Resource {
	return rules.Resource{
		Type:                 a.Type,
		URN:                  a.URN,
		Name:                 a.Name,
		Properties:           a.Properties,
		Protect:              a.Options.Protect,
		Parent:               a.Parent,
		Dependencies:         a.Dependencies,
		PropertyDependencies: a.PropertyDependencies,
	}
}
