package config

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/spec"
)

func parseBR(t *testing.T, stack string, br map[string]any) (*Stack, error) {
	t.Helper()
	return Parse("ml-platform", stack, with(base(), KeyBedrock, obj(br)))
}

// bedrockObj is a minimal ml-platform:bedrock with one model, plus the given keys.
func bedrockObj(m map[string]any) map[string]any {
	out := map[string]any{"models": []string{"amazon.nova-lite-v1:0"}}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestBedrockOffByDefault(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.False(t, s.Bedrock.Enabled)
	require.NotContains(t, s.Network.InterfaceEndpoints, "bedrock-agent")
}

func TestBedrockDefaults(t *testing.T) {
	s, err := parseBR(t, "dev", bedrockObj(nil))
	require.NoError(t, err)
	b := s.Bedrock
	require.True(t, b.Enabled)
	require.Equal(t, []spec.ContentFilter{{Type: "HATE", Input: "HIGH", Output: "HIGH"}, {Type: "INSULTS", Input: "MEDIUM", Output: "MEDIUM"}, {Type: "MISCONDUCT", Input: "HIGH", Output: "HIGH"},
		{Type: "PROMPT_ATTACK", Input: "HIGH", Output: "NONE"}, {Type: "SEXUAL", Input: "HIGH", Output: "HIGH"}, {Type: "VIOLENCE", Input: "HIGH", Output: "HIGH"}}, b.Guardrail.ContentFilters, "the seed's strengths")
	require.Len(t, b.Guardrail.DeniedTopics, 2)
	require.Equal(t, []string{"PROFANITY"}, b.Guardrail.ManagedWordLists)
	require.Contains(t, b.Guardrail.PII, spec.PII{Type: "US_SOCIAL_SECURITY_NUMBER", Action: "BLOCK"})
	require.Contains(t, b.Guardrail.PII, spec.PII{Type: "EMAIL", Action: "ANONYMIZE"})
	require.Equal(t, "api-key", b.Guardrail.Regexes[0].Name)
	require.Equal(t, 0.75, b.Guardrail.GroundingThreshold)
	require.Nil(t, b.InvocationLogging, "the account's one logging configuration belongs to prod")
	require.Equal(t, BedrockApplication{Namespace: "ml-inference", ServiceAccount: "bedrock-client"}, b.Application)
	require.Nil(t, b.KnowledgeBase, "off by default")
	require.Empty(t, b.ProvisionedThroughput)

	prod, err := parseBR(t, "prod", bedrockObj(nil))
	require.NoError(t, err)
	require.Equal(t, &InvocationLogging{Text: true, RetentionDays: 365}, prod.Bedrock.InvocationLogging, "prod owns it: on, text only")

	// A dev stack in an account of its own owns its logging.
	own, err := parseBR(t, "dev", bedrockObj(map[string]any{"invocationLogging": map[string]any{"owner": true}}))
	require.NoError(t, err)
	require.Equal(t, &InvocationLogging{Text: true, RetentionDays: 30}, own.Bedrock.InvocationLogging)
}

func TestBedrockOverrides(t *testing.T) {
	s, err := parseBR(t, "dev", bedrockObj(map[string]any{
		"models": []string{"us.anthropic.claude-sonnet-4-20250514-v1:0", "amazon.nova-lite-v1:0"},
		"guardrail": map[string]any{
			"contentFilters":     map[string]any{"INSULTS": map[string]any{"input": "HIGH", "output": "LOW"}},
			"deniedTopics":       []any{map[string]any{"name": "legal-advice", "definition": "Advice on a person's legal situation.", "examples": []string{"Can I sue my landlord?"}}},
			"words":              []string{"project-x"},
			"pii":                map[string]string{"NAME": "ANONYMIZE"},
			"regexes":            []any{map[string]any{"name": "ticket", "pattern": `TCK-\d{6}`, "action": "ANONYMIZE"}},
			"relevanceThreshold": 0,
		},
		"applicationProfiles": []any{map[string]any{"name": "support-bot", "model": "amazon.nova-lite-v1:0"}},
		"invocationLogging":   map[string]any{"owner": true, "embedding": true, "retentionDays": 90},
		"knowledgeBase": map[string]any{"dimensions": 512, "chunking": "SEMANTIC", "indexCreated": true,
			"indexAdminRoleArns": []string{"arn:aws:iam::123456789012:role/search-admin"}},
		"provisionedThroughput": []any{map[string]any{"name": "nova-pt", "model": "amazon.nova-lite-v1:0", "units": 1, "commitment": "OneMonth"}},
	}))
	require.NoError(t, err)
	b := s.Bedrock
	require.Equal(t, []string{"amazon.nova-lite-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0"}, b.Models, "sorted")
	require.Contains(t, b.Guardrail.ContentFilters, spec.ContentFilter{Type: "INSULTS", Input: "HIGH", Output: "LOW"})
	require.Equal(t, []spec.DeniedTopic{{Name: "legal-advice", Definition: "Advice on a person's legal situation.", Examples: []string{"Can I sue my landlord?"}}}, b.Guardrail.DeniedTopics, "replaces the defaults")
	require.Equal(t, []spec.PII{{Type: "NAME", Action: "ANONYMIZE"}}, b.Guardrail.PII)
	require.Zero(t, b.Guardrail.RelevanceThreshold, "0 turns the check off")
	require.Equal(t, &InvocationLogging{Text: true, Embedding: true, RetentionDays: 90}, b.InvocationLogging)
	require.Equal(t, &KnowledgeBase{EmbeddingModel: "amazon.titan-embed-text-v2:0", Dimensions: 512, Prefix: "knowledge-base/",
		Chunking: "SEMANTIC", MaxTokens: 300, OverlapPercent: 20, IndexName: "bedrock-knowledge-base-index", IndexCreated: true,
		IndexAdminRoleARNs: []string{"arn:aws:iam::123456789012:role/search-admin"}}, b.KnowledgeBase)
	require.Contains(t, s.Network.InterfaceEndpoints, "bedrock-agent", "a knowledge base adds the agent endpoints")
	require.Contains(t, s.Network.InterfaceEndpoints, "bedrock-agent-runtime")
	require.Equal(t, []ProvisionedThroughput{{Name: "nova-pt", Model: "amazon.nova-lite-v1:0", Units: 1, Commitment: "OneMonth"}}, b.ProvisionedThroughput)

	// The cluster's admins create the index unless others are named.
	prod, err := Parse("ml-platform", "prod", with(base(), KeyBedrock, obj(bedrockObj(map[string]any{"knowledgeBase": map[string]any{}})),
		KeyCluster, clusterObj(map[string]any{"adminRoleArns": []string{"arn:aws:iam::123456789012:role/platform-admin"}})))
	require.NoError(t, err)
	require.Equal(t, []string{"arn:aws:iam::123456789012:role/platform-admin"}, prod.Bedrock.KnowledgeBase.IndexAdminRoleARNs)
	require.True(t, prod.Bedrock.KnowledgeBase.StandbyReplicas, "prod keeps standby replicas")
	require.False(t, prod.Bedrock.KnowledgeBase.IndexCreated, "the index comes after the collection")
}

func TestBedrockErrors(t *testing.T) {
	g := func(m map[string]any) map[string]any { return bedrockObj(map[string]any{"guardrail": m}) }
	tests := []struct {
		name, stack string
		br          map[string]any
		want        string
	}{
		{"unknown filter type", "dev", g(map[string]any{"contentFilters": map[string]any{"GORE": map[string]any{"input": "HIGH"}}}),
			"ml-platform:bedrock.guardrail.contentFilters.GORE: unknown filter type; allowed: HATE, INSULTS, MISCONDUCT, PROMPT_ATTACK, SEXUAL, VIOLENCE"},
		{"unknown strength", "dev", g(map[string]any{"contentFilters": map[string]any{"HATE": map[string]any{"input": "EXTREME"}}}),
			`ml-platform:bedrock.guardrail.contentFilters.HATE.input: "EXTREME"; allowed: HIGH, LOW, MEDIUM, NONE`},
		{"prompt attack on output", "dev", g(map[string]any{"contentFilters": map[string]any{"PROMPT_ATTACK": map[string]any{"output": "HIGH"}}}),
			`ml-platform:bedrock.guardrail.contentFilters.PROMPT_ATTACK.output: "HIGH": prompt attacks are filtered on input only`},
		{"filter off in prod", "prod", g(map[string]any{"contentFilters": map[string]any{"SEXUAL": map[string]any{"input": "NONE"}}}),
			`ml-platform:bedrock.guardrail.contentFilters.SEXUAL.input: "NONE" is weaker than prod allows`},
		{"unknown PII type", "dev", g(map[string]any{"pii": map[string]string{"SSN": "BLOCK"}}),
			"ml-platform:bedrock.guardrail.pii.SSN: unknown PII entity type; allowed: ADDRESS, AGE,"},
		{"PII action", "dev", g(map[string]any{"pii": map[string]string{"EMAIL": "MASK"}}),
			`ml-platform:bedrock.guardrail.pii.EMAIL: "MASK"; allowed: "ANONYMIZE", "BLOCK"`},
		{"invalid regex", "dev", g(map[string]any{"regexes": []any{map[string]any{"name": "bad", "pattern": "([a-z]", "action": "BLOCK"}}}),
			`ml-platform:bedrock.guardrail.regexes[0].pattern: "([a-z]" is not a valid pattern (error parsing regexp: missing closing )`},
		{"regex action", "dev", g(map[string]any{"regexes": []any{map[string]any{"name": "x", "pattern": "x", "action": "DROP"}}}),
			`ml-platform:bedrock.guardrail.regexes[0].action: "DROP"; allowed: "ANONYMIZE", "BLOCK"`},
		{"topic definition too long", "dev", g(map[string]any{"deniedTopics": []any{map[string]any{"name": "x", "definition": string(make([]byte, 201))}}}),
			"ml-platform:bedrock.guardrail.deniedTopics[0].definition: 201 characters; allowed: 1 to 200"},
		{"too many examples", "dev", g(map[string]any{"deniedTopics": []any{map[string]any{"name": "x", "definition": "d",
			"examples": []string{"a", "b", "c", "d", "e", "f"}}}}),
			"ml-platform:bedrock.guardrail.deniedTopics[0].examples: 6 examples; allowed: at most 5"},
		{"managed list", "dev", g(map[string]any{"managedWordLists": []string{"SLURS"}}),
			`ml-platform:bedrock.guardrail.managedWordLists[0]: "SLURS"; allowed: PROFANITY`},
		{"grounding threshold", "dev", g(map[string]any{"groundingThreshold": 1.0}),
			"ml-platform:bedrock.guardrail.groundingThreshold: 1 is outside the allowed 0 (off) to 0.99"},
		{"unknown model", "dev", bedrockObj(map[string]any{"models": []string{"openai.gpt-9"}}),
			`ml-platform:bedrock.models[0]: "openai.gpt-9" is not a text model or profile the catalog has in us-east-1; allowed: amazon.nova-lite-v1:0,`},
		{"profile of another geography", "dev", bedrockObj(map[string]any{"models": []string{"eu.amazon.nova-lite-v1:0"}}),
			`ml-platform:bedrock.models[0]: "eu.amazon.nova-lite-v1:0" is not a text model or profile the catalog has in us-east-1`},
		{"embedding model for chat", "dev", bedrockObj(map[string]any{"models": []string{"amazon.titan-embed-text-v2:0"}}),
			`"amazon.titan-embed-text-v2:0" is not a text model`},
		{"no models", "dev", bedrockObj(map[string]any{"models": []string{}}), "ml-platform:bedrock.models: at least one model"},
		{"profile of an unlisted model", "dev", bedrockObj(map[string]any{"applicationProfiles": []any{map[string]any{"name": "bot", "model": "amazon.nova-pro-v1:0"}}}),
			`ml-platform:bedrock.applicationProfiles[0].model: "amazon.nova-pro-v1:0" is not one of models; allowed: amazon.nova-lite-v1:0`},
		{"logging off in prod", "prod", bedrockObj(map[string]any{"invocationLogging": map[string]any{"enabled": false}}),
			"ml-platform:bedrock.invocationLogging.enabled: false is weaker than prod allows"},
		{"logging nothing", "dev", bedrockObj(map[string]any{"invocationLogging": map[string]any{"owner": true, "text": false}}),
			"ml-platform:bedrock.invocationLogging: delivers nothing"},
		{"logging without owning it", "dev", bedrockObj(map[string]any{"invocationLogging": map[string]any{"embedding": true}}),
			"ml-platform:bedrock.invocationLogging.owner: false: model invocation logging is one configuration per account and region, owned by one stack (prod by default)"},
		{"prod not owning", "prod", bedrockObj(map[string]any{"invocationLogging": map[string]any{"owner": false}}),
			"ml-platform:bedrock.invocationLogging.owner: false is weaker than prod allows"},
		{"log retention", "dev", bedrockObj(map[string]any{"invocationLogging": map[string]any{"owner": true, "retentionDays": 45}}),
			"ml-platform:bedrock.invocationLogging.retentionDays: 45 is not a CloudWatch Logs retention"},
		{"embedding model", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"embeddingModel": "amazon.nova-lite-v1:0"}}),
			`ml-platform:bedrock.knowledgeBase.embeddingModel: "amazon.nova-lite-v1:0" is not an embedding model the catalog has in us-east-1; allowed: amazon.titan-embed-text-v2:0,`},
		{"dimensions", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"dimensions": 768}}),
			"ml-platform:bedrock.knowledgeBase.dimensions: 768 is not a vector size of amazon.titan-embed-text-v2:0; allowed: 1024, 512, 256"},
		{"chunking", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"chunking": "PARAGRAPH"}}),
			`ml-platform:bedrock.knowledgeBase.chunking: "PARAGRAPH"; allowed: "FIXED_SIZE", "HIERARCHICAL", "NONE", "SEMANTIC"`},
		{"overlap", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"overlapPercent": 100}}),
			"ml-platform:bedrock.knowledgeBase.overlapPercent: 100 is outside the allowed 1 to 99"},
		{"prefix", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"prefix": "/docs"}}),
			`ml-platform:bedrock.knowledgeBase.prefix: "/docs" must be a key prefix ending in /`},
		{"no standby in prod", "prod", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"standbyReplicas": false}}),
			"ml-platform:bedrock.knowledgeBase.standbyReplicas: false is weaker than prod allows"},
		{"throughput model", "dev", bedrockObj(map[string]any{"provisionedThroughput": []any{map[string]any{"name": "pt", "model": "us.amazon.nova-lite-v1:0", "units": 1}}}),
			`ml-platform:bedrock.provisionedThroughput[0].model: "us.amazon.nova-lite-v1:0" is not a base model ID in the catalog`},
		{"throughput commitment", "dev", bedrockObj(map[string]any{"provisionedThroughput": []any{map[string]any{"name": "pt", "model": "amazon.nova-lite-v1:0", "units": 1, "commitment": "OneYear"}}}),
			`ml-platform:bedrock.provisionedThroughput[0].commitment: "OneYear"; allowed: "" (none), "OneMonth", "SixMonths"`},
		{"service account", "dev", bedrockObj(map[string]any{"application": map[string]any{"serviceAccount": "Bedrock_Client"}}),
			`ml-platform:bedrock.application.serviceAccount: "Bedrock_Client" is not a Kubernetes name`},
		{"no index admin", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{}}),
			"ml-platform:bedrock.knowledgeBase.indexAdminRoleArns: required (or ml-platform:cluster.adminRoleArns)"},
		{"index admin not a role", "dev", bedrockObj(map[string]any{"knowledgeBase": map[string]any{"indexAdminRoleArns": []string{"admin"}}}),
			`ml-platform:bedrock.knowledgeBase.indexAdminRoleArns[0]: "admin" is not an IAM role ARN`},
		{"typo", "dev", bedrockObj(map[string]any{"guardrail": map[string]any{"contentFilter": map[string]any{}}}),
			"ml-platform:bedrock.guardrail.contentFilter: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseBR(t, tt.stack, tt.br)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}
