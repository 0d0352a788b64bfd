package rules

import (
	"cmp"
	"slices"
	"strings"
)

// Applies reports whether a resource rule judges r: r's type is one of the
// rule's Types (any type when there are none), r is in the rule's Scope,
// and r is not a remote component that reached the pack without inputs.
// The evaluator and the policy pack both ask it, so a rule's Check never
// guards on the type itself.
func Applies(rule Rule, r Resource) bool {
	if len(rule.Types) > 0 && !slices.Contains(rule.Types, r.Type) {
		return false
	}
	return inScope(rule.Scope, r) && !opaqueComponent(r)
}

// inScope reports whether r belongs to a scope, by its Environment tag.
func inScope(s Scope, r Resource) bool {
	switch s {
	case ScopeProdLike:
		return prodLike(r)
	case ScopeNonProd:
		return !prodLike(r)
	}
	return true
}

// ScopeFindings drops a stack rule's findings on resources outside its
// scope (findings on URNs not among rs are kept).
func ScopeFindings(rule StackRule, rs []Resource, findings []Finding) []Finding {
	if rule.Scope == ScopeAll {
		return findings
	}
	byURN := make(map[string]Resource, len(rs))
	for _, r := range rs {
		byURN[r.URN] = r
	}
	return slices.DeleteFunc(slices.Clone(findings), func(f Finding) bool {
		r, ok := byURN[f.URN]
		return ok && !inScope(rule.Scope, r)
	})
}

// opaqueComponent reports whether r is a component a provider constructs
// (pulumi-eks's eks:index:*) that reached the pack with no properties. The
// Pulumi engine analyzes only the provider's own registration of it, and
// pulumi-eks v2.8.1's bundled Node.js SDK (3.124.0) registers components
// with {}: component inputs are sent only from v3.202.0 (pulumi/pulumi
// #20357, sdk/nodejs/resource.ts). Such a resource says nothing; its
// children (aws:eks/cluster:Cluster, ...) carry the settings and are judged.
func opaqueComponent(r Resource) bool {
	return strings.HasPrefix(r.Type, "eks:index:") && r.Properties.Len() == 0
}

// StackView is what stack rules see of a stack: every resource but the
// root stack and the remote components that reached the pack without
// inputs.
func StackView(rs []Resource) []Resource {
	return slices.DeleteFunc(slices.Clone(rs), func(r Resource) bool {
		return opaqueComponent(r) || r.Type == "pulumi:pulumi:Stack"
	})
}

// Evaluate runs every rule and every stack rule over the same resources:
// what an audit of a stack export judges (its inputs and outputs). The
// engine's own split is EvaluateEngine.
func Evaluate(resources []Resource, s Settings) []Violation {
	return EvaluateEngine(resources, resources, s)
}

// EvaluateEngine runs every rule over every resource it applies to, then
// every stack rule over all of them, the way the Pulumi engine calls the
// policy pack: Analyze sees each resource's inputs after the provider's
// Check (analyzed), AnalyzeStack sees the final outputs of every resource
// (stack: for a resource a preview creates, its inputs with every
// computed output unknown; for one that exists, its state with what the
// provider added). Disabled rules are skipped; each rule's config is its
// Defaults overlaid by its setting. The result is sorted by (policy, urn,
// message) so that output and golden files are stable.
func EvaluateEngine(analyzed, stack []Resource, s Settings) []Violation {
	resources := analyzed
	var out []Violation
	for _, rule := range Rules() {
		level := s.LevelFor(rule.Name, rule.Level)
		if level == Disabled {
			continue
		}
		cfg := s.ConfigFor(rule.Name, rule.Defaults)
		for _, r := range resources {
			if !Applies(rule, r) {
				continue
			}
			for _, msg := range rule.Check(r, cfg) {
				out = append(out, Violation{Policy: rule.Name, EnforcementLevel: level, URN: r.URN, Message: msg})
			}
		}
	}
	for _, rule := range StackRules() {
		level := s.LevelFor(rule.Name, rule.Level)
		if level == Disabled {
			continue
		}
		cfg := s.ConfigFor(rule.Name, rule.Defaults)
		judged := StackView(stack)
		for _, f := range ScopeFindings(rule, judged, rule.Check(judged, cfg)) {
			out = append(out, Violation{Policy: rule.Name, EnforcementLevel: level, URN: f.URN, Message: f.Message})
		}
	}
	SortViolations(out)
	return out
}

// SortViolations orders v by (policy, urn, message) in place.
func SortViolations(v []Violation) {
	slices.SortFunc(v, func(a, b Violation) int {
		return cmp.Or(
			cmp.Compare(a.Policy, b.Policy),
			cmp.Compare(a.URN, b.URN),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// HasMandatory reports whether any violation is mandatory, i.e. whether the
// deployment (or the offline run) must fail.
func HasMandatory(v []Violation) bool {
	return slices.ContainsFunc(v, func(x Violation) bool { return x.EnforcementLevel == Mandatory && x.ExceptedBy == "" })
}
