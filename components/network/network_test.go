package network_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/components/network"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

func args(azs int, perAZ bool, pods string) *network.NetworkArgs {
	zones := []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"}[:azs]
	return &network.NetworkArgs{
		CIDR:                 "10.0.0.0/16",
		AvailabilityZones:    zones,
		PodCIDR:              pods,
		NATPerAZ:             perAZ,
		InterfaceEndpoints:   []string{"sts", "sagemaker.api", "logs", "sts"},
		Account:              awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		FlowLogRetentionDays: 30,
		FlowLogKMSKeyARN:     pulumi.String(keyARN),
		FlowLogGroupName:     "/aws/vpc-flow-logs/ml-platform-dev",
		DiscoveryTag:         "ml-platform-dev",
		Tags:                 map[string]string{"Team": "ml", "Environment": "dev"},
	}
}

func build(t *testing.T, a *network.NetworkArgs) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	err := rec.Run(func(ctx *pulumi.Context) error {
		_, err := network.NewNetwork(ctx, "net", a)
		return err
	}, nil)
	return rec, err
}

func TestPlanLayout(t *testing.T) {
	l, err := network.PlanLayout("10.0.0.0/16", "100.64.0.0/16", 3)
	require.NoError(t, err)
	require.Equal(t, []string{"10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"}, l.Private)
	require.Equal(t, []string{"10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"}, l.Public)
	require.Equal(t, []string{"100.64.0.0/19", "100.64.32.0/19", "100.64.64.0/19"}, l.Pods)

	l, err = network.PlanLayout("10.8.0.0/20", "", 6)
	require.NoError(t, err)
	require.Equal(t, "10.8.10.0/23", l.Private[5])
	require.Equal(t, "10.8.15.64/26", l.Public[5])
	require.Empty(t, l.Pods)

	_, err = network.PlanLayout("10.0.0.0/16", "10.0.0.0/18", 2)
	require.ErrorContains(t, err, "overlaps")
	_, err = network.PlanLayout("10.0.0.0/16", "", 7)
	require.ErrorContains(t, err, "1 to 6 AZs")
}

func TestNATLayout(t *testing.T) {
	for _, tc := range []struct {
		perAZ bool
		nats  int
	}{{false, 1}, {true, 3}} {
		t.Run(fmt.Sprintf("perAZ=%v", tc.perAZ), func(t *testing.T) {
			rec, err := build(t, args(3, tc.perAZ, ""))
			require.NoError(t, err)
			nats := rec.ByType("aws:ec2/natGateway:NatGateway")
			require.Len(t, nats, tc.nats)
			require.Len(t, rec.ByType("aws:ec2/eip:Eip"), tc.nats)

			natAZ := map[string]string{} // NAT id -> AZ of its subnet
			subnetAZ := map[string]string{}
			for _, s := range rec.ByType("aws:ec2/subnet:Subnet") {
				subnetAZ[str(s.Outputs, "id")] = str(s.Inputs, "availabilityZone")
			}
			for _, n := range nats {
				natAZ[str(n.Outputs, "id")] = subnetAZ[str(n.Inputs, "subnetId")]
				require.Equal(t, "Public", tierOf(rec, str(n.Inputs, "subnetId")), "NAT lives in a public subnet")
			}
			for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
				rt := rec.ByName("aws:ec2/routeTable:RouteTable", "net-private-"+az)
				require.NotNil(t, rt)
				route := rt.Inputs["routes"].ArrayValue()[0].ObjectValue()
				require.Equal(t, "0.0.0.0/0", str(route, "cidrBlock"))
				natID := str(route, "natGatewayId")
				require.Contains(t, natAZ, natID, "private route goes through a NAT gateway of this VPC")
				if tc.perAZ {
					require.Equal(t, az, natAZ[natID], "each AZ egresses through its own NAT")
				}
			}
		})
	}
}

func tierOf(rec *mock.Recorder, subnetID string) string {
	for _, s := range rec.ByType("aws:ec2/subnet:Subnet") {
		if str(s.Outputs, "id") == subnetID {
			tier := s.Inputs["tags"].ObjectValue()["Tier"].StringValue()
			return map[string]string{"public": "Public", "private": "Private", "pods": "Pods"}[tier]
		}
	}
	return ""
}

