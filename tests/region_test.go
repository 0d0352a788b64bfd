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

// inRegion is a shipped stack's config moved to region: SageMaker images
// from that region's registries (the framework images' account is the same
// there; scikit-learn's is 246618743249 in us-west-2), a Bedrock model
// offered there, and the replica in the shipped stack's region.
func inRegion(t *testing.T, stack, region string) config.Values {
	t.Helper()
	_, values := shipped(t, stack)
	from := values[config.KeyRegion]
	values[config.KeyRegion] = region
	sm := strings.ReplaceAll(values[config.KeySageMaker], "683313688378.dkr.ecr."+from, "246618743249.dkr.ecr."+from)
	values[config.KeySageMaker] = strings.ReplaceAll(sm, ".dkr.ecr."+from+".", ".dkr.ecr."+region+".")
	values[config.KeyBedrock] = strings.ReplaceAll(values[config.KeyBedrock], `"amazon.nova-lite-v1:0"`, `"us.amazon.nova-lite-v1:0"`)
	if raw, ok := values[config.KeyStorage]; ok {
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(raw), &s))
		if r, ok := s["replication"].(map[string]any); ok {
			r["region"] = from
		}
		out, err := json.Marshal(s)
		require.NoError(t, err)
		values[config.KeyStorage] = string(out)
	}
	return values
}

// TestStackPerRegion: dev and prod moved to us-west-2 plan without a
// mandatory violation, promotion included (prod reads the us-west-2 dev),
// and what they create is there: AZs, endpoint services, ARNs.
func TestStackPerRegion(t *testing.T) {
	const region = "us-west-2"
	project, _ := shipped(t, "dev")
	dev, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: inRegion(t, "dev", region), Dir: root})
	require.NoError(t, err)
	prod, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: inRegion(t, "prod", region), Dir: root,
		References: map[string]map[string]any{"organization/ml-platform/dev": dev.Outputs}})
	require.NoError(t, err)

	for name, res := range map[string]*offline.Result{"dev": dev, "prod": prod} {
		for _, v := range res.Violations {
			require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s: %s", name, v.Policy, v.Message)
		}
		require.Equal(t, region, res.Outputs["region"], name)
		for _, az := range res.Outputs["availabilityZones"].([]any) {
			require.True(t, strings.HasPrefix(az.(string), region), "%s: %s", name, az)
		}
		for _, ep := range byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint") {
			require.Contains(t, str(ep.Inputs, "serviceName"), "."+region+".", "%s: %s", name, ep.Name)
		}
		for _, k := range byType(res, "aws:kms/key:Key") {
			want := region
			if strings.HasPrefix(k.Name, "replica-") {
				want = "us-east-1"
			}
			require.Contains(t, str(k.Outputs, "arn"), ":"+want+":", "%s: %s", name, k.Name)
		}
	}
	require.Contains(t, prod.Outputs["modelsReplicaBucket"], "us-east-1", "prod's replica goes back to the shipped region")
	require.Contains(t, prod.Outputs["prometheusWorkspaceArn"], ":aps:"+region+":")
}

// TestRegionRefusesWhatItLacks: a stack moved to another region without
// moving its images and models is refused before anything is registered,
// each key named.
func TestRegionRefusesWhatItLacks(t *testing.T) {
	project, values := shipped(t, "prod")
	values[config.KeyRegion] = "us-west-2"
	_, err := offline.Preview(offline.Options{Project: project, Stack: "prod", Values: values, Dir: root})
	require.ErrorContains(t, err, `ml-platform:sagemaker.endpoints[1].image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3" is in us-east-1; SageMaker pulls images from the stack's region, us-west-2`)
	require.ErrorContains(t, err, `ml-platform:bedrock.models[0]: "amazon.nova-lite-v1:0" is not a text model or profile the catalog has in us-west-2`)
	require.ErrorContains(t, err, `ml-platform:storage.replication.region: "us-west-2" is the stack's own region`)
}
