package config

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
)

const (
	Dev  = conventions.Dev
	Prod = conventions.Prod
)

// deployer is a VPN range admitted to the private API endpoint.
const deployer = "10.255.0.0/16"

// base is a valid stack of any environment; cases override one key.
func base() Values {
	return Values{
		KeyRegion:     "us-east-1",
		KeyTeam:       "ml",
		KeyCostCenter: "cc-1",
		KeyCluster:    clusterObj(nil),
		KeyCost:       costObj(nil),
	}
}

// costObj is an ml-platform:cost object with a budget and a real-looking
// address, plus the given keys.
func costObj(m map[string]any) string {
	out := map[string]any{"monthlyBudgetUsd": 1000, "alertEmails": []string{"finops@corp.internal"}}
	for k, v := range m {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return obj(out)
}

// clusterObj is an ml-platform:cluster object with the deployer network
// set (the API is private by default), plus the given keys.
func clusterObj(m map[string]any) string {
	out := map[string]any{"deployerCidrs": []string{deployer}}
	for k, v := range m {
		out[k] = v
	}
	return obj(out)
}

func obj(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(out)
}

func with(v Values, kv ...string) Values {
	out := Values{}
	for k, x := range v {
		out[k] = x
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "<delete>" {
			delete(out, kv[i])
			continue
		}
		out[kv[i]] = kv[i+1]
	}
	return out
}

func TestDefaultsPerEnvironment(t *testing.T) {
	dev, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Equal(t, Dev, dev.Environment)
	require.Equal(t, 2, dev.Network.AZCount)
	require.Equal(t, NATSingle, dev.Network.NATGateways)
	require.Equal(t, 30, dev.Network.FlowLogRetentionDays)
	// The defaults, and SQS for Karpenter's interruption queue (Karpenter is on).
	require.Equal(t, sortedCopy(append(catalog.DefaultInterfaceEndpoints(), "sqs")), sortedCopy(dev.Network.InterfaceEndpoints))
	require.Len(t, dev.Network.InterfaceEndpoints, 19)

	prod, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.Equal(t, Prod, prod.Environment)
	require.Equal(t, 3, prod.Network.AZCount)
	require.Equal(t, NATPerAZ, prod.Network.NATGateways)
	require.Equal(t, 365, prod.Network.FlowLogRetentionDays)
	require.False(t, prod.Cluster.EndpointPublicAccess)

	staging, err := Parse("ml-platform", "staging", base())
	require.NoError(t, err)
	require.Equal(t, prod.Network, staging.Network, "staging is a copy of prod's shape")

	named, err := Parse("ml-platform", "team-a", with(base(), KeyEnvironment, "prod"))
	require.NoError(t, err)
	require.Equal(t, Prod, named.Environment)
}

func TestProdNeverWeakerThanDevDefaults(t *testing.T) {
	var dev, prod Network
	var p problems
	decodeArea(KeyNetwork, "", NetworkKeys, Context{Env: Dev}, &dev, &p)
	decodeArea(KeyNetwork, "", NetworkKeys, Context{Env: Prod}, &prod, &p)
	require.Empty(t, p)
	require.GreaterOrEqual(t, prod.AZCount, dev.AZCount)
	require.GreaterOrEqual(t, prod.FlowLogRetentionDays, dev.FlowLogRetentionDays)
	require.Equal(t, NATPerAZ, prod.NATGateways)
	require.Subset(t, prod.InterfaceEndpoints, dev.InterfaceEndpoints)
	prodStack, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.False(t, prodStack.Cluster.EndpointPublicAccess)
}

func TestOverrides(t *testing.T) {
	s, err := Parse("ml-platform", "dev", with(base(),
		KeyNetwork, obj(map[string]any{
			"cidr": "10.50.0.0/18", "azCount": 3, "podCidr": "100.64.0.0/16", "natGateways": "perAz",
			"interfaceEndpoints": []string{"sts", "logs", "sts"}, "extraInterfaceEndpoints": []string{"sqs"},
			"flowLogRetentionDays": 90, "availabilityZones": []string{"us-east-1a", "us-east-1b", "us-east-1d"},
		}),
		KeyTags, obj(map[string]string{"Owner": "alice"}),
	))
	require.NoError(t, err)
	require.Equal(t, "10.50.0.0/18", s.Network.CIDR)
	require.Equal(t, []string{"logs", "sqs", "sts"}, s.Network.InterfaceEndpoints, "sorted, de-duplicated, extras added")
	require.Equal(t, []string{"us-east-1a", "us-east-1b", "us-east-1d"}, s.Network.AvailabilityZones)
	tags := s.Tags()
	require.Equal(t, map[string]string{
		"Owner": "alice", "Project": "ml-platform", "Environment": "dev", "Team": "ml", "CostCenter": "cc-1", "ManagedBy": "pulumi",
		"Stack": "ml-platform-dev",
	}, tags)
	tags["Team"] = "changed"
	require.Equal(t, "ml", s.Tags()["Team"], "Tags returns a fresh map")
}

func nodeGroups(groups ...map[string]any) []map[string]any { return groups }

func TestClusterDefaults(t *testing.T) {
	dev, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Len(t, dev.Cluster.NodeGroups, 1, "a system group by default")
	require.Equal(t, conventions.RoleSystem, dev.Cluster.NodeGroups[0].Role)
	require.True(t, dev.Cluster.Karpenter.Enabled)
	prod, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.GreaterOrEqual(t, prod.Cluster.NodeGroups[0].MinSize, dev.Cluster.NodeGroups[0].MinSize)

	s, err := Parse("ml-platform", "dev", with(base(), KeyCluster, clusterObj(map[string]any{
		"addons":    map[string]string{"vpc-cni": "v1.19.5-eksbuild.1"},
		"karpenter": map[string]any{"enabled": false, "amiAlias": "al2023@v20251120"},
		"nodeGroups": nodeGroups(
			map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
			map[string]any{"name": "trn", "role": "training", "instanceTypes": []string{"trn1.32xlarge"}, "efa": true, "availabilityZone": "us-east-1b"},
		),
	})))
	require.NoError(t, err)
	require.Equal(t, "v1.19.5-eksbuild.1", s.Cluster.Addons["vpc-cni"])
	require.False(t, s.Cluster.Karpenter.Enabled)
	require.Equal(t, "us-east-1b", s.Cluster.NodeGroups[1].AvailabilityZone)
	require.Equal(t, 500, s.Cluster.NodeGroups[1].RootVolumeGiB, "accelerated nodes get a large root volume")
	require.Equal(t, 100, s.Cluster.NodeGroups[0].RootVolumeGiB)
}

func TestNodeGroupDefaults(t *testing.T) {
	groups := nodeGroups(
		map[string]any{"name": "train", "role": "training", "instanceTypes": []string{"p5.48xlarge"}, "efa": true},
		map[string]any{"name": "serve", "role": "inference", "instanceTypes": []string{"g5.xlarge"}},
		map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
	)
	dev, err := Parse("ml-platform", "dev", with(base(), KeyCluster, obj(map[string]any{
		"endpointPublicAccess": true, "publicAccessCidrs": []string{"203.0.113.0/24"}, "nodeGroups": groups,
	})))
	require.NoError(t, err)
	require.Equal(t, conventions.Spot, dev.Cluster.NodeGroups[0].CapacityType, "training is spot")
	require.Equal(t, conventions.Spot, dev.Cluster.NodeGroups[1].CapacityType, "dev inference may be spot")
	require.Equal(t, 0, dev.Cluster.NodeGroups[1].MinSize, "dev accelerators scale to zero")
	require.Equal(t, conventions.OnDemand, dev.Cluster.NodeGroups[2].CapacityType, "system is on-demand")
	require.Equal(t, 2, dev.Cluster.NodeGroups[2].MinSize)

	prod, err := Parse("ml-platform", "prod", with(base(), KeyCluster, clusterObj(map[string]any{"nodeGroups": groups})))
	require.NoError(t, err)
	require.Equal(t, conventions.OnDemand, prod.Cluster.NodeGroups[1].CapacityType, "prod inference is on-demand")
	require.Equal(t, 2, prod.Cluster.NodeGroups[1].MinSize, "prod inference spans two instances")
	require.True(t, prod.Cluster.NodeGroups[0].EFA)
}

// TestErrors lists every configuration error: the input, and what the
// message must say (the key path and the allowed values).
func TestErrors(t *testing.T) {
	net := func(m map[string]any) string { return obj(m) }
	cluster := func(groups ...map[string]any) string { return clusterObj(map[string]any{"nodeGroups": groups}) }
	group := func(kv ...any) map[string]any {
		g := map[string]any{"name": "gpu", "role": "training", "instanceTypes": []string{"g5.xlarge"}}
		for i := 0; i < len(kv); i += 2 {
			g[kv[i].(string)] = kv[i+1]
		}
		return g
	}
	cases := []struct {
		name   string
		stack  string
		values Values
		want   []string
	}{
		{"unknown environment", "dev", with(base(), KeyEnvironment, "qa"),
			[]string{`ml-platform:environment: "qa" is not an environment; allowed: dev, staging, prod`}},
		{"environment needed for other stack names", "team-a", base(),
			[]string{`ml-platform:environment: required when the stack name "team-a" is not an environment; allowed: dev, staging, prod`}},
		{"missing region", "dev", with(base(), KeyRegion, "<delete>"), []string{"aws:region: required", "allowed: "}},
		{"unknown region", "dev", with(base(), KeyRegion, "mars-north-1"), []string{`aws:region: "mars-north-1" is not a commercial AWS region the provider knows; closest: eu-north-1`, "us-east-1"}},
		{"region typo", "dev", with(base(), KeyRegion, "eu-west-22"), []string{`aws:region: "eu-west-22" is not a commercial AWS region the provider knows; closest: eu-west-2, eu-west-1, eu-west-3`}},
		{"missing team", "dev", with(base(), KeyTeam, " "), []string{"ml-platform:team: required"}},
		{"missing cost center", "dev", with(base(), KeyCostCenter, "<delete>"), []string{"ml-platform:costCenter: required"}},
		{"unknown top-level key", "dev", with(base(), "ml-platform:netwrok", "{}"), //nolint:misspell // the typo is the input
			[]string{"ml-platform:netwrok: unknown key; allowed: ml-platform:bedrock, ml-platform:cluster, ml-platform:compliance, ml-platform:cost, ml-platform:costCenter, ml-platform:environment, ml-platform:network, ml-platform:observability, ml-platform:policySettings"}}, //nolint:misspell // the typo is the input
		{"required tag overridden", "dev", with(base(), KeyTags, obj(map[string]string{"Team": "x"})),
			[]string{"ml-platform:tags.Team: is set by the platform and cannot be overridden; set ml-platform:team instead"}},
		{"reserved tag prefix", "dev", with(base(), KeyTags, obj(map[string]string{"aws:foo": "x"})),
			[]string{`ml-platform:tags.aws:foo: tag keys starting with "aws:" are reserved`}},
		{"long tag value", "dev", with(base(), KeyTags, obj(map[string]string{"Owner": strings.Repeat("a", 257)})),
			[]string{`ml-platform:tags.Owner: "aaaa`, `is not a tag value; allowed: at most 256 characters`}},
		{"no CPU for the pools", "dev", with(base(), KeyCluster, obj(map[string]any{"deployerCidrs": []string{"10.255.0.0/16"},
			"karpenter": map[string]any{"cpuLimit": 0}})), []string{"ml-platform:cluster.karpenter.cpuLimit: 0; allowed: 1 or more vCPUs"}},
		{"tags not a map", "dev", with(base(), KeyTags, `["a"]`), []string{"ml-platform:tags: expected an object, got array"}},
		{"network not an object", "dev", with(base(), KeyNetwork, "10.0.0.0/16"),
			[]string{`ml-platform:network: must be an object`}},
		{"unknown network key", "dev", with(base(), KeyNetwork, net(map[string]any{"cidrs": "10.0.0.0/16"})),
			[]string{"ml-platform:network.cidrs: unknown key; allowed: availabilityZoneIds, availabilityZones, azCount, cidr, extraInterfaceEndpoints, flowLogRetentionDays, hybrid, interfaceEndpoints, natGateways, podCidr"}},
		{"wrong type", "dev", with(base(), KeyNetwork, net(map[string]any{"azCount": "three"})),
			[]string{"ml-platform:network.azCount: expected a number, got string"}},
		{"bad CIDR", "dev", with(base(), KeyNetwork, net(map[string]any{"cidr": "10.0.0.0/33"})),
			[]string{`ml-platform:network.cidr: "10.0.0.0/33" is not a CIDR block`}},
		{"CIDR with host bits", "dev", with(base(), KeyNetwork, net(map[string]any{"cidr": "10.0.5.0/16"})),
			[]string{`ml-platform:network.cidr: "10.0.5.0/16" has host bits set; did you mean 10.0.0.0/16?`}},
		{"CIDR too small", "dev", with(base(), KeyNetwork, net(map[string]any{"cidr": "10.0.0.0/24"})),
			[]string{"ml-platform:network.cidr: prefix /24 is outside the allowed /16 to /20"}},
		{"pod CIDR overlaps", "dev", with(base(), KeyNetwork, net(map[string]any{"cidr": "10.0.0.0/16", "podCidr": "10.0.128.0/17"})),
			[]string{"ml-platform:network.podCidr: 10.0.128.0/17 overlaps the VPC block 10.0.0.0/16"}},
		{"pod CIDR too small", "dev", with(base(), KeyNetwork, net(map[string]any{"podCidr": "100.64.0.0/24"})),
			[]string{"ml-platform:network.podCidr: prefix /24 is outside the allowed /16 to /19"}},
		{"too few AZs", "dev", with(base(), KeyNetwork, net(map[string]any{"azCount": 1})),
			[]string{"ml-platform:network.azCount: 1 is outside the allowed range 2 to 6"}},
		{"too many AZs", "dev", with(base(), KeyNetwork, net(map[string]any{"azCount": 7})),
			[]string{"ml-platform:network.azCount: 7 is outside the allowed range 2 to 6"}},
		{"AZ of another region", "dev", with(base(), KeyNetwork, net(map[string]any{"availabilityZones": []string{"us-east-1a", "eu-west-1b"}})),
			[]string{`ml-platform:network.availabilityZones[1]: "eu-west-1b" is not an availability zone of us-east-1`}},
		{"zone ID", "dev", with(base(), KeyNetwork, net(map[string]any{"availabilityZoneIds": []string{"use1-az1", "us-east-1b"}})),
			[]string{`ml-platform:network.availabilityZoneIds[1]: "us-east-1b" is not an availability zone ID; allowed: IDs like use1-az1`}},
		{"zones pinned twice", "dev", with(base(), KeyNetwork, net(map[string]any{"availabilityZoneIds": []string{"use1-az1", "use1-az2"},
			"availabilityZones": []string{"us-east-1a", "us-east-1b"}})),
			[]string{"ml-platform:network.availabilityZoneIds: set with availabilityZones; pin the zones one way"}},
		{"AZ list length", "dev", with(base(), KeyNetwork, net(map[string]any{"availabilityZones": []string{"us-east-1a", "us-east-1b", "us-east-1c"}})),
			[]string{"ml-platform:network.availabilityZones: lists 3 zones but azCount is 2"}},
		{"unknown NAT layout", "dev", with(base(), KeyNetwork, net(map[string]any{"natGateways": "none"})),
			[]string{`ml-platform:network.natGateways: "none" is not a NAT layout; allowed: "perAz", "single"`}},
		{"unknown endpoint", "dev", with(base(), KeyNetwork, net(map[string]any{"interfaceEndpoints": []string{"sagemaker"}})),
			[]string{`ml-platform:network.interfaceEndpoints: "sagemaker" is not an endpoint service this project knows; allowed: `, "sagemaker.api"}},
		{"bad retention", "dev", with(base(), KeyNetwork, net(map[string]any{"flowLogRetentionDays": 10})),
			[]string{"ml-platform:network.flowLogRetentionDays: 10 is not a CloudWatch Logs retention; allowed: 1, 3, 5"}},
		{"prod single NAT", "prod", with(base(), KeyNetwork, net(map[string]any{"natGateways": "single"})),
			[]string{`ml-platform:network.natGateways: "single" is weaker than prod allows`, `allowed: "perAz"`}},
		{"prod two AZs", "prod", with(base(), KeyNetwork, net(map[string]any{"azCount": 2})),
			[]string{"ml-platform:network.azCount: 2 is weaker than prod allows: at least 3 AZs (allowed: 3 to 6)"}},
		{"prod short retention", "prod", with(base(), KeyNetwork, net(map[string]any{"flowLogRetentionDays": 30})),
			[]string{"ml-platform:network.flowLogRetentionDays: 30 is weaker than prod allows", "allowed: 365 or more"}},
		{"prod drops endpoints", "prod", with(base(), KeyNetwork, net(map[string]any{"interfaceEndpoints": []string{"sts"}})),
			[]string{"ml-platform:network.interfaceEndpoints: prod may not drop the default endpoints autoscaling, bedrock"}},
		{"prod public API", "prod", with(base(), KeyCluster, obj(map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []string{"203.0.113.0/24"}})),
			[]string{"ml-platform:cluster.endpointPublicAccess: true is weaker than prod allows (the API must be private); allowed: false"}},
		{"public API without CIDRs", "dev", with(base(), KeyCluster, obj(map[string]any{"endpointPublicAccess": true})),
			[]string{"ml-platform:cluster.publicAccessCidrs: required when endpointPublicAccess is true"}},
		{"public API to the world", "dev", with(base(), KeyCluster, obj(map[string]any{"publicAccessCidrs": []string{"0.0.0.0/0"}})),
			[]string{"ml-platform:cluster.publicAccessCidrs[0]: 0.0.0.0/0 opens the API to the internet"}},
		{"old Kubernetes", "dev", with(base(), KeyCluster, clusterObj(map[string]any{"version": "1.27", "endpointPublicAccess": false})),
			[]string{`ml-platform:cluster.version: "1.27" is below the minimum; allowed: "1.32" or later`}},
		{"unknown instance type", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"p9.huge"}))),
			[]string{`ml-platform:cluster.nodeGroups[0].instanceTypes[0]: "p9.huge" is not an EC2 instance type; closest: `}},
		{"instance type typo", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"g6e.13xlarge"}))),
			[]string{`ml-platform:cluster.nodeGroups[0].instanceTypes[0]: "g6e.13xlarge" is not an EC2 instance type; closest: g6e.12xlarge, g6e.16xlarge`}},
		{"Arm type", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"m7g.xlarge"}))),
			[]string{`ml-platform:cluster.nodeGroups[0].instanceTypes[0]: "m7g.xlarge" is an Arm (Graviton) type; the platform's AMIs, pools and images are x86_64: use an x86_64 type such as m7i.xlarge`}},
		{"EFA on an uncatalogued type", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"g4dn.8xlarge"}, "efa", true))),
			[]string{`ml-platform:cluster.nodeGroups[0].instanceTypes[0]: "g4dn.8xlarge" is not in the catalog, which records each EFA type's interface count`}},
		{"EFA on a type without it", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"g4dn.xlarge"}, "efa", true))),
			[]string{`ml-platform:cluster.nodeGroups[0].instanceTypes[0]: "g4dn.xlarge" does not support EFA`, "p5.48xlarge"}},
		{"mixed accelerators", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"g5.xlarge", "inf2.xlarge"}))),
			[]string{"ml-platform:cluster.nodeGroups[0].instanceTypes: mixes accelerator kinds (nvidia-gpu and aws-inferentia)"}},
		{"unknown role", "dev", with(base(), KeyCluster, cluster(group("role", "batch"))),
			[]string{`ml-platform:cluster.nodeGroups[0].role: "batch" is not a role; allowed: "inference", "system", "training"`}},
		{"duplicate names", "dev", with(base(), KeyCluster, cluster(group(), group())),
			[]string{`ml-platform:cluster.nodeGroups[1].name: "gpu" is used by another node group`}},
		{"unknown node group key", "dev", with(base(), KeyCluster, cluster(group("instanceType", "g5.xlarge"))),
			[]string{"ml-platform:cluster.nodeGroups[0].instanceType: unknown key; allowed: allowPodIMDS, amiType, availabilityZone, capacityReservation, capacityType, desiredSize, efa, instanceTypes, maxSize, minSize, modelSizeGb, name, role, rootVolumeGiB"}},
		{"no system group", "dev", with(base(), KeyCluster, cluster(group())),
			[]string{`ml-platform:cluster.nodeGroups: needs a group with role "system"`}},
		{"Neuron type with a GPU AMI", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"trn1.32xlarge"}, "amiType", "AL2023_x86_64_NVIDIA"))),
			[]string{`ml-platform:cluster.nodeGroups[0].amiType: "AL2023_x86_64_NVIDIA" does not fit aws-trainium instances (trn1.32xlarge); allowed: "AL2023_x86_64_NEURON"`}},
		{"unknown AMI type", "dev", with(base(), KeyCluster, cluster(group("amiType", "AL2_x86_64_GPU"))),
			[]string{`ml-platform:cluster.nodeGroups[0].amiType: "AL2_x86_64_GPU" is not an AMI type; allowed: "AL2023_x86_64_NEURON", "AL2023_x86_64_NVIDIA", "AL2023_x86_64_STANDARD"`}},
		{"EFA AZ of another region", "dev", with(base(), KeyCluster, cluster(group("instanceTypes", []string{"p5.48xlarge"}, "efa", true, "availabilityZone", "us-west-2a"))),
			[]string{`ml-platform:cluster.nodeGroups[0].availabilityZone: "us-west-2a" is not an availability zone of us-east-1`}},
		{"tiny root volume", "dev", with(base(), KeyCluster, cluster(group("rootVolumeGiB", 8))),
			[]string{"ml-platform:cluster.nodeGroups[0].rootVolumeGiB: 8 is outside the allowed 20 to 16384 GiB"}},
		{"private API nobody can reach", "prod", with(base(), KeyCluster, obj(map[string]any{})),
			[]string{"ml-platform:cluster.deployerCidrs: required: the API endpoint is private", "allowed: the CIDR blocks of your VPN, office or CI runner"}},
		{"private dev API nobody can reach", "dev", with(base(), KeyCluster, obj(map[string]any{})),
			[]string{"ml-platform:cluster.deployerCidrs: required", "outside prod you may instead open the public endpoint with publicAccessCidrs"}},
		{"deployers from the world", "prod", with(base(), KeyCluster, obj(map[string]any{"deployerCidrs": []string{"0.0.0.0/0"}})),
			[]string{"ml-platform:cluster.deployerCidrs[0]: 0.0.0.0/0 opens the API to the internet"}},
		{"bad deployer CIDR", "prod", with(base(), KeyCluster, obj(map[string]any{"deployerCidrs": []string{"10.0.0.1/16"}})),
			[]string{`ml-platform:cluster.deployerCidrs[0]: "10.0.0.1/16" has host bits set`}},
		{"unknown service-linked role", "dev", with(base(), KeyCluster, clusterObj(map[string]any{"serviceLinkedRoles": []string{"spot", "fleet"}})),
			[]string{`ml-platform:cluster.serviceLinkedRoles[1]: "fleet" is not a service-linked role this platform creates; allowed: autoscaling, spot`}},
		{"unknown compliance profile", "dev", with(base(), KeyCompliance, "sox"),
			[]string{`ml-platform:compliance: "sox" is not a compliance profile; allowed: "hipaa", "none", "pci-dss"`}},
		{"policy settings not an object", "dev", with(base(), KeyPolicySettings, `["x"]`),
			[]string{"ml-platform:policySettings: must be an object keyed by policy name"}},
		{"unknown add-on", "dev", with(base(), KeyCluster, obj(map[string]any{"addons": map[string]string{"istio": "v1.0.0"}})),
			[]string{"ml-platform:cluster.addons.istio: not an add-on this platform manages; allowed: amazon-cloudwatch-observability, aws-ebs-csi-driver, coredns"}},
		{"bad add-on version", "dev", with(base(), KeyCluster, obj(map[string]any{"addons": map[string]string{"vpc-cni": "latest"}})),
			[]string{`ml-platform:cluster.addons.vpc-cni: "latest" is not an add-on version`}},
		{"bad admin role", "dev", with(base(), KeyCluster, obj(map[string]any{"adminRoleArns": []string{"admin"}})),
			[]string{`ml-platform:cluster.adminRoleArns[0]: "admin" is not an IAM role ARN`}},
		{"bad viewer role", "dev", with(base(), KeyCluster, obj(map[string]any{"viewerRoleArns": []string{"ci-preview"}})),
			[]string{`ml-platform:cluster.viewerRoleArns[0]: "ci-preview" is not an IAM role ARN`}},
		{"viewer and admin", "dev", with(base(), KeyCluster, obj(map[string]any{
			"adminRoleArns": []string{"arn:aws:iam::123456789012:role/ci"}, "viewerRoleArns": []string{"arn:aws:iam::123456789012:role/ci"}})),
			[]string{`ml-platform:cluster.viewerRoleArns[0]: "arn:aws:iam::123456789012:role/ci" is in adminRoleArns too`}},
		{"negative Karpenter limit", "dev", with(base(), KeyCluster, obj(map[string]any{"karpenter": map[string]any{"trainingGpuLimit": -1}})),
			[]string{"ml-platform:cluster.karpenter.trainingGpuLimit: -1 is negative"}},
		{"bad AMI alias", "dev", with(base(), KeyCluster, obj(map[string]any{"karpenter": map[string]any{"amiAlias": "ubuntu"}})),
			[]string{`ml-platform:cluster.karpenter.amiAlias: "ubuntu" is not an AMI alias`}},
		{"bad capacity type", "dev", with(base(), KeyCluster, cluster(group("capacityType", "spot"))),
			[]string{`ml-platform:cluster.nodeGroups[0].capacityType: "spot" is not a capacity type; allowed: "ON_DEMAND", "SPOT"`}},
		{"sizes out of order", "dev", with(base(), KeyCluster, cluster(group("minSize", 3, "maxSize", 2))),
			[]string{"ml-platform:cluster.nodeGroups[0].minSize: 3 is above maxSize 2"}},
		{"prod spot inference", "prod", with(base(), KeyCluster, cluster(group("role", "inference", "capacityType", "SPOT"))),
			[]string{"ml-platform:cluster.nodeGroups[0].capacityType: SPOT is weaker than prod allows for inference"}},
		{"prod single inference instance", "prod", with(base(), KeyCluster, cluster(group("role", "inference", "minSize", 1))),
			[]string{"ml-platform:cluster.nodeGroups[0].minSize: 1 is weaker than prod allows for inference", "allowed: 2 or more"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("ml-platform", tc.stack, tc.values)
			require.Error(t, err)
			require.Nil(t, s)
			for _, want := range tc.want {
				require.Contains(t, err.Error(), want)
			}
			var fe *FieldError
			require.True(t, errors.As(err, &fe), "every problem is a FieldError")
		})
	}
}