func TestSubnetsAndTags(t *testing.T) {
	rec, err := build(t, args(2, false, "100.64.0.0/16"))
	require.NoError(t, err)
	subnets := rec.ByType("aws:ec2/subnet:Subnet")
	require.Len(t, subnets, 6, "public, private and pod subnet per AZ")
	for _, s := range subnets {
		tags := s.Inputs["tags"].ObjectValue()
		require.Equal(t, "ml", tags["Team"].StringValue(), "stack tags on %s", s.Name)
		switch tags["Tier"].StringValue() {
		case "public":
			require.Equal(t, "1", tags["kubernetes.io/role/elb"].StringValue())
			require.False(t, s.Inputs["mapPublicIpOnLaunch"].BoolValue(), "no public IPs on launch")
		case "private":
			require.Equal(t, "1", tags["kubernetes.io/role/internal-elb"].StringValue())
			require.Equal(t, "ml-platform-dev", tags["karpenter.sh/discovery"].StringValue())
		case "pods":
			require.Contains(t, []string{"100.64.0.0/19", "100.64.32.0/19"}, str(s.Inputs, "cidrBlock"))
			require.NotEmpty(t, s.Dependencies, "pod subnets wait for the secondary block")
		default:
			t.Fatalf("subnet %s has no tier", s.Name)
		}
	}
	require.Len(t, rec.ByType("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"), 1)
}

func TestEndpoints(t *testing.T) {
	rec, err := build(t, args(3, false, "100.64.0.0/16"))
	require.NoError(t, err)
	var privateIDs []string
	for _, s := range rec.ByType("aws:ec2/subnet:Subnet") {
		if s.Inputs["tags"].ObjectValue()["Tier"].StringValue() == "private" {
			privateIDs = append(privateIDs, str(s.Outputs, "id"))
		}
	}
	sort.Strings(privateIDs)
	sg := rec.ByName("aws:ec2/securityGroup:SecurityGroup", "net-endpoints")
	require.NotNil(t, sg)

	services := map[string]bool{}
	for _, ep := range rec.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		if str(ep.Inputs, "vpcEndpointType") == "Gateway" {
			require.Equal(t, "com.amazonaws.us-east-1.s3", str(ep.Inputs, "serviceName"))
			require.Len(t, strs(ep.Inputs, "routeTableIds"), 3, "S3 gateway on every private route table")
			continue
		}
		services[str(ep.Inputs, "serviceName")] = true
		require.True(t, ep.Inputs["privateDnsEnabled"].BoolValue(), ep.Name)
		require.Equal(t, privateIDs, strs(ep.Inputs, "subnetIds"), ep.Name)
		require.Equal(t, []string{str(sg.Outputs, "id")}, strs(ep.Inputs, "securityGroupIds"))
	}
	require.Equal(t, map[string]bool{
		"com.amazonaws.us-east-1.logs": true, "com.amazonaws.us-east-1.sagemaker.api": true, "com.amazonaws.us-east-1.sts": true,
	}, services, "one endpoint per distinct service")

	var sources []string
	for _, rule := range rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
		require.Equal(t, str(sg.Outputs, "id"), str(rule.Inputs, "securityGroupId"))
		require.Equal(t, 443.0, rule.Inputs["fromPort"].NumberValue())
		require.Equal(t, 443.0, rule.Inputs["toPort"].NumberValue())
		sources = append(sources, str(rule.Inputs, "cidrIpv4"))
	}
	sort.Strings(sources)
	require.Equal(t, []string{"10.0.0.0/16", "100.64.0.0/16"}, sources, "HTTPS from the VPC's own blocks only")
	require.Empty(t, rec.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"))
}

func TestFlowLogs(t *testing.T) {
	rec, err := build(t, args(2, false, ""))
	require.NoError(t, err)
	group := rec.ByName("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs")
	require.NotNil(t, group)
	require.Equal(t, keyARN, str(group.Inputs, "kmsKeyId"))
	require.Equal(t, 30.0, group.Inputs["retentionInDays"].NumberValue())
	require.False(t, group.Protect)

	fl := rec.ByName("aws:ec2/flowLog:FlowLog", "net-flow-log")
	require.NotNil(t, fl)
	require.Equal(t, "ALL", str(fl.Inputs, "trafficType"))
	require.Equal(t, str(group.Outputs, "arn"), str(fl.Inputs, "logDestination"))
	vpc := rec.ByType("aws:ec2/vpc:Vpc")[0]
	require.Equal(t, str(vpc.Outputs, "id"), str(fl.Inputs, "vpcId"))
	role := rec.ByName("aws:iam/role:Role", "net-flow-logs")
	require.Equal(t, str(role.Outputs, "arn"), str(fl.Inputs, "iamRoleArn"))

	require.Equal(t, "/aws/vpc-flow-logs/ml-platform-dev", str(group.Inputs, "name"))
	policy := rec.ByName("aws:iam/rolePolicy:RolePolicy", "net-flow-logs")
	var doc struct{ Statement []struct{ Resource []string } }
	require.NoError(t, json.Unmarshal([]byte(str(policy.Inputs, "policy")), &doc))
	require.Equal(t, []string{str(group.Outputs, "arn"), str(group.Outputs, "arn") + ":log-stream:*"}, doc.Statement[0].Resource,
		"the role writes to its own log group only, named by the ARN the group gets")
	require.Contains(t, policy.Dependencies, group.URN, "the policy waits for the group it names")

	// In a preview the group's ARN is unknown; the policy is not: it is
	// built from the group's fixed name, so the pack judges it at once.
	preview := mock.NewRecorder("ml-platform", "test", "us-east-1")
	preview.DryRun, preview.FirstPreview = true, true
	require.NoError(t, preview.Run(func(ctx *pulumi.Context) error {
		_, err := network.NewNetwork(ctx, "net", args(2, false, ""))
		return err
	}, nil))
	previewPolicy := preview.ByName("aws:iam/rolePolicy:RolePolicy", "net-flow-logs")
	require.True(t, previewPolicy.Inputs["policy"].IsString(), "known in a first preview, got %v", previewPolicy.Inputs["policy"])

	golden.AssertJSON(t, "flow-log-trust-policy.json", str(role.Inputs, "assumeRolePolicy"))
	golden.AssertJSON(t, "flow-log-write-policy.json", str(policy.Inputs, "policy"))
}

