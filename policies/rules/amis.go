package rules

import (
	"fmt"
	"strings"
)

func init() {
	register(Rule{
		Name: "karpenter-ami-pinned-prod",
		Description: "Prod and staging EC2NodeClasses pin their AMI (an alias such as al2023@v20251120, or an " +
			"ID/name selector) instead of @latest, so new nodes do not change image between reviews.",
		Level: Advisory,
		Check: checkKarpenterAMIPinned,
	})
}

// checkKarpenterAMIPinned flags alias terms ending in @latest on prod-like
// node classes. A node class's Environment comes from the tags it puts on
// its instances (spec.tags), as it carries no AWS tags of its own.
func checkKarpenterAMIPinned(r Resource, _ map[string]any) []string {
	if !isNodeClass(r.Type) {
		return nil
	}
	env, ok := getString(r.Properties, "spec", "tags", "Environment")
	if !ok || (env != envProd && env != envStaging) {
		return nil
	}
	terms, ok := getArray(r.Properties, "spec", "amiSelectorTerms")
	if !ok {
		return nil
	}
	var out []string
	for i, term := range terms {
		m, ok := asMap(term)
		if !ok {
			continue
		}
		alias, ok := getString(m, "alias")
		if ok && strings.HasSuffix(alias, "@latest") {
			out = append(out, fmt.Sprintf("spec.amiSelectorTerms[%d].alias is %q in %s: pin a version such as %s@vYYYYMMDD",
				i, alias, env, strings.TrimSuffix(alias, "@latest")))
		}
	}
	return out
}
