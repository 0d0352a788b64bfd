package rules

import (
	"fmt"
	"slices"
	"strings"
)

// GuardrailContentFilters are the content filter categories a guardrail
// must set: the five harmful-content categories and prompt attacks.
var GuardrailContentFilters = []string{"HATE", "INSULTS", "MISCONDUCT", "PROMPT_ATTACK", "SEXUAL", "VIOLENCE"}

// filterStrengths orders the guardrail filter strengths.
var filterStrengths = []string{"NONE", "LOW", "MEDIUM", "HIGH"}

func init() {
	const checks = "`aws:bedrock/guardrail:Guardrail` has a `contentPolicyConfig.filtersConfigs` entry for each of SEXUAL, " +
		"VIOLENCE, HATE, INSULTS, MISCONDUCT and PROMPT_ATTACK with an `inputStrength` other than NONE (PROMPT_ATTACK at " +
		"least MEDIUM: prompt attacks arrive in the input), and a `sensitiveInformationPolicyConfig` with at least one " +
		"PII entity or regex."
	register(ConcernSafety,
		Rule{
			Name: "bedrock-guardrail-filters-complete",
			Description: "Guardrails filter every harmful-content category and prompt attacks, and handle " +
				"sensitive information; a partial guardrail lets the rest through.",
			Checks: "Outside prod and staging: " + checks,
			Level:  Advisory,
			Types:  []string{bedrockGuardrailType},
			Scope:  ScopeNonProd,
			Check:  checkGuardrailComplete,
		},
		Rule{
			Name:        "bedrock-guardrail-filters-complete-prod",
			Description: "Prod and staging guardrails are complete: users reach them.",
			Checks:      "In prod and staging: " + checks,
			Level:       Mandatory,
			Types:       []string{bedrockGuardrailType},
			Scope:       ScopeProdLike,
			Check:       checkGuardrailComplete,
		},
	)
}

// checkGuardrailComplete names the missing or weak content filters and a
// missing sensitive-information policy. Unknown settings are not judged.
func checkGuardrailComplete(r Resource, _ map[string]any) []string {
	var out []string
	filters, p := getMaps(r.Properties, "contentPolicyConfig", "filtersConfigs")
	if p != unknown {
		strength := map[string]string{}
		for _, f := range filters {
			t, ok := getString(f, "type")
			if !ok {
				if isUnknown(f, "type") {
					return nil
				}
				continue
			}
			s, _ := getString(f, "inputStrength")
			if isUnknown(f, "inputStrength") {
				s = "HIGH"
			}
			strength[t] = s
		}
		var missing, weak []string
		for _, c := range GuardrailContentFilters {
			s, ok := strength[c]
			switch {
			case !ok:
				missing = append(missing, c)
			case c == "PROMPT_ATTACK" && slices.Index(filterStrengths, s) < slices.Index(filterStrengths, "MEDIUM"):
				weak = append(weak, fmt.Sprintf("PROMPT_ATTACK input strength %s (at least MEDIUM)", orNone(s)))
			case s == "" || s == "NONE":
				weak = append(weak, fmt.Sprintf("%s input strength %s", c, orNone(s)))
			}
		}
		if len(missing) > 0 {
			out = append(out, "contentPolicyConfig has no filter for "+strings.Join(missing, ", "))
		}
		if len(weak) > 0 {
			out = append(out, "contentPolicyConfig filters too weak: "+strings.Join(weak, "; "))
		}
	}
	if _, sp := lookup(r.Properties, "sensitiveInformationPolicyConfig"); sp != unknown {
		pii, pp := getMaps(r.Properties, "sensitiveInformationPolicyConfig", "piiEntitiesConfigs")
		regexes, rp := getMaps(r.Properties, "sensitiveInformationPolicyConfig", "regexesConfigs")
		if len(pii) == 0 && len(regexes) == 0 && pp != unknown && rp != unknown {
			out = append(out, "sensitiveInformationPolicyConfig sets no PII entity or regex: personal data passes unmasked")
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}