func TestProtectLogs(t *testing.T) {
	a := args(2, false, "")
	a.ProtectLogs = true
	rec, err := build(t, a)
	require.NoError(t, err)
	group := rec.ByName("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs")
	require.True(t, group.Protect)
	require.True(t, group.RetainOnDelete)
}

func TestArgsValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*network.NetworkArgs)
		want   string
	}{
		{"no AZs", func(a *network.NetworkArgs) { a.AvailabilityZones = nil }, "AvailabilityZones: 0 given; allowed: 1 to 6"},
		{"duplicate AZ", func(a *network.NetworkArgs) { a.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} }, `AvailabilityZones[1]: "us-east-1a" is not a distinct AZ name`},
		{"bad CIDR", func(a *network.NetworkArgs) { a.CIDR = "10.0.0.0" }, "CIDR/PodCIDR:"},
		{"bad service", func(a *network.NetworkArgs) { a.InterfaceEndpoints = []string{"Not A Service"} }, "InterfaceEndpoints[0]"},
		{"no key", func(a *network.NetworkArgs) { a.FlowLogKMSKeyARN = nil }, "FlowLogKMSKeyARN: required"},
		{"no retention", func(a *network.NetworkArgs) { a.FlowLogRetentionDays = 0 }, "FlowLogRetentionDays: 0"},
		{"bad group name", func(a *network.NetworkArgs) { a.FlowLogGroupName = "flow logs!" }, `FlowLogGroupName: "flow logs!"`},
		{"hybrid neither", func(a *network.NetworkArgs) { a.Hybrid = &network.HybridArgs{Routes: []string{"10.100.0.0/16"}} }, "Hybrid: set TransitGatewayID or VPN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := args(2, false, "")
			tc.mutate(a)
			rec, err := build(t, a)
			require.ErrorContains(t, err, tc.want)
			require.Empty(t, rec.Resources(), "nothing is registered for invalid args")
		})
	}
}

func TestArgsNotMutated(t *testing.T) {
	a := args(2, false, "")
	before := append([]string(nil), a.InterfaceEndpoints...)
	_, err := build(t, a)
	require.NoError(t, err)
	require.Equal(t, before, a.InterfaceEndpoints)
}

var (
	str  = mock.String
	strs = mock.Strings
)

// TestInterfaceEndpointPolicies: services that take an endpoint policy
// admit this account's principals only; STS keeps the default (web
// identity calls are unsigned).
func TestInterfaceEndpointPolicies(t *testing.T) {
	rec, err := build(t, args(2, false, ""))
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, ep := range rec.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
		svc := mock.String(ep.Inputs, "serviceName")
		policy := mock.String(ep.Inputs, "policy")
		switch {
		case strings.HasSuffix(svc, ".sts"):
			seen["sts"] = true
			require.Empty(t, policy, "STS keeps the default policy")
		case strings.HasSuffix(svc, ".logs"), strings.HasSuffix(svc, ".sagemaker.api"):
			seen[svc] = true
			var doc struct {
				Statement []struct {
					Condition map[string]map[string][]string
				}
			}
			require.NoError(t, json.Unmarshal([]byte(policy), &doc), svc)
			require.Equal(t, []string{mock.AccountID}, doc.Statement[0].Condition["StringEquals"]["aws:PrincipalAccount"], svc)
		}
	}
	require.Len(t, seen, 3)
}
