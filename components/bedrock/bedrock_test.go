package bedrock_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/testkit"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
)

const (
	dataKey = "arn:aws:kms:us-east-1:123456789012:key/data"
	logsKey = "arn:aws:kms:us-east-1:123456789012:key/logs"
)

var testTags = map[string]string{"Project": "ml-platform", "Environment": "dev"}

func objects(m resource.PropertyMap, path ...string) []resource.PropertyMap {
	for _, k := range path[:len(path)-1] {
		m = mock.Object(m, k)
	}
	var out []resource.PropertyMap
	for _, v := range mock.Array(m, path[len(path)-1]) {
		out = append(out, v.ObjectValue())
	}
	return out
}

func spec() bedrock.GuardrailSpec {
	return bedrock.GuardrailSpec{
		ContentFilters: []bedrock.ContentFilter{{Type: "HATE", Input: "HIGH", Output: "HIGH"}, {Type: "INSULTS", Input: "MEDIUM", Output: "MEDIUM"}, {Type: "PROMPT_ATTACK", Input: "HIGH", Output: "NONE"}},
		DeniedTopics: []bedrock.DeniedTopic{{Name: "financial-advice", Definition: "Investment recommendations.",
			Examples: []string{"Which stocks should I buy?"}}},
		Words: []string{"project-x"}, ManagedWordLists: []string{"PROFANITY"},
		PII:                []bedrock.PII{{Type: "EMAIL", Action: "ANONYMIZE"}, {Type: "US_SOCIAL_SECURITY_NUMBER", Action: "BLOCK"}},
		Regexes:            []bedrock.Regex{{Name: "api-key", Pattern: `key=[A-Za-z0-9]{16,}`, Action: "BLOCK", Description: "keys"}},
		GroundingThreshold: 0.75, BlockedInputMessage: "No.", BlockedOutputMessage: "Withheld.",
	}
}

// versionARN receives the guardrail component's VersionARN.
var versionARN string

func buildGuardrail(t *testing.T, s bedrock.GuardrailSpec) (*mock.Recorder, error) {
	t.Helper()
	return testkit.Run(t, func(ctx *pulumi.Context) error {
		g, err := bedrock.NewGuardrail(ctx, "guardrail", &bedrock.GuardrailArgs{Name: "ml-platform-test", Spec: s,
			KMSKeyARN: pulumi.String(dataKey), Tags: testTags})
		if err == nil {
			g.VersionARN.ApplyT(func(v string) string { versionARN = v; return v })
		}
		return err
	})
}

