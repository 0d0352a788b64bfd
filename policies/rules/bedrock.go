package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
)

// Bedrock and OpenSearch Serverless rules: invocation only through a
// guardrail, private customer-keyed vector collections, invocation logging
// in prod, and what CreateGuardrail and CreateCollection refuse
// (catalog.BedrockGuardrailSource).
func init() {
	register(ConcernSafety, Rule{
		Name: "bedrock-invoke-through-guardrail",
		Description: "Identity policies that let a caller invoke Bedrock models require the guardrail: an Allow " +
			"without a bedrock:GuardrailIdentifier condition lets applications skip it. Embedding models are exempt " +
			"(guardrails do not evaluate vectors).",
		Checks: "Every `Allow` statement of an identity policy whose actions cover `bedrock:InvokeModel` or " +
			"`bedrock:InvokeModelWithResponseStream` (Converse and ConverseStream authorize with them) has a " +
			"`bedrock:GuardrailIdentifier` condition, unless the document denies those actions when the key is not " +
			"the guardrail's (`StringNotEquals`/`ArnNotLike`), or every resource is an embedding model in the catalog.",
		Level: Mandatory,
		Types: identityPolicyT,
		Check: checkInvokeThroughGuardrail,
	})
	register(ConcernSafety, Rule{
		Name: "bedrock-stream-output-scanned-prod",
		Description: "In the guardrail's asynchronous streaming mode, which the caller chooses per request, response " +
			"chunks reach the caller before the guardrail has scanned them and sensitive information is not masked " +
			"(Bedrock user guide, \"Configure streaming response behavior\"). Prod allows streaming only as a named " +
			"opt-in (ml-platform:bedrock.streaming).",
		Checks: "In prod, no `Allow` statement of an identity policy covers `bedrock:InvokeModelWithResponseStream` " +
			"(which also authorizes ConverseStream) unless the same document denies it.",
		Level: Advisory,
		Scope: ScopeProdLike,
		Types: identityPolicyT,
		Check: checkStreamingProd,
	})
	register(ConcernNetwork, Rule{
		Name: "aoss-collection-private",
		Description: "OpenSearch Serverless network policies keep collections private: reachable from VPC " +
			"endpoints and AWS services such as Bedrock, never from the internet.",
		Checks: "An `aws:opensearch/serverlessSecurityPolicy` of type `network` has no rule set with " +
			"`AllowFromPublic: true`.",
		Level: Mandatory,
		Types: []string{aossSecurityPolicyType},
		Check: checkAOSSPrivate,
	})
	register(ConcernEncryption, Rule{
		Name:        "aoss-collection-customer-key",
		Description: "OpenSearch Serverless collections are encrypted with a customer-managed key.",
		Checks: "An `aws:opensearch/serverlessSecurityPolicy` of type `encryption` sets `AWSOwnedKey: false` and " +
			"a `KmsARN`.",
		Level: Mandatory,
		Types: []string{aossSecurityPolicyType},
		Check: checkAOSSCustomerKey,
	})
	register(ConcernDeploy,
		Rule{
			Name: "bedrock-guardrail-prompt-attack-input-only",
			Description: "CreateGuardrail refuses a PROMPT_ATTACK filter with an output strength other than NONE: " +
				"prompt attacks are filtered on input only.",
			Checks: "`aws:bedrock/guardrail:Guardrail` `contentPolicyConfig.filtersConfigs` entries of type " +
				"PROMPT_ATTACK have `outputStrength` NONE.",
			Level: Mandatory,
			Types: []string{bedrockGuardrailType},
			Check: checkPromptAttackInputOnly,
		},
		Rule{
			Name: "bedrock-guardrail-limits",
			Description: "Guardrails stay within what CreateGuardrail accepts: names, topic counts and lengths, " +
				"word and regex counts, blocked messages.",
			Checks: fmt.Sprintf("`aws:bedrock/guardrail:Guardrail`: `name` 1-50 of [0-9a-zA-Z-_]; at most %d denied topics, "+
				"definitions up to %d characters, up to %d examples of up to %d; at most %d words of up to %d characters; at "+
				"most %d regexes, patterns up to %d characters; blocked messages up to %d characters.",
				catalog.GuardrailMaxTopics, catalog.GuardrailTopicDefinitionMax, catalog.GuardrailTopicExamplesMax,
				catalog.GuardrailTopicExampleMax, catalog.GuardrailMaxWords, catalog.GuardrailWordMax, catalog.GuardrailMaxRegexes,
				catalog.GuardrailRegexPatternMax, catalog.GuardrailMessageMax),
			Level: Mandatory,
			Types: []string{bedrockGuardrailType},
			Check: checkGuardrailLimits,
		},
	)
	registerStack(ConcernDeploy, StackRule{
		Name: "aoss-collection-encryption-policy-first",
		Description: "CreateCollection fails unless an encryption policy matching the collection exists: a " +
			"collection created alongside its policy must depend on it.",
		Checks: "An `aws:opensearch/serverlessCollection` whose name an encryption " +
			"`aws:opensearch/serverlessSecurityPolicy` of the stack matches (`collection/<name>`, wildcards allowed) " +
			"lists that policy among its dependencies.",
		Level: Mandatory,
		Types: []string{aossCollectionType},
		Check: checkCollectionPolicyFirst,
	})
	registerStack(ConcernAudit, StackRule{
		Name: "bedrock-invocation-logging-prod",
		Description: "Prod and staging stacks that use Bedrock log model invocations to S3 and CloudWatch Logs, " +
			"so every prompt and response can be audited.",
		Checks: "In prod and staging, a stack with an `aws:bedrock/guardrail:Guardrail` has an " +
			"`aws:bedrockmodel/invocationLoggingConfiguration` with `loggingConfig.s3Config` and " +
			"`loggingConfig.cloudwatchConfig` and text delivery on.",
		Level: Mandatory,
		Types: []string{bedrockGuardrailType},
		Scope: ScopeProdLike,
		Check: checkInvocationLogging,
	})
}

