package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func policyJSON(statements ...map[string]any) string {
	var sts []any
	for _, st := range statements {
		sts = append(sts, st)
	}
	out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	if err != nil {
		panic(err)
	}
	return string(out)
}

func TestInvokeThroughGuardrail(t *testing.T) {
	const gr = "arn:aws:bedrock:us-east-1:123456789012:guardrail/g:1"
	model := "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
	allow := func(actions any, resource any, cond map[string]any) map[string]any {
		st := map[string]any{"Sid": "Invoke", "Effect": "Allow", "Action": actions, "Resource": resource}
		if cond != nil {
			st["Condition"] = cond
		}
		return st
	}
	guarded := map[string]any{"StringEquals": map[string]any{"bedrock:GuardrailIdentifier": gr}}
	deny := map[string]any{"Sid": "Deny", "Effect": "Deny", "Action": []any{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
		"Resource": "*", "Condition": map[string]any{"StringNotEquals": map[string]any{"bedrock:GuardrailIdentifier": gr}}}
	pol := func(sts ...map[string]any) Resource {
		return mk(iamPolicyType, "p", map[string]any{"policy": policyJSON(sts...)})
	}
	runRuleCases(t, "bedrock-invoke-through-guardrail", []ruleCase{
		{name: "with the guardrail condition", r: pol(allow("bedrock:InvokeModel", model, guarded))},
		{name: "with a Deny without it", r: pol(allow([]any{"bedrock:InvokeModel"}, model, nil), deny)},
		{name: "unguarded", r: pol(allow("bedrock:InvokeModel", model, nil)), want: []string{"statement Invoke allows invoking Bedrock models without a bedrock:GuardrailIdentifier"}},
		{name: "unguarded streaming", r: pol(allow("bedrock:InvokeModelWithResponseStream", model, nil)), want: []string{"without a bedrock:GuardrailIdentifier"}},
		{name: "bedrock wildcard", r: pol(allow("bedrock:Invoke*", "*", nil)), want: []string{"without a bedrock:GuardrailIdentifier"}},
		{name: "guardrail by ArnLike", r: pol(allow("bedrock:*", model, map[string]any{"ArnLike": map[string]any{"bedrock:GuardrailIdentifier": gr}}))},
		{name: "embedding model only", r: pol(allow("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", nil))},
		{name: "embedding and text", r: pol(allow("bedrock:InvokeModel", []any{"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", model}, nil)),
			want: []string{"without a bedrock:GuardrailIdentifier"}},
		{name: "every action is another rule's", r: pol(allow("*", "*", nil))},
		{name: "other service", r: pol(allow("s3:GetObject", "*", nil))},
		{name: "role inline policy", r: mk(iamRolePolicyType, "rp", map[string]any{"policy": policyJSON(allow("bedrock:InvokeModel", model, nil))}),
			want: []string{"without a bedrock:GuardrailIdentifier"}},
		{name: "document unknown", r: mk(iamPolicyType, "p", map[string]any{"policy": computed})},
	})
}

func TestAOSSPolicies(t *testing.T) {
	sp := func(typ any, policy any) Resource {
		return mk(aossSecurityPolicyType, "sp", map[string]any{"type": typ, "policy": policy})
	}
	private := `[{"Rules":[{"ResourceType":"collection","Resource":["collection/kb"]}],"AllowFromPublic":false,"SourceVPCEs":["vpce-1"]}]`
	public := `[{"Rules":[{"ResourceType":"collection","Resource":["collection/kb"]}],"AllowFromPublic":false,"SourceVPCEs":["vpce-1"]},` +
		`{"Rules":[{"ResourceType":"dashboard","Resource":["collection/kb"]}],"AllowFromPublic":true}]`
	runRuleCases(t, "aoss-collection-private", []ruleCase{
		{name: "private", r: sp("network", private)},
		{name: "public dashboards", r: sp("network", public), want: []string{"rule set 1 sets AllowFromPublic: true"}},
		{name: "encryption policy", r: sp("encryption", `{"AWSOwnedKey":true}`)},
		{name: "unknown", r: sp("network", computed)},
	})
	runRuleCases(t, "aoss-collection-customer-key", []ruleCase{
		{name: "customer key", r: sp("encryption", `{"Rules":[],"AWSOwnedKey":false,"KmsARN":"arn:aws:kms:us-east-1:1:key/k"}`)},
		{name: "AWS-owned", r: sp("encryption", `{"Rules":[],"AWSOwnedKey":true}`), want: []string{"AWSOwnedKey is true"}},
		{name: "no key", r: sp("encryption", `{"Rules":[],"AWSOwnedKey":false}`), want: []string{"no KmsARN"}},
		{name: "network policy", r: sp("network", private)},
		{name: "type unknown", r: sp(computed, `{"AWSOwnedKey":true}`)},
	})
}

func TestCollectionPolicyFirst(t *testing.T) {
	enc := mk(aossSecurityPolicyType, "enc", map[string]any{"type": "encryption",
		"policy": `{"Rules":[{"ResourceType":"collection","Resource":["collection/kb-*"]}],"AWSOwnedKey":false,"KmsARN":"k"}`})
	other := mk(aossSecurityPolicyType, "other", map[string]any{"type": "encryption",
		"policy": `{"Rules":[{"ResourceType":"collection","Resource":["collection/logs"]}],"AWSOwnedKey":false,"KmsARN":"k"}`})
	collection := mk(aossCollectionType, "c", map[string]any{"name": "kb-dev"})
	after := collection
	after.Dependencies = []string{enc.URN}
	runStackCases(t, "aoss-collection-encryption-policy-first", []stackCase{
		{name: "depends on its policy", rs: []Resource{enc, other, after}},
		{name: "created alongside", rs: []Resource{enc, collection}, want: []Finding{{collection.URN, "the encryption policy enc matches collection/kb-dev but the collection does not depend on it"}}},
		{name: "policy elsewhere", rs: []Resource{other, collection}},
		{name: "name unknown", rs: []Resource{enc, mk(aossCollectionType, "c", map[string]any{"name": computed})}},
	})
}

func TestGuardrailDeployRules(t *testing.T) {
	g := func(props map[string]any) Resource { return mk(bedrockGuardrailType, "g", props) }
	filter := func(out string) map[string]any {
		return map[string]any{"contentPolicyConfig": map[string]any{"filtersConfigs": []any{
			map[string]any{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"},
			map[string]any{"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": out}}}}
	}
	runRuleCases(t, "bedrock-guardrail-prompt-attack-input-only", []ruleCase{
		{name: "input only", r: g(filter("NONE"))},
		{name: "on output", r: g(filter("LOW")), want: []string{"filtersConfigs[1] PROMPT_ATTACK has outputStrength LOW"}},
		{name: "unknown", r: g(map[string]any{"contentPolicyConfig": computed})},
	})
	many := func(n int, item func(int) any) []any {
		var out []any
		for i := range n {
			out = append(out, item(i))
		}
		return out
	}
	topic := func(def string, examples int) any {
		return map[string]any{"name": "t", "type": "DENY", "definition": def, "examples": many(examples, func(int) any { return "e" })}
	}
	runRuleCases(t, "bedrock-guardrail-limits", []ruleCase{
		{name: "within", r: g(map[string]any{"name": "ml-platform-dev", "blockedInputMessaging": "No.",
			"topicPolicyConfig": map[string]any{"topicsConfigs": []any{topic("d", 5)}},
			"sensitiveInformationPolicyConfig": map[string]any{"regexesConfigs": many(10, func(i int) any {
				return map[string]any{"name": fmt.Sprint(i), "pattern": "x", "action": "BLOCK"}
			})}})},
		{name: "bad name", r: g(map[string]any{"name": "ml platform"}), want: []string{`name "ml platform" is not 1 to 50`}},
		{name: "long message", r: g(map[string]any{"blockedOutputsMessaging": strings.Repeat("x", 501)}), want: []string{"blockedOutputsMessaging is 501 characters, above 500"}},
		{name: "31 topics", r: g(map[string]any{"topicPolicyConfig": map[string]any{"topicsConfigs": many(31, func(int) any { return topic("d", 0) })}}),
			want: []string{"31 denied topics, above 30"}},
		{name: "long definition", r: g(map[string]any{"topicPolicyConfig": map[string]any{"topicsConfigs": []any{topic(strings.Repeat("d", 201), 0)}}}),
			want: []string{"topicsConfigs[0].definition is 201 characters, above 200"}},
		{name: "six examples", r: g(map[string]any{"topicPolicyConfig": map[string]any{"topicsConfigs": []any{topic("d", 6)}}}),
			want: []string{"topicsConfigs[0] has 6 examples, above 5"}},
		{name: "11 regexes", r: g(map[string]any{"sensitiveInformationPolicyConfig": map[string]any{"regexesConfigs": many(11, func(i int) any {
			return map[string]any{"name": fmt.Sprint(i), "pattern": "x", "action": "BLOCK"}
		})}}), want: []string{"11 regexes, above 10"}},
		{name: "long word", r: g(map[string]any{"wordPolicyConfig": map[string]any{"wordsConfigs": []any{map[string]any{"text": strings.Repeat("w", 101)}}}}),
			want: []string{"wordsConfigs[0].text is 101 characters, above 100"}},
		{name: "unknown", r: g(map[string]any{"name": computed, "topicPolicyConfig": computed})},
	})
}

func TestInvocationLoggingProd(t *testing.T) {
	guardrail := mk(bedrockGuardrailType, "g", map[string]any{"tags": envTags("prod")})
	devGuardrail := mk(bedrockGuardrailType, "g", map[string]any{"tags": envTags("dev")})
	logging := func(cfg any) Resource { return mk(bedrockInvocationLogType, "l", map[string]any{"loggingConfig": cfg}) }
	full := map[string]any{"textDataDeliveryEnabled": true, "s3Config": map[string]any{"bucketName": "b"},
		"cloudwatchConfig": map[string]any{"logGroupName": "g"}}
	s3Only := map[string]any{"textDataDeliveryEnabled": true, "s3Config": map[string]any{"bucketName": "b"}}
	runStackCases(t, "bedrock-invocation-logging-prod", []stackCase{
		{name: "both destinations", rs: []Resource{guardrail, logging(full)}},
		{name: "none", rs: []Resource{guardrail}, want: []Finding{{guardrail.URN, "no aws:bedrockmodel/invocationLoggingConfiguration in the stack"}}},
		{name: "S3 only", rs: []Resource{guardrail, logging(s3Only)}, want: []Finding{{guardrail.URN, "model invocation logging lacks cloudwatchConfig"}}},
		{name: "text off", rs: []Resource{guardrail, logging(map[string]any{"textDataDeliveryEnabled": false, "s3Config": map[string]any{},
			"cloudwatchConfig": map[string]any{}})}, want: []Finding{{guardrail.URN, "lacks text delivery"}}},
		{name: "dev", rs: []Resource{devGuardrail}},
		{name: "config unknown", rs: []Resource{guardrail, logging(computed)}},
		{name: "no Bedrock", rs: []Resource{logging(s3Only)}},
	})
}

func TestStreamOutputScannedProd(t *testing.T) {
	doc := func(statements string) map[string]property.Value {
		return map[string]property.Value{"policy": property.New(`{"Version":"2012-10-17","Statement":[` + statements + `]}`),
			"tags": tagValue(with(fullTags(), "Environment", envProd))}
	}
	allow := `{"Effect":"Allow","Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],"Resource":"*"}`
	runRuleCases(t, "bedrock-stream-output-scanned-prod", []ruleCase{
		{name: "invoke only", r: res(iamPolicyType, "p", doc(`{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}`))},
		{name: "streaming allowed", r: res(iamPolicyType, "p", doc(allow)),
			want: []string{"allows bedrock:InvokeModelWithResponseStream: in asynchronous streaming mode output reaches callers"}},
		{name: "streaming allowed then denied", r: res(iamPolicyType, "p", doc(allow+`,{"Sid":"DenyStreaming","Effect":"Deny","Action":"bedrock:InvokeModelWithResponseStream","Resource":"*"}`))},
	})
}