// TestGuardrailCarriesEveryPolicy: each filter, topic, word, PII entity
// and regex of the definition reaches the guardrail's inputs.
func TestGuardrailCarriesEveryPolicy(t *testing.T) {
	rec, err := buildGuardrail(t, spec())
	require.NoError(t, err)
	g := testkit.One(t, rec, "aws:bedrock/guardrail:Guardrail")
	require.Equal(t, dataKey, mock.String(g.Inputs, "kmsKeyArn"))
	require.Equal(t, "No.", mock.String(g.Inputs, "blockedInputMessaging"))
	require.Equal(t, "Withheld.", mock.String(g.Inputs, "blockedOutputsMessaging"))
	var filters []string
	for _, f := range objects(g.Inputs, "contentPolicyConfig", "filtersConfigs") {
		filters = append(filters, mock.String(f, "type")+":"+mock.String(f, "inputStrength")+":"+mock.String(f, "outputStrength"))
	}
	require.Equal(t, []string{"HATE:HIGH:HIGH", "INSULTS:MEDIUM:MEDIUM", "PROMPT_ATTACK:HIGH:NONE"}, filters)
	topics := objects(g.Inputs, "topicPolicyConfig", "topicsConfigs")
	require.Len(t, topics, 1)
	require.Equal(t, "financial-advice", mock.String(topics[0], "name"))
	require.Equal(t, "DENY", mock.String(topics[0], "type"))
	require.Equal(t, []string{"Which stocks should I buy?"}, mock.Strings(topics[0], "examples"))
	require.Equal(t, "project-x", mock.String(objects(g.Inputs, "wordPolicyConfig", "wordsConfigs")[0], "text"))
	require.Equal(t, "PROFANITY", mock.String(objects(g.Inputs, "wordPolicyConfig", "managedWordListsConfigs")[0], "type"))
	var pii []string
	for _, e := range objects(g.Inputs, "sensitiveInformationPolicyConfig", "piiEntitiesConfigs") {
		pii = append(pii, mock.String(e, "type")+":"+mock.String(e, "action"))
	}
	require.Equal(t, []string{"EMAIL:ANONYMIZE", "US_SOCIAL_SECURITY_NUMBER:BLOCK"}, pii)
	rx := objects(g.Inputs, "sensitiveInformationPolicyConfig", "regexesConfigs")
	require.Equal(t, `key=[A-Za-z0-9]{16,}`, mock.String(rx[0], "pattern"))
	grounding := objects(g.Inputs, "contextualGroundingPolicyConfig", "filtersConfigs")
	require.Len(t, grounding, 1, "relevance 0 is off")
	require.Equal(t, "GROUNDING", mock.String(grounding[0], "type"))
	require.Equal(t, 0.75, grounding[0]["threshold"].NumberValue())
}

// TestGuardrailVersionFollowsTheDefinition: the published version names
// the guardrail and the definition's digest, so a change publishes anew.
func TestGuardrailVersionFollowsTheDefinition(t *testing.T) {
	rec, err := buildGuardrail(t, spec())
	require.NoError(t, err)
	g := testkit.One(t, rec, "aws:bedrock/guardrail:Guardrail")
	v := testkit.One(t, rec, "aws:bedrock/guardrailVersion:GuardrailVersion")
	require.Equal(t, mock.String(g.Outputs, "guardrailArn"), mock.String(v.Inputs, "guardrailArn"))
	require.Contains(t, v.Dependencies, g.URN)
	require.Equal(t, "definition "+spec().Digest(), mock.String(v.Inputs, "description"))

	changed := spec()
	changed.ContentFilters[1].Input = "HIGH"
	require.NotEqual(t, spec().Digest(), changed.Digest(), "a changed definition changes the version")
	require.Equal(t, spec().Digest(), spec().Digest(), "and an unchanged one keeps it")

	require.Equal(t, mock.String(g.Outputs, "guardrailArn")+":"+mock.String(v.Outputs, "version"), versionARN,
		"the value of bedrock:GuardrailIdentifier: the guardrail's ARN and the version's number")
	require.True(t, v.RetainOnDelete, "a replaced version stays: running clients still pass it")
	require.True(t, v.Inputs["skipDestroy"].BoolValue())

	_, err = buildGuardrail(t, bedrock.GuardrailSpec{BlockedInputMessage: "a", BlockedOutputMessage: "b"})
	require.ErrorContains(t, err, "the definition sets no policy")
}