var invokeActions = []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}

func checkInvokeThroughGuardrail(r Resource, _ map[string]any) []string {
	var out []string
	for name, doc := range identityPolicies(r) {
		sts := statements(doc)
		deniedWithout := slices.ContainsFunc(sts, func(st map[string]any) bool {
			if !isDeny(st) || !slices.ContainsFunc(invokeActions, func(a string) bool { return actionsCover(st, a) }) {
				return false
			}
			return len(conditionValues(st, "StringNotEquals", "bedrock:GuardrailIdentifier")) > 0 ||
				len(conditionValues(st, "ArnNotLike", "bedrock:GuardrailIdentifier")) > 0 ||
				len(conditionValues(st, "ArnNotEquals", "bedrock:GuardrailIdentifier")) > 0
		})
		if deniedWithout {
			continue
		}
		for i, st := range sts {
			if !isAllow(st) || !slices.ContainsFunc(invokeActions, func(a string) bool { return actionsCover(st, a) }) {
				continue
			}
			if guardrailConditioned(st) || onlyEmbeddingModels(st) || everyAction(st) {
				continue
			}
			out = append(out, fmt.Sprintf("%s %s allows invoking Bedrock models without a bedrock:GuardrailIdentifier "+
				"condition: callers can skip the guardrail", name, statementID(st, i)))
		}
	}
	return out
}

// everyAction says whether a statement's actions are all "*" or "*:*":
// iam-policy-no-wildcard-actions reports those.
func everyAction(st map[string]any) bool {
	actions := stringsOf(st["Action"])
	return len(actions) > 0 && !slices.ContainsFunc(actions, func(a string) bool { return a != "*" && a != "*:*" })
}

// guardrailConditioned says whether a statement conditions on the
// guardrail identifier under any operator.
func guardrailConditioned(st map[string]any) bool {
	cond, _ := st["Condition"].(map[string]any)
	for _, keys := range cond {
		m, _ := keys.(map[string]any)
		for k := range m {
			if strings.EqualFold(k, "bedrock:GuardrailIdentifier") {
				return true
			}
		}
	}
	return false
}

// onlyEmbeddingModels says whether every resource of a statement is an
// embedding model of the catalog.
func onlyEmbeddingModels(st map[string]any) bool {
	resources := stringsOf(st["Resource"])
	if len(resources) == 0 {
		return false
	}
	for _, r := range resources {
		_, id, found := strings.Cut(r, ":foundation-model/")
		if !found {
			return false
		}
		m, _, ok := catalog.LookupBedrockModel(id)
		if !ok || m.Kind != catalog.BedrockEmbedding {
			return false
		}
	}
	return true
}