func TestAllProblemsReportedAtOnce(t *testing.T) {
	_, err := Parse("ml-platform", "prod", with(base(),
		KeyTeam, "",
		KeyNetwork, obj(map[string]any{"azCount": 9, "natGateways": "single", "typo": true}),
	))
	require.Error(t, err)
	msg := err.Error()
	for _, key := range []string{"ml-platform:team", "ml-platform:network.azCount", "ml-platform:network.natGateways", "ml-platform:network.typo"} {
		require.Contains(t, msg, key+":")
	}
	require.Equal(t, 4, strings.Count(msg, "\n"), "one line per problem after the header")
}

// TestPlaceholdersAreNotErrors: documentation ranges validate (a preview of
// the shipped stack files works) but are recorded, each with its key, for
// Load to refuse at `pulumi up`.
func TestPlaceholdersAreNotErrors(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyCluster, obj(map[string]any{
		"deployerCidrs": []string{"10.255.0.0/16", "192.0.2.0/24"},
	})))
	require.NoError(t, err)
	require.Len(t, s.Placeholders, 1)
	require.Equal(t, "ml-platform:cluster.deployerCidrs[1]", s.Placeholders[0].Key)
	require.Contains(t, s.Placeholders[0].Message, "192.0.2.0/24 is a documentation range (RFC 5737), a placeholder")

	dev, err := Parse("ml-platform", "dev", with(base(), KeyCluster, obj(map[string]any{
		"publicAccessCidrs": []string{"203.0.113.0/24"},
	})))
	require.NoError(t, err)
	require.True(t, dev.Cluster.EndpointPublicAccess)
	require.Len(t, dev.Placeholders, 1)
	require.Equal(t, "ml-platform:cluster.publicAccessCidrs[0]", dev.Placeholders[0].Key)

	prod, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.Empty(t, prod.Placeholders)
}

