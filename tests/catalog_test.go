package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// withInference previews the dev stack in region with the inference node
// group on instanceType, without the SageMaker and Bedrock keys (their
// images and models are us-east-1's).
func withInference(t *testing.T, region, instanceType string) (*offline.Result, error) {
	t.Helper()
	project, values := shipped(t, "dev")
	delete(values, "ml-platform:sagemaker")
	delete(values, "ml-platform:bedrock")
	values[config.KeyRegion] = region
	var cluster map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:cluster"]), &cluster))
	for _, g := range cluster["nodeGroups"].([]any) {
		if g.(map[string]any)["name"] == "gpu-inference" {
			g.(map[string]any)["instanceTypes"] = []any{instanceType}
		}
	}
	raw, err := json.Marshal(cluster)
	require.NoError(t, err)
	values["ml-platform:cluster"] = string(raw)
	return offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
}

func advisories(res *offline.Result) map[string][]string {
	out := map[string][]string{}
	for _, v := range res.Violations {
		if v.EnforcementLevel == rules.Advisory {
			out[v.Policy] = append(out[v.Policy], v.Message)
		}
	}
	return out
}

// TestNewTypeInANewRegion: g6e.12xlarge in eu-west-2 plans with advisories
// at most (the catalog has not recorded it there).
func TestNewTypeInANewRegion(t *testing.T) {
	res, err := withInference(t, "eu-west-2", "g6e.12xlarge")
	require.NoError(t, err)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	require.Contains(t, strings.Join(advisories(res)["ec2-instance-type-offered-in-region"], "\n"), "g6e.12xlarge not recorded as offered in eu-west-2")
	require.Equal(t, "eu-west-2", res.Outputs["region"])
}

// TestUncataloguedTypeDeploys: a real type the catalog lacks plans, with
// its family's AMI, an advisory, and an unpriced estimate line.
func TestUncataloguedTypeDeploys(t *testing.T) {
	res, err := withInference(t, "us-east-1", "g4dn.8xlarge")
	require.NoError(t, err)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	require.Contains(t, strings.Join(advisories(res)["ec2-instance-type-catalogued"], "\n"), "g4dn.8xlarge is not in the catalog")
	ng := named(byType(res, "aws:eks/nodeGroup:NodeGroup"), "cluster-gpu-inference")
	require.Equal(t, "AL2023_x86_64_NVIDIA", str(ng.Inputs, "amiType"), "the family says NVIDIA")
	var priced bool
	for _, item := range res.Cost.Items {
		if item.URN == ng.URN {
			priced = true
			require.Contains(t, item.Basis, "no catalog price (unknown, not free)")
		}
	}
	require.True(t, priced)
}

// TestInstanceTypeTypo: a type EC2 does not have is refused, naming the
// closest ones.
func TestInstanceTypeTypo(t *testing.T) {
	_, err := withInference(t, "us-east-1", "g6e.13xlarge")
	require.ErrorContains(t, err, `ml-platform:cluster.nodeGroups[2].instanceTypes[0]: "g6e.13xlarge" is not an EC2 instance type; closest: g6e.12xlarge, g6e.16xlarge`)
}
