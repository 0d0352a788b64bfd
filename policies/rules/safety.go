package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
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

func init() {
	const checks = "each `kubernetes:apps/v1:Deployment` or `LeaderWorkerSet` labelled `app.kubernetes.io/component: " +
		"llm-server` without a `ml-platform/guardrail-opt-out` annotation has a gateway Deployment " +
		"(`app.kubernetes.io/component: llm-gateway`, the same `app.kubernetes.io/name`), no `LoadBalancer` or " +
		"`NodePort` Service whose selector picks its own pods, and a NetworkPolicy selecting them (so other pods cannot " +
		"go around the gateway)."
	registerStack(ConcernSafety, StackRule{
		Name: "llm-server-behind-guardrail-prod",
		Description: "Prod and staging LLM servers on the cluster answer users only through a gateway that applies " +
			"the stack's Bedrock guardrail, as Bedrock models do through enforced use; serving without one is an " +
			"explicit, stated opt-out.",
		Checks: "In prod and staging: " + checks,
		Level:  Mandatory,
		Scope:  ScopeProdLike,
		Types:  []string{deploymentType, leaderWorkerSetType},
		Check:  checkServersGuarded,
	})
	register(ConcernSafety, Rule{
		Name:        "llm-server-guardrail-opt-out",
		Description: "An LLM server that serves without a guardrail in front says why; the finding keeps the choice visible.",
		Checks: "A `kubernetes:apps/v1:Deployment` or `LeaderWorkerSet` labelled `app.kubernetes.io/component: llm-server` " +
			"with a `ml-platform/guardrail-opt-out` annotation: reported with its reason.",
		Level: Advisory,
		Types: []string{deploymentType, leaderWorkerSetType},
		Check: func(r Resource, _ map[string]any) []string {
			reason, ok := getString(r.Properties, "metadata", "annotations", guardrailOptOut)
			if labelOf(r, componentLabel) != llmServerComponent || !ok {
				return nil
			}
			return []string{fmt.Sprintf("serves without a guardrail in front (serving.llms[].guardrailOptOut): %q", reason)}
		},
	})
}

func checkServersGuarded(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, s := range llmServers(rs) {
		if _, optedOut := getString(s.Properties, "metadata", "annotations", guardrailOptOut); optedOut {
			continue
		}
		name := labelOf(s, nameLabel)
		podLabels, _ := getMap(s.Properties, "spec", "template", "metadata", "labels")
		if s.Type == leaderWorkerSetType {
			podLabels, _ = getMap(s.Properties, "spec", "leaderWorkerTemplate", "leaderTemplate", "metadata", "labels")
		}
		gateway, policed := false, false
		for _, r := range rs {
			switch {
			case r.Type == deploymentType && labelOf(r, componentLabel) == llmGatewayComponent && labelOf(r, nameLabel) == name:
				gateway = true
			case r.Type == k8sServiceType:
				kind, _ := getString(r.Properties, "spec", "type")
				sel, ok := getMap(r.Properties, "spec", "selector")
				if (kind == "LoadBalancer" || kind == "NodePort") && ok && selects(sel, podLabels) {
					out = append(out, Finding{s.URN, fmt.Sprintf("Service %s exposes the server's own pods outside the cluster: "+
						"clients reach it around the guardrail; allowed: expose the gateway", r.Name)})
				}
			case r.Type == networkPolicyType:
				sel, ok := getMap(r.Properties, "spec", "podSelector", "matchLabels")
				policed = policed || (ok && selects(sel, podLabels))
			}
		}
		if !gateway {
			out = append(out, Finding{s.URN, "no guardrail gateway (an llm-gateway Deployment of the same name) fronts the server; " +
				"allowed: serving.llms[].guardrail true, or a stated guardrailOptOut"})
		}
		if !policed {
			out = append(out, Finding{s.URN, "no NetworkPolicy selects the server's pods: any pod in the cluster reaches vLLM " +
				"around the gateway"})
		}
	}
	return out
}

// selects reports whether a label selector (a map) picks pods with labels.
func selects(selector, labels property.Map) bool {
	if selector.Len() == 0 {
		return false
	}
	for k, v := range selector.All {
		want, ok := asString(v)
		got, ok2 := getString(labels, k)
		if !ok || !ok2 || want != got {
			return false
		}
	}
	return true
}