func TestServiceLinkedRolesComplianceAndPodIMDS(t *testing.T) {
	def, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Equal(t, []string{"autoscaling", "spot"}, def.Cluster.ServiceLinkedRoles, "a fresh account needs both")
	require.True(t, def.Cluster.NodeRepair, "accelerated nodes are repaired by default")
	require.Equal(t, conventions.ComplianceNone, def.Compliance)
	require.Empty(t, def.PolicySettings)
	require.Equal(t, []string{deployer}, def.Cluster.DeployerCIDRs)

	s, err := Parse("ml-platform", "dev", with(base(),
		KeyCluster, clusterObj(map[string]any{
			"serviceLinkedRoles": []string{},
			"nodeRepair":         false,
			"nodeGroups": nodeGroups(
				map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
				map[string]any{"name": "legacy", "role": "training", "instanceTypes": []string{"g5.xlarge"}, "allowPodIMDS": true},
			),
		}),
		KeyCompliance, "hipaa",
		KeyPolicySettings, `{"vpc-privatelink-endpoints": {"requiredServices": ["sts"]}}`,
	))
	require.NoError(t, err)
	require.Empty(t, s.Cluster.ServiceLinkedRoles, "[] where the account has them")
	require.False(t, s.Cluster.NodeRepair)
	require.Equal(t, conventions.ComplianceHIPAA, s.Compliance)
	require.JSONEq(t, `{"vpc-privatelink-endpoints": {"requiredServices": ["sts"]}}`, s.PolicySettings)
	require.False(t, s.Cluster.NodeGroups[0].AllowPodIMDS)
	require.True(t, s.Cluster.NodeGroups[1].AllowPodIMDS)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestCapacityReservations: a group launched into reserved capacity is
// On-Demand, of the reservation's one type, in the reservation's zone.
func TestCapacityReservations(t *testing.T) {
	sys := map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}}
	parse := func(g map[string]any) (*Stack, error) {
		return Parse("ml-platform", "prod", with(base(), KeyCluster, clusterObj(map[string]any{"nodeGroups": nodeGroups(sys, g)})))
	}
	s, err := parse(map[string]any{"name": "p5", "role": "training", "instanceTypes": []string{"p5.48xlarge"}, "efa": true,
		"capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b", "capacityBlock": true}})
	require.NoError(t, err)
	g := s.Cluster.NodeGroups[1]
	require.Equal(t, &CapacityReservation{ID: "cr-0123456789abcdef0", AvailabilityZone: "us-east-1b", CapacityBlock: true, Instances: g.MaxSize},
		g.CapacityReservation, "the reservation holds maxSize instances unless told")
	require.Equal(t, conventions.OnDemand, g.CapacityType, "training defaults to spot, but reserved capacity is On-Demand")
	require.Equal(t, "us-east-1b", g.AvailabilityZone, "the reservation's zone pins the group")

	k, err := Parse("ml-platform", "prod", with(base(), KeyCluster, clusterObj(map[string]any{
		"karpenter": map[string]any{"capacityReservationIds": []string{"cr-0123456789abcdef0"}}})))
	require.NoError(t, err)
	require.Equal(t, []string{"cr-0123456789abcdef0"}, k.Cluster.Karpenter.CapacityReservationIDs)
	_, err = Parse("ml-platform", "prod", with(base(), KeyCluster, clusterObj(map[string]any{
		"karpenter": map[string]any{"capacityReservationIds": []string{"cr-0123456789abcdef0", "cr-x"}}})))
	require.ErrorContains(t, err, `ml-platform:cluster.karpenter.capacityReservationIds[1]: "cr-x" is not a capacity reservation ID`)

	for _, tc := range []struct {
		group map[string]any
		want  string
	}{
		{map[string]any{"capacityReservation": map[string]any{"availabilityZone": "us-east-1b"}},
			"capacityReservation: set exactly one of id"},
		{map[string]any{"capacityReservation": map[string]any{"id": "cr-1"}}, `capacityReservation.id: "cr-1" is not a capacity reservation ID`},
		{map[string]any{"capacityReservation": map[string]any{"id": "cr-0123456789abcdef0"}}, "capacityReservation.availabilityZone: required with id"},
		{map[string]any{"capacityReservation": map[string]any{"resourceGroupArn": "arn:aws:resource-groups:us-east-1:123456789012:group/p5", "capacityBlock": true}},
			"capacityReservation.capacityBlock: needs id"},
		{map[string]any{"availabilityZone": "us-east-1a", "capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b"}},
			`nodeGroups[1].availabilityZone: "us-east-1a", but the capacity reservation is in us-east-1b`},
		{map[string]any{"capacityType": "SPOT", "capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b"}},
			`nodeGroups[1].capacityType: "SPOT" with a capacity reservation; allowed: "ON_DEMAND"`},
		{map[string]any{"maxSize": 4, "capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b", "instances": 2}},
			"nodeGroups[1].maxSize: 4 is more than the reservation's 2 instances"},
		{map[string]any{"capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b", "usdPerHour": 31.5}},
			"capacityReservation.usdPerHour: applies to Capacity Blocks only"},
		{map[string]any{"instanceTypes": []string{"p5.48xlarge", "p5en.48xlarge"}, "capacityReservation": map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1b"}},
			"nodeGroups[1].instanceTypes: lists 2 types; a capacity reservation is for one instance type"},
	} {
		g := map[string]any{"name": "p5", "role": "training", "instanceTypes": []string{"p5.48xlarge"}, "efa": true}
		for k, v := range tc.group {
			g[k] = v
		}
		_, err := parse(g)
		require.ErrorContains(t, err, tc.want)
	}
}

