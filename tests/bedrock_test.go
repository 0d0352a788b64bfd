package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	brc "github.com/ml-platform/ml-platform/components/bedrock"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// TestBedrockInBothStacks: the guardrail carries every policy section and a
// published version; invocations are logged to both destinations, each
// encrypted; the application policy names only the configured models and
// requires the guardrail's version.
func TestBedrockInBothStacks(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			cfg := res.Config.Bedrock
			keys := res.Outputs["kmsKeyArns"].(map[string]any)
			g := byType(res, "aws:bedrock/guardrail:Guardrail")
			require.Len(t, g, 1)
			for _, section := range []string{"contentPolicyConfig", "topicPolicyConfig", "wordPolicyConfig", "sensitiveInformationPolicyConfig",
				"contextualGroundingPolicyConfig"} {
				require.NotEmpty(t, obj(g[0].Inputs, section), "the guardrail sets %s", section)
			}
			require.Equal(t, keys[platform.KeyData], str(g[0].Inputs, "kmsKeyArn"))
			require.Len(t, mock.Array(obj(g[0].Inputs, "sensitiveInformationPolicyConfig"), "piiEntitiesConfigs"), len(cfg.Guardrail.PII))
			require.Len(t, mock.Array(obj(g[0].Inputs, "topicPolicyConfig"), "topicsConfigs"), len(cfg.Guardrail.DeniedTopics))
			v := byType(res, "aws:bedrock/guardrailVersion:GuardrailVersion")
			require.Len(t, v, 1)
			require.Equal(t, str(g[0].Outputs, "guardrailArn"), str(v[0].Inputs, "guardrailArn"))
			require.Equal(t, str(g[0].Outputs, "guardrailArn")+":"+str(v[0].Outputs, "version"), res.Outputs["bedrockGuardrailVersionArn"])
			require.True(t, v[0].RetainOnDelete, "a replaced version stays for the clients still passing it")

			logging := byType(res, "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration")
			if stack == "dev" {
				// One configuration per account and region, owned by prod:
				// dev writing it would replace prod's, and destroying dev
				// would turn prod's logging off.
				require.Empty(t, logging)
				require.Nil(t, cfg.InvocationLogging)
			} else {
				checkInvocationLogging(t, res, logging)
			}

			policy := named(byType(res, "aws:iam/policy:Policy"), "bedrock-access")
			var doc iamdoc.Document
			require.NoError(t, json.Unmarshal([]byte(str(policy.Inputs, "policy")), &doc))
			for _, st := range doc.Statement {
				if st.Effect != "Allow" || !strings.HasPrefix(st.Action[0], "bedrock:Invoke") {
					continue
				}
				current := res.Outputs["bedrockGuardrailVersionArn"].(string)
				require.Equal(t, []string{brc.PreviousVersionARN(current), current}, st.Condition["StringEquals"]["bedrock:GuardrailIdentifier"], st.Sid)
				require.Equal(t, cfg.Streaming, slices.Contains(st.Action, brc.StreamAction), "%s: streaming as configured", st.Sid)
				for _, r := range st.Resource {
					require.True(t, namesConfiguredModel(r, cfg.Models), "%s names %s, which is not configured", st.Sid, r)
				}
			}
			require.True(t, hasSid(doc, "DenyInvokingWithoutTheGuardrail"))
			assoc := named(byType(res, "aws:eks/podIdentityAssociation:PodIdentityAssociation"), "bedrock-access")
			require.Equal(t, cfg.Application.Namespace, str(assoc.Inputs, "namespace"))
			sa := named(byType(res, "kubernetes:core/v1:ServiceAccount"), "bedrock-client")
			require.Equal(t, cfg.Application.ServiceAccount, str(obj(sa.Inputs, "metadata"), "name"))
			attach := named(byType(res, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "bedrock-sagemaker")
			require.NotNil(t, attach, "SageMaker reaches Bedrock through the same guardrail")
			require.Equal(t, res.Outputs["bedrockInvokePolicyArn"], str(attach.Inputs, "policyArn"))
			require.Empty(t, byType(res, "aws:opensearch/serverlessCollection:ServerlessCollection"), "the knowledge base is off by default")
		})
	}
}

// checkInvocationLogging: invocations are logged to both destinations,
// each encrypted.
func checkInvocationLogging(t *testing.T, res *offline.Result, logging []*mock.Registered) {
	t.Helper()
	keys := res.Outputs["kmsKeyArns"].(map[string]any)
	require.Len(t, logging, 1)
	lc := obj(logging[0].Inputs, "loggingConfig")
	bucket := str(obj(lc, "s3Config"), "bucketName")
	require.Contains(t, bucket, "-artifacts-", "logs go to the artifacts bucket")
	group := named(byType(res, "aws:cloudwatch/logGroup:LogGroup"), "bedrock-invocation-logging")
	require.Equal(t, str(obj(lc, "cloudwatchConfig"), "logGroupName"), str(group.Inputs, "name"))
	require.Equal(t, keys[platform.KeyLogs], str(group.Inputs, "kmsKeyId"), "the log group is encrypted")
	for _, b := range byType(res, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2") {
		if str(b.Inputs, "bucket") == bucket {
			def := obj(mock.Array(b.Inputs, "rules")[0].ObjectValue(), "applyServerSideEncryptionByDefault")
			require.Equal(t, keys[platform.KeyData], str(def, "kmsMasterKeyId"), "the bucket is encrypted with the data key")
		}
	}
	var dataKeyPolicy iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(str(named(byType(res, "aws:kms/key:Key"), "keys-data").Inputs, "policy")), &dataKeyPolicy))
	require.True(t, hasSid(dataKeyPolicy, "AllowBedrockInvocationLogsToS3"), "Bedrock may write SSE-KMS logs")
	for _, p := range byType(res, "aws:s3/bucketPolicy:BucketPolicy") {
		if strings.Contains(p.Name, "artifacts") {
			require.Contains(t, str(p.Inputs, "policy"), "BedrockModelInvocationLogs")
			require.Contains(t, logging[0].Dependencies, p.URN, "logging waits for the bucket to admit Bedrock")
		}
	}
}

