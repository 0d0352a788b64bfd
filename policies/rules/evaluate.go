package rules

import (
	"cmp"
	"slices"
)

// Evaluate runs every rule over every resource, then every stack rule over all
// of them, the way the policy pack does during a preview. Disabled rules are
// skipped; each rule's config is its Defaults overlaid by its setting. The
// result is sorted by (policy, urn, message) so that output and golden files
// are stable.
func Evaluate(resources []Resource, s Settings) []Violation {
	var out []Violation
	for _, rule := range Rules() {
		level := s.LevelFor(rule.Name, rule.Level)
		if level == Disabled {
			continue
		}
		cfg := s.ConfigFor(rule.Name, rule.Defaults)
		for _, r := range resources {
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
		for _, f := range rule.Check(resources, cfg) {
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
	return slices.ContainsFunc(v, func(x Violation) bool { return x.EnforcementLevel == Mandatory })
}