// TestErrorsInOneOrder: one bad stack file gives the same errors in the
// same order on every run (validators once ranged over Go maps, whose
// order changes from run to run).
func TestErrorsInOneOrder(t *testing.T) {
	values := with(base(), KeyBedrock, obj(map[string]any{
		"models":      []string{"amazon.nova-lite-v1:0"},
		"application": map[string]any{"namespace": "Bad_NS", "serviceAccount": "Bad_SA"},
		"guardrail": map[string]any{
			"contentFilters":     map[string]any{"INSULTS": map[string]any{"input": "LOUD", "output": "QUIET"}, "HATE": map[string]any{"input": "X", "output": "Y"}},
			"groundingThreshold": 5, "relevanceThreshold": 7,
			"blockedInputMessage": "", "blockedOutputMessage": "",
			"pii": map[string]any{"SSN": "BLOCK", "EMAIL": "MASK", "NAME": "HIDE"},
		},
	}), KeyCluster, obj(map[string]any{"addons": map[string]string{"istio": "1", "linkerd": "2", "cilium": "3"}}),
		KeyCost, obj(map[string]any{"monthlyBudgetUsd": 100, "serviceBudgetsUsd": map[string]any{"s3": 1, "ec2": -1, "lambda": 2},
			"expectedUsage": map[string]any{"s3Gb": map[string]any{"COLD": 1, "WARM": 2, "STANDARD": -3}}}),
		KeySageMaker, obj(map[string]any{"featureGroups": []any{map[string]any{"name": "f", "recordIdentifier": "id", "eventTime": "ts",
			"features": map[string]any{"id": "Text", "ts": "Time", "is_deleted": "String", "score": "Float"}}}}))
	_, first := Parse("ml-platform", "dev", values)
	if first == nil {
		t.Fatal("the bad file parsed")
	}
	for _, want := range []string{"application.namespace", "application.serviceAccount", "INSULTS.input", "INSULTS.output",
		"groundingThreshold", "relevanceThreshold", "blockedInputMessage", "blockedOutputMessage", "addons.cilium",
		"pii.SSN", "pii.EMAIL", "serviceBudgetsUsd.lambda", "serviceBudgetsUsd.ec2", "s3Gb.WARM", "s3Gb.STANDARD", "features.is_deleted", "features.score"} {
		if !strings.Contains(first.Error(), want) {
			t.Fatalf("no error for %s:\n%v", want, first)
		}
	}
	for range 50 {
		if _, err := Parse("ml-platform", "dev", values); err.Error() != first.Error() {
			t.Fatalf("the same file gave errors in another order:\n%v\n---\n%v", first, err)
		}
	}
}