func TestInvocationLoggingHasBothDestinationsEncrypted(t *testing.T) {
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := bedrock.NewInvocationLogging(ctx, "logging", &bedrock.InvocationLoggingArgs{
			Prefix: "ml-platform-test", Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
			BucketName: "artifacts", KeyPrefix: "bedrock-invocation-logs/", LogsKeyARN: pulumi.String(logsKey), RetentionDays: 365,
			Text: true, Embedding: true, Protect: true, Tags: testTags,
		})
		return err
	})
	require.NoError(t, err)
	group := testkit.One(t, rec, "aws:cloudwatch/logGroup:LogGroup")
	require.Equal(t, logsKey, mock.String(group.Inputs, "kmsKeyId"))
	require.EqualValues(t, 365, group.Inputs["retentionInDays"].NumberValue())
	require.True(t, group.Protect && group.RetainOnDelete, "prod keeps its audit trail")
	cfg := mock.Object(testkit.One(t, rec, "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration").Inputs, "loggingConfig")
	require.Equal(t, "artifacts", mock.String(mock.Object(cfg, "s3Config"), "bucketName"))
	require.Equal(t, "bedrock-invocation-logs", mock.String(mock.Object(cfg, "s3Config"), "keyPrefix"))
	cw := mock.Object(cfg, "cloudwatchConfig")
	require.Equal(t, "/aws/bedrock/ml-platform-test/model-invocations", mock.String(cw, "logGroupName"))
	role := testkit.One(t, rec, "aws:iam/role:Role")
	require.Equal(t, mock.String(role.Outputs, "arn"), mock.String(cw, "roleArn"))
	require.Equal(t, "bedrock-invocation-logs/large", mock.String(mock.Object(cw, "largeDataDeliveryS3Config"), "keyPrefix"))
	require.True(t, cfg["textDataDeliveryEnabled"].BoolValue())
	require.True(t, cfg["embeddingDataDeliveryEnabled"].BoolValue())
	require.False(t, cfg["imageDataDeliveryEnabled"].BoolValue())

	var trust, policy iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(role.Inputs, "assumeRolePolicy")), &trust))
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:*"}, trust.Statement[0].Condition["ArnLike"]["aws:SourceArn"])
	require.Equal(t, []string{mock.AccountID}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"])
	rp := testkit.One(t, rec, "aws:iam/rolePolicy:RolePolicy")
	require.NoError(t, json.Unmarshal([]byte(mock.String(rp.Inputs, "policy")), &policy))
	require.Equal(t, []string{"arn:aws:logs:us-east-1:123456789012:log-group:/aws/bedrock/ml-platform-test/model-invocations:log-stream:*"},
		policy.Statement[0].Resource, "that log group only")
	require.Contains(t, testkit.One(t, rec, "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration").Dependencies, rp.URN,
		"Bedrock validates the role when logging is configured")
	require.Equal(t, "bedrock-invocation-logs/*", bedrock.DeliveryPrefix("bedrock-invocation-logs/"))
}

func scope(models ...string) bedrock.InvokeScope {
	return bedrock.InvokeScope{Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, Models: models,
		ExtraARNs:           []string{"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"},
		GuardrailARN:        "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1",
		GuardrailVersionARN: "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:3", GuardrailKeyARN: dataKey, Streaming: true}
}

