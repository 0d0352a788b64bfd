package rules

import "testing"

func TestKarpenterAMIPinnedProd(t *testing.T) {
	nodeClassWith := func(env any, terms any) Resource {
		return mk(karpenterNodeClassType, "accelerated", map[string]any{"spec": map[string]any{
			"tags": map[string]any{"Environment": env}, "amiSelectorTerms": terms,
		}})
	}
	alias := func(a any) []any { return []any{map[string]any{"alias": a}} }
	runRuleCases(t, "karpenter-ami-pinned-prod", []ruleCase{
		{name: "pinned in prod", r: nodeClassWith("prod", alias("al2023@v20251120"))},
		{name: "latest in prod", r: nodeClassWith("prod", alias("al2023@latest")), want: []string{`"al2023@latest" in prod: pin a version such as al2023@vYYYYMMDD`}},
		{name: "latest in staging", r: nodeClassWith("staging", alias("al2023@latest")), want: []string{"in staging"}},
		{name: "latest in dev is fine", r: nodeClassWith("dev", alias("al2023@latest"))},
		{name: "ID selector", r: nodeClassWith("prod", []any{map[string]any{"id": "ami-0123456789abcdef0"}})},
		{name: "alias unknown", r: nodeClassWith("prod", alias(computed))},
		{name: "terms unknown", r: nodeClassWith("prod", computed)},
		{name: "environment unknown", r: nodeClassWith(computed, alias("al2023@latest"))},
	})
}
