package rules

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/access"
)

const (
	accessStack = "urn:pulumi:prod::ml-platform::"
	jobsRoleARN = "arn:aws:iam::123456789012:role/p-jobs"
	dataBucket  = "p-data"
)

func planRes(typ, name string, props map[string]any, deps map[string][]string) Resource {
	return Resource{Type: typ, URN: accessStack + typ + "::" + name, Name: name,
		Properties: property.NewMap(toValues(props)), PropertyDependencies: deps}
}

func toValues(m map[string]any) map[string]property.Value {
	out := map[string]property.Value{}
	for k, v := range m {
		out[k] = toValue(v)
	}
	return out
}

func toValue(v any) property.Value {
	switch v := v.(type) {
	case map[string]any:
		return property.New(property.NewMap(toValues(v)))
	case []any:
		var arr []property.Value
		for _, e := range v {
			arr = append(arr, toValue(e))
		}
		return property.New(property.NewArray(arr))
	case property.Value:
		return v
	case string:
		return property.New(v)
	case bool:
		return property.New(v)
	}
	panic(fmt.Sprintf("toValue: %T", v))
}

// accessPlan is a role that reads a bucket through an endpoint, with a
// bucket policy that denies other endpoints, and the flow declarations.
func accessPlan(bucketPolicy any, flows ...any) []Resource {
	role := planRes("aws:iam/role:Role", "jobs", map[string]any{"name": "p-jobs",
		"assumeRolePolicy": `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}}`}, nil)
	return []Resource{
		role,
		planRes("aws:iam/rolePolicy:RolePolicy", "jobs", map[string]any{"role": "p-jobs-id",
			"policy": `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::p-data/*"}}`},
			map[string][]string{"role": {role.URN}}),
		planRes("aws:s3/bucketV2:BucketV2", "data", map[string]any{"bucket": dataBucket}, nil),
		planRes("aws:s3/bucketPolicy:BucketPolicy", "data", map[string]any{"bucket": dataBucket, "policy": bucketPolicy}, nil),
		planRes("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", map[string]any{"serviceName": "com.amazonaws.us-east-1.s3"}, nil),
		planRes(FlowsType, "flows", map[string]any{"component": "storage", "partition": "aws", "region": "us-east-1", "accountId": "123456789012",
			"bindings": []any{map[string]any{"urn": accessStack + "aws:ec2/vpcEndpoint:VpcEndpoint::s3", "value": "vpce-1"}},
			"flows":    flows}, nil),
	}
}

func flowDecl(name, expect string, vpce any) map[string]any {
	return map[string]any{"name": name, "expect": expect, "requests": []any{map[string]any{
		"principal": jobsRoleARN, "action": "s3:GetObject", "resource": "arn:aws:s3:::p-data/x",
		"context": map[string]any{"aws:SourceVpce": []any{vpce}}}}}
}

const onlyEndpoint = `{"Statement":{"Sid":"OnlyEndpoint","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::p-data","arn:aws:s3:::p-data/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}}`

func TestAccessFlowsHold(t *testing.T) {
	rule := stackRuleNamed(t, "access-flows-hold")
	// Passes: the role reads through its endpoint; another endpoint is refused.
	rs := accessPlan(onlyEndpoint, flowDecl("reads through the endpoint", "allow", "vpce-1"), flowDecl("reads elsewhere", "deny", "vpce-2"))
	require.Empty(t, rule.Check(rs, nil))
	flows := EvaluateFlows(rs)
	require.Len(t, flows, 2)
	require.Equal(t, access.Allow, flows[0].Decision)
	require.Contains(t, flows[0].Requests[0].Result.Statements[0], "role policy "+accessStack+"aws:iam/rolePolicy:RolePolicy::jobs Allow #0",
		"the role's inline policy is found by its dependency on the role")
	require.Equal(t, access.Deny, flows[1].Decision)

	// Fires: the flow that must work is denied by the bucket policy.
	rs = accessPlan(onlyEndpoint, flowDecl("reads from the service's network", "allow", "vpce-9"))
	findings := rule.Check(rs, nil)
	require.Len(t, findings, 1)
	require.Equal(t, accessStack+FlowsType+"::flows", findings[0].URN)
	require.Contains(t, findings[0].Message, `storage flow "reads from the service's network" must be allowed but is deny`)
	require.Contains(t, findings[0].Message, "OnlyEndpoint")

	// Fires: a refused flow is allowed.
	rs = accessPlan(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::p-data"}}`,
		flowDecl("reads through the endpoint", "deny", "vpce-1"))
	findings = rule.Check(rs, nil)
	require.Len(t, findings, 1)
	require.Contains(t, findings[0].Message, "must be refused but is allow")

	// Unknown: a bucket policy computed at deploy decides nothing, and the
	// rule stays quiet rather than guess.
	rs = accessPlan(property.New(property.Computed), flowDecl("reads through the endpoint", "allow", "vpce-1"))
	require.Empty(t, rule.Check(rs, nil))
	require.Equal(t, access.Undecided, EvaluateFlows(rs)[0].Decision)
}

// TestWorldFromPlan: ARNs come from inputs that name a resource they depend
// on, key aliases become kms:ResourceAliases, bucket keys are read from the
// encryption configuration, and AWS managed policies are unknown.
func TestWorldFromPlan(t *testing.T) {
	key := planRes("aws:kms/key:Key", "data", map[string]any{
		"policy": `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}}`}, nil)
	keyARN := "arn:aws:kms:us-east-1:123456789012:key/k1"
	role := planRes("aws:iam/role:Role", "r", map[string]any{"name": "r"}, nil)
	rs := []Resource{
		key, role,
		planRes("aws:kms/alias:Alias", "data", map[string]any{"name": "alias/p-data", "targetKeyId": "k1"}, map[string][]string{"targetKeyId": {key.URN}}),
		planRes("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "data", map[string]any{
			"bucket": dataBucket, "rules": []any{map[string]any{"bucketKeyEnabled": true,
				"applyServerSideEncryptionByDefault": map[string]any{"sseAlgorithm": "aws:kms", "kmsMasterKeyId": keyARN}}}},
			map[string][]string{"rules": {key.URN}}),
		planRes("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "managed", map[string]any{"role": "r",
			"policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, nil),
		planRes(FlowsType, "f", map[string]any{"accountId": "123456789012", "region": "us-east-1", "partition": "aws"}, nil),
	}
	w := NewWorld(rs)
	require.Contains(t, w.ResourcePolicies, keyARN, "the key's ARN comes from the encryption configuration that depends on it")
	require.Equal(t, []string{"alias/p-data"}, w.ResourceContext[keyARN]["kms:ResourceAliases"])
	require.Equal(t, access.BucketKey{KeyARN: keyARN, BucketKeyEnabled: true}, w.BucketKeys[dataBucket])
	r := w.Roles["arn:aws:iam::123456789012:role/r"]
	require.NotNil(t, r, "a role's ARN follows from its name")
	require.Len(t, r.Identity, 1)
	require.Contains(t, r.Identity[0].Unknown, "AWS managed policies are not modelled")
}

func stackRuleNamed(t *testing.T, name string) StackRule {
	t.Helper()
	for _, r := range StackRules() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no stack rule %s", name)
	return StackRule{}
}