// TestInvokePolicyNamesOnlyTheConfiguredModels: the application may invoke
// the configured models, profiles and profile copies, only with the
// guardrail's version, and nothing without it.
func TestInvokePolicyNamesOnlyTheConfiguredModels(t *testing.T) {
	doc := bedrock.InvokePolicy(scope("amazon.nova-lite-v1:0", "us.anthropic.claude-sonnet-4-20250514-v1:0", "global.anthropic.claude-sonnet-4-20250514-v1:0"))
	golden.AssertJSON(t, "invoke-policy.json", doc.JSON())
	byID := map[string]iamdoc.Statement{}
	for _, st := range doc.Statement {
		byID[st.Sid] = st
	}
	invoke := byID["InvokeTheModelsWithTheGuardrail"]
	require.Equal(t, []string{
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
		"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
	}, invoke.Resource)
	require.Equal(t, []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}, invoke.Action, "Converse is authorized by these")
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:2", "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:3"},
		invoke.Condition["StringEquals"]["bedrock:GuardrailIdentifier"], "the current version and the one before it, for clients rolling over")

	dest := byID["ProfilesReachTheirDestinationRegions"]
	require.Equal(t, []string{"arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0",
		"arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0"}, dest.Resource, "any destination Region; global's Region-less form")
	require.Equal(t, []string{
		"arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/*",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-20250514-v1:0",
		"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
	}, dest.Condition["StringLike"]["bedrock:InferenceProfileArn"], "only through the profiles and this account's copies of them")
	require.NotEmpty(t, dest.Condition["StringEquals"]["bedrock:GuardrailIdentifier"])

	deny := byID["DenyInvokingWithoutTheGuardrail"]
	require.Equal(t, "Deny", deny.Effect)
	require.Equal(t, []string{"*"}, deny.Resource)
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:2", "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:3"},
		deny.Condition["StringNotEquals"]["bedrock:GuardrailIdentifier"])
	_, denyStream := byID["DenyStreaming"]
	require.False(t, denyStream, "streaming allowed")

	// Without streaming: InvokeModel only, and streaming explicitly denied
	// (its asynchronous mode returns unscanned output).
	noStream := scope("amazon.nova-lite-v1:0")
	noStream.Streaming = false
	ns := map[string]iamdoc.Statement{}
	for _, st := range bedrock.InvokePolicy(noStream).Statement {
		ns[st.Sid] = st
	}
	require.Equal(t, []string{"bedrock:InvokeModel"}, ns["InvokeTheModelsWithTheGuardrail"].Action)
	require.Equal(t, []string{bedrock.StreamAction}, ns["DenyStreaming"].Action)
	require.Equal(t, "Deny", ns["DenyStreaming"].Effect)
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1"}, byID["ApplyTheGuardrail"].Resource)
	require.Equal(t, []string{dataKey}, byID["DecryptTheGuardrail"].Resource)
	for _, st := range doc.Statement {
		if st.Effect == "Allow" {
			require.NotContains(t, st.Resource, "*", st.Sid)
		}
	}

	// With a knowledge base: Retrieve on it, nothing more.
	withKB := scope("amazon.nova-lite-v1:0")
	withKB.KnowledgeBaseARN = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB1"
	var retrieve []string
	for _, st := range bedrock.InvokePolicy(withKB).Statement {
		if st.Sid == "RetrieveFromTheKnowledgeBase" {
			require.Equal(t, []string{"bedrock:Retrieve"}, st.Action, "not RetrieveAndGenerate, which skips the guardrail")
			retrieve = st.Resource
		}
	}
	require.Equal(t, []string{withKB.KnowledgeBaseARN}, retrieve)

	// Base models only: no destination statement.
	for _, st := range bedrock.InvokePolicy(scope("amazon.nova-lite-v1:0")).Statement {
		require.NotEqual(t, "ProfilesReachTheirDestinationRegions", st.Sid)
	}
}

func TestAccess(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["pods.eks.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := bedrock.NewAccess(ctx, "access", &bedrock.AccessArgs{
			Name: "ml-platform-test-bedrock-app", Scope: scope("amazon.nova-lite-v1:0"),
			GuardrailARN: pulumi.String("arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1"), GuardrailVersionARN: pulumi.String("arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1:1"),
			GuardrailKeyARN: pulumi.String(dataKey), ClusterName: pulumi.String("ml-platform-test"), Namespace: "ml-inference",
			ServiceAccount: "bedrock-client", TrustPolicy: trust, Tags: testTags,
		})
		return err
	})
	require.NoError(t, err)
	policy := testkit.One(t, rec, "aws:iam/policy:Policy")
	require.Contains(t, mock.String(policy.Inputs, "policy"), "DenyInvokingWithoutTheGuardrail")
	role := testkit.One(t, rec, "aws:iam/role:Role")
	require.JSONEq(t, trust, mock.String(role.Inputs, "assumeRolePolicy"))
	att := testkit.One(t, rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
	require.Equal(t, mock.String(policy.Outputs, "arn"), mock.String(att.Inputs, "policyArn"))
	assoc := testkit.One(t, rec, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
	require.Equal(t, "ml-inference", mock.String(assoc.Inputs, "namespace"))
	require.Equal(t, "bedrock-client", mock.String(assoc.Inputs, "serviceAccount"))
	require.Equal(t, mock.String(role.Outputs, "arn"), mock.String(assoc.Inputs, "roleArn"))

	_, err = testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := bedrock.NewAccess(ctx, "access", &bedrock.AccessArgs{Name: "x", Scope: scope("openai.gpt-9"),
			GuardrailARN: pulumi.String("a"), GuardrailVersionARN: pulumi.String("a:1"), GuardrailKeyARN: pulumi.String(dataKey), TrustPolicy: trust})
		return err
	})
	require.ErrorContains(t, err, `"openai.gpt-9" is not a model or profile in the catalog`)
}

