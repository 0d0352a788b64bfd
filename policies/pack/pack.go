// Package pack serves the rules of package rules as a policyx policy pack, the
// form `pulumi preview --policy-pack policies` runs.
//
// Each rules.Rule becomes a resource validation policy and each
// rules.StackRule a stack validation policy, with its own enforcement level
// (policyx ignores the pack-level one) and config schema.
//
// Settings come in three layers, later ones winning: the rules' defaults;
// the stack's own selection, read from the stack configuration the engine
// hands the pack at ConfigureStack (ml-platform:compliance picks a
// compliance profile, ml-platform:policySettings holds settings in
// --policy-pack-config form); and --policy-pack-config. policyx passes
// --policy-pack-config values to resource policies only
// (sdk/go/pulumi/policyx/server.go: AnalyzeStack builds StackValidationArgs
// from the manager and the resources, reading the configuration only for
// the enforcement level), so stack rules take their settings from the stack
// configuration; that is also what the offline engine reads.
package pack

import (
	"context"
	"fmt"
	"maps"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// Name is the policy pack's name as the CLI shows it.
const Name = "ml-platform-policies"

// Version is the pack's version; keep it equal to PulumiPolicy.yaml's.
var Version = semver.MustParse("0.3.0")

// Config keys the pack reads from the stack configuration (the same keys
// config.KeyCompliance and config.KeyPolicySettings name).
const (
	ComplianceKey     = "ml-platform:compliance"
	PolicySettingsKey = "ml-platform:policySettings"
)

// New builds the pack from rules.Rules() and rules.StackRules(). It is the
// factory policyx.Main calls at ConfigureStack, with a context carrying the
// stack's configuration (nil outside the CLI: no stack settings).
func New(ctx *pulumi.Context) (policyx.PolicyPack, error) {
	stack := rules.Settings{}
	if ctx != nil {
		profile, _ := ctx.GetConfig(ComplianceKey)
		raw, _ := ctx.GetConfig(PolicySettingsKey)
		var err error
		if stack, err = rules.StackSettings(conventions.ComplianceProfile(profile), raw); err != nil {
			return nil, fmt.Errorf("%s: %w", PolicySettingsKey, err)
		}
	}
	var policies []policyx.Policy
	for _, r := range rules.Rules() {
		p, err := resourcePolicy(r, stack)
		if err != nil {
			return nil, err
		}
		policies = append(policies, p)
	}
	for _, r := range rules.StackRules() {
		p, err := stackPolicy(r, stack)
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

// resourcePolicy wraps a resource rule. Its default level and config are the
// stack's settings over the rule's defaults; --policy-pack-config values
// arrive in args.Config and win.
func resourcePolicy(r rules.Rule, stack rules.Settings) (policyx.Policy, error) {
	level, err := EnforcementLevel(stack.LevelFor(r.Name, r.Level))
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", r.Name, err)
	}
	defaults := stack.ConfigFor(r.Name, r.Defaults)
	return policyx.NewResourceValidationPolicy(r.Name, policyx.ResourceValidationPolicyArgs{
		Description:      r.Description,
		EnforcementLevel: level,
		ConfigSchema:     configSchema(r.ConfigSchema, defaults),
		ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) (err error) {
			res := toResource(args.Resource)
			if !rules.Applies(r, res) {
				return nil
			}
			defer recoverInto(&err, r.Name, res.URN)
			for _, msg := range r.Check(res, rules.MergeConfig(defaults, args.Config)) {
				args.Manager.ReportViolation(msg, "")
			}
			return nil
		},
	}), nil
}

// stackPolicy wraps a stack rule, with the stack's settings (policyx hands
// stack policies no --policy-pack-config values; see the package comment).
func stackPolicy(r rules.StackRule, stack rules.Settings) (policyx.Policy, error) {
	level, err := EnforcementLevel(stack.LevelFor(r.Name, r.Level))
	if err != nil {
		return nil, fmt.Errorf("policy %q: %w", r.Name, err)
	}
	cfg := stack.ConfigFor(r.Name, r.Defaults)
	return policyx.NewStackValidationPolicy(r.Name, policyx.StackValidationPolicyArgs{
		Description:      r.Description,
		EnforcementLevel: level,
		ConfigSchema:     configSchema(r.ConfigSchema, cfg),
		ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) (err error) {
			defer recoverInto(&err, r.Name, "the stack")
			rs := make([]rules.Resource, len(args.Resources))
			for i, a := range args.Resources {
				rs[i] = toResource(a)
			}
			rs = rules.StackView(rs)
			for _, f := range rules.ScopeFindings(r, rs, r.Check(rs, cfg)) {
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