func hasSid(doc iamdoc.Document, sid string) bool {
	for _, st := range doc.Statement {
		if st.Sid == sid {
			return true
		}
	}
	return false
}

// namesConfiguredModel says whether an ARN is one of the configured models,
// profiles or this stack's application profiles.
func namesConfiguredModel(arn string, models []string) bool {
	if strings.Contains(arn, ":application-inference-profile/") {
		return true
	}
	for _, m := range models {
		// A profile reaches its model in the destination Regions.
		_, base, _ := strings.Cut(m, ".")
		if strings.HasSuffix(arn, "/"+m) || (strings.Contains(arn, ":foundation-model/") && strings.HasSuffix(arn, "/"+base)) {
			return true
		}
	}
	return false
}

// TestKnowledgeBaseStack: with the knowledge base on and its index created,
// the dev plan has the collection, its policies and endpoint, the
// knowledge base and its data source, passes every mandatory policy, and
// exports what creating the index needs.
func TestKnowledgeBaseStack(t *testing.T) {
	project, values := shipped(t, "dev")
	var b map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:bedrock"]), &b))
	b["knowledgeBase"] = map[string]any{"indexAdminRoleArns": []string{"arn:aws:iam::123456789012:role/platform-admin"}}
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	values["ml-platform:bedrock"] = string(raw)

	before, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)
	require.Len(t, byType(before, "aws:opensearch/serverlessCollection:ServerlessCollection"), 1)
	require.Empty(t, byType(before, "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"), "first the collection, then the index")
	kbOut := before.Outputs["knowledgeBase"].(map[string]any)
	require.True(t, strings.HasPrefix(kbOut["collectionEndpoint"].(string), "https://"))
	require.Contains(t, kbOut["indexMapping"], `"engine":"faiss"`)

	b["knowledgeBase"].(map[string]any)["indexCreated"] = true
	raw, err = json.Marshal(b)
	require.NoError(t, err)
	values["ml-platform:bedrock"] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	for typ, n := range map[string]int{
		"aws:opensearch/serverlessCollection:ServerlessCollection":         1,
		"aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": 2,
		"aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy":     1,
		"aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint":       1,
		"aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase":                1,
		"aws:bedrock/agentDataSource:AgentDataSource":                      1,
	} {
		require.Len(t, byType(res, typ), n, typ)
	}
	ds := byType(res, "aws:bedrock/agentDataSource:AgentDataSource")[0]
	s3cfg := obj(obj(ds.Inputs, "dataSourceConfiguration"), "s3Configuration")
	require.Contains(t, str(s3cfg, "bucketArn"), "-training-data-")
	require.Contains(t, res.Config.Network.InterfaceEndpoints, "bedrock-agent-runtime", "applications retrieve through the VPC")
	require.NotEmpty(t, res.Outputs["knowledgeBase"].(map[string]any)["knowledgeBaseId"])
	kb := byType(res, "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase")[0]
	require.Contains(t, str(named(byType(res, "aws:iam/policy:Policy"), "bedrock-access").Inputs, "policy"), str(kb.Outputs, "arn"),
		"applications may Retrieve from it")
}

// TestGuardrailChangeKeepsClientsWorking: changing the guardrail publishes
// a new version; the invoke policy admits it and the one before it, the
// old version is retained, and the ConfigMap clients read names the new
// one.
func TestGuardrailChangeKeepsClientsWorking(t *testing.T) {
	before := preview(t, "prod")
	after := edited(t, "prod", config.KeyBedrock, func(b map[string]any) {
		g, _ := b["guardrail"].(map[string]any)
		if g == nil {
			g = map[string]any{}
		}
		g["words"] = []any{"competitor-x"}
		b["guardrail"] = g
	})
	version := func(res *offline.Result) string { return res.Outputs["bedrockGuardrailVersionArn"].(string) }
	require.NotEqual(t, version(before), version(after), "a new definition publishes a new version")
	require.Equal(t, false, before.Config.Bedrock.Streaming, "prod defaults to no streaming")

	v := byType(after, "aws:bedrock/guardrailVersion:GuardrailVersion")[0]
	require.True(t, v.RetainOnDelete)
	policy := named(byType(after, "aws:iam/policy:Policy"), "bedrock-access")
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(str(policy.Inputs, "policy")), &doc))
	for _, st := range doc.Statement {
		if st.Sid == "InvokeTheModelsWithTheGuardrail" {
			require.Equal(t, []string{brc.PreviousVersionARN(version(after)), version(after)}, st.Condition["StringEquals"]["bedrock:GuardrailIdentifier"])
		}
	}
	cm := named(byType(after, "kubernetes:core/v1:ConfigMap"), "bedrock-guardrail")
	require.NotNil(t, cm)
	data := obj(cm.Inputs, "data")
	_, num, _ := strings.Cut(strings.TrimPrefix(version(after), str(data, "BEDROCK_GUARDRAIL_ARN")), ":")
	require.Equal(t, num, str(data, "BEDROCK_GUARDRAIL_VERSION"), "clients read the new version")
	require.Equal(t, "false", str(data, "BEDROCK_STREAMING"))
}