func kbArgs(indexCreated bool) *bedrock.KnowledgeBaseArgs {
	return &bedrock.KnowledgeBaseArgs{
		Name: "ml-platform-test-kb", Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		VPCID: pulumi.String("vpc-1"), VPCCIDR: "10.0.0.0/16", SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		KMSKeyARN: pulumi.String(dataKey), BucketName: "training-data", Prefix: "knowledge-base/",
		EmbeddingModel: "amazon.titan-embed-text-v2:0", Dimensions: 1024, Chunking: "FIXED_SIZE", MaxTokens: 300, OverlapPercent: 20,
		IndexName: "bedrock-knowledge-base-index", IndexCreated: indexCreated, StandbyReplicas: false,
		IndexAdminRoleARNs: []string{"arn:aws:iam::123456789012:role/platform-admin"}, Tags: testTags,
	}
}

func buildKB(t *testing.T, a *bedrock.KnowledgeBaseArgs) (*mock.Recorder, error) {
	t.Helper()
	return testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := bedrock.NewKnowledgeBase(ctx, "kb", a)
		return err
	})
}

// TestKnowledgeBaseWiring: a private, customer-keyed vector collection
// behind a VPC endpoint, a role reading one prefix, and the knowledge base
// only once the index exists.
func TestKnowledgeBaseWiring(t *testing.T) {
	rec, err := buildKB(t, kbArgs(false))
	require.NoError(t, err)
	collection := testkit.One(t, rec, "aws:opensearch/serverlessCollection:ServerlessCollection")
	require.Equal(t, "VECTORSEARCH", mock.String(collection.Inputs, "type"))
	require.Equal(t, "DISABLED", mock.String(collection.Inputs, "standbyReplicas"), "dev")
	policies := map[string]*mock.Registered{}
	for _, p := range rec.ByType("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy") {
		policies[mock.String(p.Inputs, "type")] = p
		require.Contains(t, collection.Dependencies, p.URN, "the collection waits for its %s policy", mock.String(p.Inputs, "type"))
	}
	var enc map[string]any
	require.NoError(t, json.Unmarshal([]byte(mock.String(policies["encryption"].Inputs, "policy")), &enc))
	require.Equal(t, false, enc["AWSOwnedKey"])
	require.Equal(t, dataKey, enc["KmsARN"])
	var network []map[string]any
	require.NoError(t, json.Unmarshal([]byte(mock.String(policies["network"].Inputs, "policy")), &network))
	require.Equal(t, false, network[0]["AllowFromPublic"])
	endpoint := testkit.One(t, rec, "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint")
	require.Equal(t, []any{endpoint.Outputs["id"].StringValue()}, network[0]["SourceVPCEs"])
	require.Equal(t, []any{"bedrock.amazonaws.com"}, network[0]["SourceServices"])
	require.Equal(t, []string{"subnet-a", "subnet-b"}, mock.Strings(endpoint.Inputs, "subnetIds"))

	var access []map[string]any
	require.NoError(t, json.Unmarshal([]byte(mock.String(testkit.One(t, rec, "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy").Inputs, "policy")), &access))
	require.Equal(t, []any{"arn:aws:iam::123456789012:role/ml-platform-test-kb-bedrock-kb"}, access[0]["Principal"])
	require.Equal(t, []any{"arn:aws:iam::123456789012:role/platform-admin"}, access[1]["Principal"])
	require.Contains(t, mock.String(testkit.One(t, rec, "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy").Inputs, "policy"), `"aoss:CreateIndex"`)

	role := testkit.One(t, rec, "aws:iam/role:Role")
	var trust, policy iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(role.Inputs, "assumeRolePolicy")), &trust))
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1:123456789012:knowledge-base/*"}, trust.Statement[0].Condition["ArnLike"]["aws:SourceArn"])
	require.NoError(t, json.Unmarshal([]byte(mock.String(testkit.One(t, rec, "aws:iam/rolePolicy:RolePolicy").Inputs, "policy")), &policy))
	resources := map[string][]string{}
	for _, st := range policy.Statement {
		resources[st.Sid] = st.Resource
	}
	require.Equal(t, []string{"arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"}, resources["EmbedWithTheModel"])
	require.Equal(t, []string{mock.String(collection.Outputs, "arn")}, resources["UseTheCollection"])
	require.Equal(t, []string{"arn:aws:s3:::training-data/knowledge-base/*"}, resources["ReadTheDocuments"], "the prefix only")
	require.Empty(t, rec.ByType("aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"), "no knowledge base before its index exists")

	rec, err = buildKB(t, kbArgs(true))
	require.NoError(t, err)
	kb := testkit.One(t, rec, "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")
	storage := mock.Object(mock.Object(kb.Inputs, "storageConfiguration"), "opensearchServerlessConfiguration")
	require.Equal(t, mock.String(testkit.One(t, rec, "aws:opensearch/serverlessCollection:ServerlessCollection").Outputs, "arn"), mock.String(storage, "collectionArn"))
	require.Equal(t, "bedrock-knowledge-base-index", mock.String(storage, "vectorIndexName"))
	require.Equal(t, bedrock.VectorField, mock.String(mock.Object(storage, "fieldMapping"), "vectorField"))
	vector := mock.Object(mock.Object(kb.Inputs, "knowledgeBaseConfiguration"), "vectorKnowledgeBaseConfiguration")
	require.Equal(t, "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0", mock.String(vector, "embeddingModelArn"))
	require.EqualValues(t, 1024, mock.Object(mock.Object(vector, "embeddingModelConfiguration"), "bedrockEmbeddingModelConfiguration")["dimensions"].NumberValue())
	require.Contains(t, kb.Dependencies, testkit.One(t, rec, "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy").URN)
	require.Contains(t, kb.Dependencies, testkit.One(t, rec, "aws:iam/rolePolicy:RolePolicy").URN)
	ds := testkit.One(t, rec, "aws:bedrock/agentDataSource:AgentDataSource")
	s3 := mock.Object(mock.Object(ds.Inputs, "dataSourceConfiguration"), "s3Configuration")
	require.Equal(t, "arn:aws:s3:::training-data", mock.String(s3, "bucketArn"))
	require.Equal(t, []string{"knowledge-base/"}, mock.Strings(s3, "inclusionPrefixes"))
	chunking := mock.Object(mock.Object(ds.Inputs, "vectorIngestionConfiguration"), "chunkingConfiguration")
	require.Equal(t, "FIXED_SIZE", mock.String(chunking, "chunkingStrategy"))
	require.EqualValues(t, 300, mock.Object(chunking, "fixedSizeChunkingConfiguration")["maxTokens"].NumberValue())
	require.Equal(t, dataKey, mock.String(mock.Object(ds.Inputs, "serverSideEncryptionConfiguration"), "kmsKeyArn"))

	for _, c := range []struct{ chunking, field string }{{"SEMANTIC", "semanticChunkingConfiguration"}, {"HIERARCHICAL", "hierarchicalChunkingConfiguration"}} {
		a := kbArgs(true)
		a.Chunking = c.chunking
		rec, err = buildKB(t, a)
		require.NoError(t, err)
		ingestion := mock.Object(mock.Object(testkit.One(t, rec, "aws:bedrock/agentDataSource:AgentDataSource").Inputs, "vectorIngestionConfiguration"), "chunkingConfiguration")
		require.NotEmpty(t, mock.Object(ingestion, c.field), "%s takes its required settings", c.chunking)
	}

	bad := kbArgs(true)
	bad.Name, bad.IndexAdminRoleARNs = "ML_Platform", nil
	_, err = buildKB(t, bad)
	require.ErrorContains(t, err, `Name: "ML_Platform" must be 3 to 28 lowercase letters`)
	require.ErrorContains(t, err, "IndexAdminRoleARNs: at least one role")
}

func TestIndexMapping(t *testing.T) {
	golden.AssertJSON(t, "index-mapping.json", bedrock.IndexMapping(1024))
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(bedrock.IndexMapping(512)), &m))
	vector := m["mappings"].(map[string]any)["properties"].(map[string]any)[bedrock.VectorField].(map[string]any)
	require.EqualValues(t, 512, vector["dimension"])
	require.Equal(t, "faiss", vector["method"].(map[string]any)["engine"], "Knowledge Bases refuse nmslib")
}

func TestModels(t *testing.T) {
	for _, protect := range []bool{false, true} {
		var arns []string
		rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
			m, err := bedrock.NewModels(ctx, "models", &bedrock.ModelsArgs{
				Prefix: "ml-platform-test", Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, Protect: protect, Tags: testTags,
				Profiles:   []bedrock.ApplicationProfile{{Name: "bot", Model: "amazon.nova-lite-v1:0"}, {Name: "writer", Model: "us.anthropic.claude-sonnet-4-20250514-v1:0"}},
				Throughput: []bedrock.Throughput{{Name: "nova-pt", Model: "amazon.nova-lite-v1:0", Units: 1, Commitment: "OneMonth"}},
			})
			if err == nil {
				m.ARNs.ApplyT(func(v []string) []string { arns = v; return v })
			}
			return err
		})
		require.NoError(t, err)
		sources := map[string]string{}
		for _, p := range rec.ByType("aws:bedrock/inferenceProfile:InferenceProfile") {
			sources[mock.String(p.Inputs, "name")] = mock.String(mock.Object(p.Inputs, "modelSource"), "copyFrom")
			require.Equal(t, "ml-platform", tagsOf(p)["Project"], "tagged: its use shows in cost reports")
		}
		require.Equal(t, map[string]string{
			"ml-platform-test-bot":    "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
			"ml-platform-test-writer": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
		}, sources)
		pt := testkit.One(t, rec, "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput")
		require.Equal(t, "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0", mock.String(pt.Inputs, "modelArn"))
		require.Equal(t, "OneMonth", mock.String(pt.Inputs, "commitmentDuration"))
		require.Equal(t, protect, pt.Protect)
		require.Len(t, arns, 3)
		for _, a := range arns {
			require.True(t, strings.Contains(a, ":application-inference-profile/") || strings.Contains(a, ":provisioned-model/"), a)
		}
	}
}

func tagsOf(r *mock.Registered) map[string]string {
	out := map[string]string{}
	for k, v := range mock.Object(r.Inputs, "tags") {
		out[string(k)] = v.StringValue()
	}
	return out
}

func TestPreviousVersionARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:bedrock:us-east-1:1:guardrail/g:7":     "arn:aws:bedrock:us-east-1:1:guardrail/g:6",
		"arn:aws:bedrock:us-east-1:1:guardrail/g:1":     "",
		"arn:aws:bedrock:us-east-1:1:guardrail/g:DRAFT": "",
		"": "",
	} {
		require.Equal(t, want, bedrock.PreviousVersionARN(in), in)
	}
}