// aossPolicy decodes an OpenSearch Serverless security policy's document;
// ok is false when it is unknown or not JSON.
func aossPolicy(r Resource) (typ string, doc any, ok bool) {
	typ, tok := getString(r.Properties, "type")
	raw, pok := getString(r.Properties, "policy")
	if !tok || !pok || json.Unmarshal([]byte(raw), &doc) != nil {
		return "", nil, false
	}
	return typ, doc, true
}

func checkAOSSPrivate(r Resource, _ map[string]any) []string {
	typ, doc, ok := aossPolicy(r)
	if !ok || typ != "network" {
		return nil
	}
	sets, _ := doc.([]any)
	var out []string
	for i, s := range sets {
		if m, _ := s.(map[string]any); m["AllowFromPublic"] == true {
			out = append(out, fmt.Sprintf("rule set %d sets AllowFromPublic: true: the collection is reachable from the internet", i))
		}
	}
	return out
}

func checkAOSSCustomerKey(r Resource, _ map[string]any) []string {
	typ, doc, ok := aossPolicy(r)
	if !ok || typ != "encryption" {
		return nil
	}
	m, _ := doc.(map[string]any)
	if owned, _ := m["AWSOwnedKey"].(bool); owned {
		return []string{"AWSOwnedKey is true: the collection is encrypted with an AWS-owned key"}
	}
	if key, _ := m["KmsARN"].(string); key == "" {
		return []string{"no KmsARN: the collection has no customer-managed key"}
	}
	return nil
}

func checkPromptAttackInputOnly(r Resource, _ map[string]any) []string {
	filters, _ := getMaps(r.Properties, "contentPolicyConfig", "filtersConfigs")
	for i, f := range filters {
		t, _ := getString(f, "type")
		out, known := getString(f, "outputStrength")
		if t == "PROMPT_ATTACK" && known && out != "NONE" {
			return []string{fmt.Sprintf("contentPolicyConfig.filtersConfigs[%d] PROMPT_ATTACK has outputStrength %s: "+
				"CreateGuardrail refuses anything but NONE", i, out)}
		}
	}
	return nil
}

var guardrailName = regexp.MustCompile(`^[0-9a-zA-Z_-]{1,50}$`)

func checkGuardrailLimits(r Resource, _ map[string]any) []string {
	var out []string
	tooLong := func(what string, s string, limit int) {
		if len(s) > limit {
			out = append(out, fmt.Sprintf("%s is %d characters, above %d", what, len(s), limit))
		}
	}
	if n, ok := getString(r.Properties, "name"); ok && !guardrailName.MatchString(n) {
		out = append(out, fmt.Sprintf("name %q is not 1 to 50 letters, digits, - and _", n))
	}
	for _, k := range []string{"blockedInputMessaging", "blockedOutputsMessaging"} {
		if m, ok := getString(r.Properties, k); ok {
			tooLong(k, m, catalog.GuardrailMessageMax)
		}
	}
	topics, _ := getMaps(r.Properties, "topicPolicyConfig", "topicsConfigs")
	if len(topics) > catalog.GuardrailMaxTopics {
		out = append(out, fmt.Sprintf("%d denied topics, above %d", len(topics), catalog.GuardrailMaxTopics))
	}
	for i, t := range topics {
		if d, ok := getString(t, "definition"); ok {
			tooLong(fmt.Sprintf("topicsConfigs[%d].definition", i), d, catalog.GuardrailTopicDefinitionMax)
		}
		examples, _ := lookup(t, "examples")
		if examples.IsArray() {
			arr := examples.AsArray()
			if arr.Len() > catalog.GuardrailTopicExamplesMax {
				out = append(out, fmt.Sprintf("topicsConfigs[%d] has %d examples, above %d", i, arr.Len(), catalog.GuardrailTopicExamplesMax))
			}
			for j, e := range arr.AsSlice() {
				if e.IsString() {
					tooLong(fmt.Sprintf("topicsConfigs[%d].examples[%d]", i, j), e.AsString(), catalog.GuardrailTopicExampleMax)
				}
			}
		}
	}
	words, _ := getMaps(r.Properties, "wordPolicyConfig", "wordsConfigs")
	if len(words) > catalog.GuardrailMaxWords {
		out = append(out, fmt.Sprintf("%d words, above %d", len(words), catalog.GuardrailMaxWords))
	}
	for i, w := range words {
		if t, ok := getString(w, "text"); ok {
			tooLong(fmt.Sprintf("wordsConfigs[%d].text", i), t, catalog.GuardrailWordMax)
		}
	}
	regexes, _ := getMaps(r.Properties, "sensitiveInformationPolicyConfig", "regexesConfigs")
	if len(regexes) > catalog.GuardrailMaxRegexes {
		out = append(out, fmt.Sprintf("%d regexes, above %d", len(regexes), catalog.GuardrailMaxRegexes))
	}
	for i, rx := range regexes {
		if p, ok := getString(rx, "pattern"); ok {
			tooLong(fmt.Sprintf("regexesConfigs[%d].pattern", i), p, catalog.GuardrailRegexPatternMax)
		}
	}
	return out
}

func checkCollectionPolicyFirst(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, c := range rs {
		if c.Type != aossCollectionType {
			continue
		}
		name, ok := getString(c.Properties, "name")
		if !ok {
			continue
		}
		for _, p := range rs {
			if p.Type != aossSecurityPolicyType || slices.Contains(c.Dependencies, p.URN) {
				continue
			}
			typ, doc, ok := aossPolicy(p)
			if !ok || typ != "encryption" || !aossPolicyMatches(doc, "collection/"+name) {
				continue
			}
			out = append(out, Finding{c.URN, fmt.Sprintf("the encryption policy %s matches collection/%s but the collection does not "+
				"depend on it: created in parallel, CreateCollection can run first and fail", p.Name, name)})
		}
	}
	return out
}

// aossPolicyMatches says whether an encryption policy's rules match a
// resource ("collection/name"), with * wildcards.
func aossPolicyMatches(doc any, resource string) bool {
	m, _ := doc.(map[string]any)
	rules, _ := m["Rules"].([]any)
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		for _, pattern := range stringsOf(rule["Resource"]) {
			if wildcardMatch(pattern, resource) {
				return true
			}
		}
	}
	return false
}

func checkInvocationLogging(rs []Resource, _ map[string]any) []Finding {
	var guardrails []Resource
	var logging []Resource
	for _, r := range rs {
		switch r.Type {
		case bedrockGuardrailType:
			guardrails = append(guardrails, r)
		case bedrockInvocationLogType:
			logging = append(logging, r)
		}
	}
	if len(guardrails) == 0 {
		return nil
	}
	problem := "no aws:bedrockmodel/invocationLoggingConfiguration in the stack: model invocations are not audited"
	for _, l := range logging {
		problem = invocationLoggingProblem(l)
		if problem == "" {
			return nil
		}
	}
	var out []Finding
	for _, g := range guardrails {
		out = append(out, Finding{g.URN, problem})
	}
	return out
}

// invocationLoggingProblem says what an invocation logging configuration
// lacks, "" for nothing (or unknown).
func invocationLoggingProblem(l Resource) string {
	cfg, p := lookup(l.Properties, "loggingConfig")
	if p == unknown {
		return ""
	}
	if p == absent {
		return "the invocation logging configuration has no loggingConfig"
	}
	if !cfg.IsMap() {
		return ""
	}
	m := cfg.AsMap()
	var missing []string
	for _, k := range []string{"s3Config", "cloudwatchConfig"} {
		if _, kp := lookup(m, k); kp == absent {
			missing = append(missing, k)
		}
	}
	if on, ok := getBool(m, "textDataDeliveryEnabled"); ok && !on {
		missing = append(missing, "text delivery")
	}
	if len(missing) > 0 {
		return "model invocation logging lacks " + strings.Join(missing, ", ")
	}
	return ""
}

// checkStreamingProd flags identity policies that allow response streaming.
func checkStreamingProd(r Resource, _ map[string]any) []string {
	const stream = "bedrock:InvokeModelWithResponseStream"
	var out []string
	for name, doc := range identityPolicies(r) {
		sts := statements(doc)
		if slices.ContainsFunc(sts, func(st map[string]any) bool {
			c, _ := st["Condition"].(map[string]any)
			return isDeny(st) && actionsCover(st, stream) && len(c) == 0
		}) {
			continue
		}
		for i, st := range sts {
			if isAllow(st) && actionsCover(st, stream) && !everyAction(st) {
				out = append(out, fmt.Sprintf("%s %s allows %s: in asynchronous streaming mode output reaches callers "+
					"before the guardrail scans it; set ml-platform:bedrock.streaming false unless that is accepted", name, statementID(st, i), stream))
			}
		}
	}
	return out
}
