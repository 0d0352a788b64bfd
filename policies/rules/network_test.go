package rules

import (
	"maps"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestVPCFlowLogs(t *testing.T) {
	vpcA := res(vpcType, "a", nil)
	vpcA.ID = "vpc-0a"
	vpcB := res(vpcType, "b", nil)
	byDeps := res(flowLogType, "a-flow", map[string]property.Value{"vpcId": computed})
	byDeps.PropertyDependencies = map[string][]string{"vpcId": {vpcA.URN}}
	byID := res(flowLogType, "a-flow", map[string]property.Value{"vpcId": property.New("vpc-0a")})
	unattributable := res(flowLogType, "x-flow", map[string]property.Value{"vpcId": computed})
	missing := func(v Resource) Finding {
		return Finding{URN: v.URN, Message: "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC"}
	}

	tests := []struct {
		name string
		rs   []Resource
		want []Finding
	}{
		{name: "no VPC", rs: []Resource{byID}},
		{name: "VPC without flow log", rs: []Resource{vpcA}, want: []Finding{missing(vpcA)}},
		{name: "flow log by property dependency", rs: []Resource{vpcA, byDeps}},
		{name: "flow log by physical ID", rs: []Resource{byID, vpcA}},
		{name: "one of two VPCs covered", rs: []Resource{vpcA, vpcB, byDeps}, want: []Finding{missing(vpcB)}},
		{name: "flow log with unknown target never fires", rs: []Resource{vpcA, vpcB, unattributable}},
	}
	rule := stackRuleByName(t, "vpc-flow-logs-enabled")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rule.Check(tt.rs, MergeConfig(rule.Defaults, nil))
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// The advisory rule judges non-prod VPCs, the mandatory -prod rule prod
	// and staging ones; a VPC is judged by exactly one of them.
	prodVPC := mk(vpcType, "p", map[string]any{"tags": envTags("prod")})
	devVPC := mk(vpcType, "d", map[string]any{"tags": envTags("dev")})
	runStackCases(t, "vpc-flow-logs-enabled", []stackCase{
		{name: "dev VPC", rs: []Resource{devVPC}, want: []Finding{missing(devVPC)}},
		{name: "prod VPC is the -prod rule's", rs: []Resource{prodVPC}},
	})
	runStackCases(t, "vpc-flow-logs-enabled-prod", []stackCase{
		{name: "prod VPC", rs: []Resource{prodVPC}, want: []Finding{missing(prodVPC)}},
		{name: "staging VPC", rs: []Resource{withProps(prodVPC, map[string]any{"tags": envTags("staging")})}, want: []Finding{missing(prodVPC)}},
		{name: "dev VPC is the advisory rule's", rs: []Resource{devVPC}},
	})
}

func TestPrivateLinkEndpoints(t *testing.T) {
	vpc := res(vpcType, "net", nil)
	vpc.ID = "vpc-0a"
	ep := func(svc, typ string, dns any, vpcID any) Resource {
		props := map[string]any{"serviceName": "com.amazonaws.us-east-1." + svc, "vpcEndpointType": typ, "vpcId": vpcID}
		if dns != nil {
			props["privateDnsEnabled"] = dns
		}
		return mk(vpcEndpointType, "net-"+svc, props)
	}
	full := []Resource{
		vpc,
		ep("s3", "Gateway", nil, "vpc-0a"),
		withDeps(ep("sts", "Interface", true, computed), "vpcId", vpc.URN),
		ep("ecr.api", "Interface", true, "vpc-0a"),
		ep("ecr.dkr", "Interface", true, "vpc-0a"),
	}
	other := res(vpcType, "other", nil)
	runStackCases(t, "vpc-endpoints-present", []stackCase{
		{name: "all present, by ID and by dependency", rs: full},
		{name: "none", rs: []Resource{vpc}, want: []Finding{{vpc.URN, "no VPC endpoint for ecr.api, ecr.dkr, s3, sts"}}},
		{name: "one missing", rs: full[:4], want: []Finding{{vpc.URN, "no VPC endpoint for ecr.dkr:"}}},
		{
			name: "private DNS off",
			rs:   append(slices.Clone(full[:3]), ep("ecr.api", "Interface", false, "vpc-0a"), full[4]),
			want: []Finding{{vpc.URN, "the endpoints for ecr.api have privateDnsEnabled off"}},
		},
		{
			name: "private DNS unset (the provider's default is off)",
			rs:   append(slices.Clone(full[:3]), ep("ecr.api", "Interface", nil, "vpc-0a"), full[4]),
			want: []Finding{{vpc.URN, "ecr.api"}},
		},
		{name: "private DNS unknown", rs: append(slices.Clone(full[:3]), ep("ecr.api", "Interface", computed, "vpc-0a"), full[4])},
		{
			name: "an interface-only service through a gateway does not count",
			rs:   append(slices.Clone(full[:2]), ep("sts", "Gateway", nil, "vpc-0a"), full[3], full[4]),
			want: []Finding{{vpc.URN, "the endpoints for sts"}},
		},
		{name: "other VPC's endpoints do not count", rs: append(slices.Clone(full), other), want: []Finding{{other.URN, "no VPC endpoint for"}}},
		{name: "endpoint of unknown VPC keeps the rule quiet", rs: []Resource{vpc, ep("sts", "Interface", true, computed)}},
		{name: "endpoint of unknown service keeps missing quiet", rs: []Resource{vpc, mk(vpcEndpointType, "x", map[string]any{"vpcId": "vpc-0a", "serviceName": computed})}},
		{name: "config", rs: []Resource{vpc, full[1]}, cfg: map[string]any{"requiredServices": []any{"s3"}}},
	})
	if got := endpointService("com.amazonaws.us-east-1.sagemaker.api"); got != "sagemaker.api" {
		t.Errorf("endpointService = %q", got)
	}
}

func TestEKSEndpointNotWorld(t *testing.T) {
	comp := func(props map[string]any) Resource {
		return mk(eksClusterType, "eks", map[string]any{"vpcConfig": props})
	}
	cluster := func(vpcConfig any) Resource { return mk(eksClusterType, "eks", map[string]any{"vpcConfig": vpcConfig}) }
	runRuleCases(t, "eks-endpoint-cidrs-restricted", []ruleCase{
		{name: "public with CIDRs", r: comp(map[string]any{"endpointPublicAccess": true, "publicAccessCidrs": []string{"203.0.113.0/24"}})},
		{name: "private only", r: comp(map[string]any{"endpointPublicAccess": false, "endpointPrivateAccess": true})},
		{name: "defaults are public to the world", r: mk(eksClusterType, "eks", nil), want: []string{"the public API endpoint admits 0.0.0.0/0"}},
		{name: "explicit world", r: comp(map[string]any{"publicAccessCidrs": []string{"10.0.0.0/8", "0.0.0.0/0"}}), want: []string{"admits 0.0.0.0/0"}},
		{name: "IPv6 world", r: comp(map[string]any{"publicAccessCidrs": []string{"::/0"}}), want: []string{"::/0"}},
		{name: "CIDRs unknown", r: comp(map[string]any{"publicAccessCidrs": computed})},
		{name: "public flag unknown", r: comp(map[string]any{"endpointPublicAccess": computed})},
		{name: "pulumi-eks component with empty inputs", r: mk("eks:index:Cluster", "eks", nil)},
		{name: "cluster restricted", r: cluster(map[string]any{"publicAccessCidrs": []string{"203.0.113.0/24"}})},
		{name: "cluster default", r: cluster(map[string]any{"subnetIds": []string{"s-1"}}), want: []string{"vpcConfig.publicAccessCidrs"}},
		{name: "cluster vpcConfig unknown", r: cluster(computed)},
	})
}

func TestEKSEndpointPrivateProd(t *testing.T) {
	comp := func(env string, props map[string]any) Resource {
		return mk(eksClusterType, "eks", map[string]any{"tags": envTags(env), "vpcConfig": props})
	}
	runRuleCases(t, "eks-endpoint-private-prod", []ruleCase{
		{name: "prod private", r: comp("prod", map[string]any{"endpointPublicAccess": false, "endpointPrivateAccess": true})},
		{
			name: "prod defaults", r: comp("prod", map[string]any{}),
			want: []string{"endpointPublicAccess is on", "endpointPrivateAccess is off"},
		},
		{name: "staging public", r: comp("staging", map[string]any{"endpointPublicAccess": true, "endpointPrivateAccess": true}), want: []string{"endpointPublicAccess is on"}},
		{name: "dev public", r: comp("dev", map[string]any{"endpointPublicAccess": true})},
		{name: "prod unknown", r: comp("prod", map[string]any{"endpointPublicAccess": computed, "endpointPrivateAccess": computed})},
		{name: "no environment", r: mk(eksClusterType, "eks", nil)},
		{
			name: "aws cluster in prod",
			r: mk(eksClusterType, "eks", map[string]any{"tags": envTags("prod"), "vpcConfig": map[string]any{
				"endpointPublicAccess": true, "endpointPrivateAccess": false}}),
			want: []string{"vpcConfig.endpointPublicAccess is on", "vpcConfig.endpointPrivateAccess is off"},
		},
	})
}

func TestSageMakerIsolation(t *testing.T) {
	runRuleCases(t, "sagemaker-domain-vpc-only", []ruleCase{
		{name: "VpcOnly", r: mk(smDomainType, "d", map[string]any{"appNetworkAccessType": "VpcOnly"})},
		{name: "default", r: mk(smDomainType, "d", nil), want: []string{"appNetworkAccessType is not set (AWS defaults to PublicInternetOnly)"}},
		{name: "public", r: mk(smDomainType, "d", map[string]any{"appNetworkAccessType": "PublicInternetOnly"}), want: []string{"is PublicInternetOnly"}},
		{name: "unknown", r: mk(smDomainType, "d", map[string]any{"appNetworkAccessType": computed})},
	})
	runRuleCases(t, "sagemaker-notebook-internet-disabled", []ruleCase{
		{name: "disabled", r: mk(smNotebookType, "nb", map[string]any{"directInternetAccess": "Disabled"})},
		{name: "default", r: mk(smNotebookType, "nb", nil), want: []string{"directInternetAccess is not set (AWS defaults to Enabled)"}},
		{name: "unknown", r: mk(smNotebookType, "nb", map[string]any{"directInternetAccess": computed})},
	})
	runRuleCases(t, "sagemaker-notebook-root-disabled", []ruleCase{
		{name: "disabled", r: mk(smNotebookType, "nb", map[string]any{"rootAccess": "Disabled"})},
		{name: "enabled", r: mk(smNotebookType, "nb", map[string]any{"rootAccess": "Enabled"}), want: []string{"rootAccess is Enabled"}},
		{name: "unknown", r: mk(smNotebookType, "nb", map[string]any{"rootAccess": computed})},
	})
}

func TestServerlessOutsideProd(t *testing.T) {
	config := func(env string, variants ...any) Resource {
		return mk(smEndpointConfigType, "c", map[string]any{"productionVariants": variants, "tags": envTags(env)})
	}
	serverless := map[string]any{"variantName": "sl", "serverlessConfig": map[string]any{"maxConcurrency": 5, "memorySizeInMb": 2048}}
	instances := map[string]any{"variantName": "main", "instanceType": "ml.m5.large", "initialInstanceCount": 2}
	runRuleCases(t, "sagemaker-serverless-outside-prod", []ruleCase{
		{name: "instances in prod", r: config("prod", instances)},
		{name: "serverless in prod", r: config("prod", serverless), want: []string{"productionVariants[0] is serverless"}},
		{name: "serverless in staging", r: config("staging", instances, serverless), want: []string{"productionVariants[1] is serverless"}},
		{name: "serverless in dev", r: config("dev", serverless)},
		{name: "variants unknown", r: mk(smEndpointConfigType, "c", map[string]any{"productionVariants": computed, "tags": envTags("prod")})},
	})
}

func TestModelNetworkIsolation(t *testing.T) {
	model := func(name string, isolation any) Resource {
		return mk(smModelType, name, map[string]any{"name": name, "enableNetworkIsolation": isolation})
	}
	config := func(name string, variants ...map[string]any) Resource {
		var vs []any
		for _, v := range variants {
			vs = append(vs, v)
		}
		return mk(smEndpointConfigType, name, map[string]any{"productionVariants": vs})
	}
	instances := func(model string) map[string]any {
		return map[string]any{"variantName": "main", "modelName": model, "instanceType": "ml.m5.large", "initialInstanceCount": 2}
	}
	serverless := func(model any) map[string]any {
		return map[string]any{"variantName": "sl", "modelName": model,
			"serverlessConfig": map[string]any{"maxConcurrency": 5, "memorySizeInMb": 2048}}
	}
	open := model("m", false)
	unset := mk(smModelType, "m", map[string]any{"name": "m"})
	autoNamed := mk(smModelType, "m", map[string]any{"enableNetworkIsolation": false})
	runStackCases(t, "sagemaker-model-network-isolated", []stackCase{
		{name: "isolated", rs: []Resource{model("m", true), config("c", instances("m"))}},
		{name: "unset", rs: []Resource{unset}, want: []Finding{{unset.URN, "enableNetworkIsolation is not true"}}},
		{name: "off on instances", rs: []Resource{open, config("c", instances("m"))}, want: []Finding{{open.URN, "enableNetworkIsolation"}}},
		{name: "off, served only by serverless", rs: []Resource{open, config("c", serverless("m"))}},
		{name: "off, serverless by dependency", rs: []Resource{open, withDeps(config("c", serverless(computed)), "productionVariants", open.URN)}},
		{name: "off, also on instances elsewhere", rs: []Resource{open, config("c", serverless("m")), config("d", instances("m"))},
			want: []Finding{{open.URN, "enableNetworkIsolation"}}},
		{name: "off, serverless names another model", rs: []Resource{open, config("c", serverless("other"))}, want: []Finding{{open.URN, "enableNetworkIsolation"}}},
		{name: "unknown", rs: []Resource{model("m", computed)}},
		// An auto-named model: its name is an output, the dependency tells.
		{name: "auto-named, serverless by dependency", rs: []Resource{autoNamed, withDeps(config("c", serverless("m-5f3a2c1")), "productionVariants", autoNamed.URN)}},
		{name: "auto-named, on instances by dependency", rs: []Resource{autoNamed, withDeps(config("c", instances("m-5f3a2c1")), "productionVariants", autoNamed.URN)},
			want: []Finding{{autoNamed.URN, "enableNetworkIsolation"}}},
	})
}

func TestNoPublicIP(t *testing.T) {
	lt := func(assoc any) Resource {
		return mk(launchTemplateType, "lt", map[string]any{"networkInterfaces": []any{
			map[string]any{"deviceIndex": 0, "associatePublicIpAddress": assoc}}})
	}
	runRuleCases(t, "ec2-public-ip-disabled", []ruleCase{
		{name: "template private", r: lt("false")},
		{name: "template public (string)", r: lt("true"), want: []string{"networkInterfaces[0].associatePublicIpAddress is true"}},
		{name: "template unknown", r: lt(computed)},
		{name: "template without interfaces", r: mk(launchTemplateType, "lt", nil)},
		{name: "instance public", r: mk(ec2InstanceType, "i", map[string]any{"associatePublicIpAddress": true}), want: []string{"associatePublicIpAddress is true"}},
		{name: "instance private", r: mk(ec2InstanceType, "i", map[string]any{"associatePublicIpAddress": false})},
		{name: "public subnet mapping", r: mk(subnetType, "s", map[string]any{"mapPublicIpOnLaunch": true}), want: []string{"mapPublicIpOnLaunch is true"}},
		{name: "subnet without mapping", r: mk(subnetType, "s", map[string]any{"mapPublicIpOnLaunch": false})},
		{name: "pulumi-eks component: its children are judged", r: mk("eks:index:Cluster", "eks", nil)},
	})
}

func TestIMDSv2(t *testing.T) {
	lt := func(mo any) Resource { return mk(launchTemplateType, "lt", map[string]any{"metadataOptions": mo}) }
	runRuleCases(t, "ec2-imdsv2-required", []ruleCase{
		{name: "required", r: lt(map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": 2})},
		{name: "optional", r: lt(map[string]any{"httpTokens": "optional"}), want: []string{"httpTokens is optional"}},
		{name: "tokens unset", r: lt(map[string]any{"httpEndpoint": "enabled"}), want: []string{"httpTokens is not set"}},
		{name: "no metadata options", r: mk(launchTemplateType, "lt", nil), want: []string{"metadataOptions is not set"}},
		{name: "IMDS disabled", r: lt(map[string]any{"httpEndpoint": "disabled"})},
		{name: "options unknown", r: lt(computed)},
		{name: "tokens unknown", r: lt(map[string]any{"httpTokens": computed})},
		{name: "instance", r: mk(ec2InstanceType, "i", map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}}), want: []string{"httpTokens is optional"}},
		{name: "pulumi-eks node group component: its launch template is judged", r: mk("eks:index:ManagedNodeGroup", "ng", nil)},
		{name: "notebook v2", r: mk(smNotebookType, "nb", map[string]any{"instanceMetadataServiceConfiguration": map[string]any{"minimumInstanceMetadataServiceVersion": "2"}})},
		{name: "notebook default", r: mk(smNotebookType, "nb", nil), want: []string{"minimumInstanceMetadataServiceVersion is not 2"}},
	})
}

func TestIMDSHopLimit(t *testing.T) {
	lt := func(hops any) Resource {
		return mk(launchTemplateType, "lt", map[string]any{"metadataOptions": map[string]any{"httpTokens": "required", "httpPutResponseHopLimit": hops}})
	}
	runRuleCases(t, "ec2-imds-hop-limit-low", []ruleCase{
		{name: "1", r: lt(1)},
		{name: "2, the pods' opt-in", r: lt(2), want: []string{"httpPutResponseHopLimit is 2; use at most 1"}},
		{name: "3", r: lt(3), want: []string{"httpPutResponseHopLimit is 3; use at most 1"}},
		{name: "unknown", r: lt(computed)},
		{name: "unset (1)", r: mk(launchTemplateType, "lt", nil)},
		{name: "config", r: lt(3), cfg: map[string]any{"maxHopLimit": 3}},
	})
}

func TestS3PublicAccessAndOwnership(t *testing.T) {
	bpa := func(props map[string]any) Resource { return mk(s3PublicAccessType, "bpa", props) }
	all := map[string]any{"bucket": "b", "blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}
	runRuleCases(t, "s3-public-access-blocked", []ruleCase{
		{name: "all four", r: bpa(all)},
		{name: "one off", r: bpa(map[string]any{"blockPublicAcls": true, "blockPublicPolicy": false, "ignorePublicAcls": true, "restrictPublicBuckets": true}),
			want: []string{"blockPublicPolicy is not true"}},
		{name: "unset defaults to false", r: bpa(map[string]any{"bucket": "b"}), want: []string{"blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets are not true"}},
		{name: "unknown flags", r: bpa(map[string]any{"blockPublicAcls": computed, "blockPublicPolicy": computed, "ignorePublicAcls": computed, "restrictPublicBuckets": computed})},
	})
	runRuleCases(t, "s3-bucket-ownership-enforced", []ruleCase{
		{name: "enforced", r: mk(s3OwnershipType, "o", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerEnforced"}})},
		{name: "preferred", r: mk(s3OwnershipType, "o", map[string]any{"rule": map[string]any{"objectOwnership": "BucketOwnerPreferred"}}), want: []string{"is BucketOwnerPreferred"}},
		{name: "unset", r: mk(s3OwnershipType, "o", nil), want: []string{"is not set"}},
		{name: "unknown", r: mk(s3OwnershipType, "o", map[string]any{"rule": computed})},
	})
	const public = `{"Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
	const tlsOnly = `{"Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	runRuleCases(t, "s3-bucket-policy-not-public", []ruleCase{
		{name: "TLS only", r: mk(s3BucketPolicyType, "p", map[string]any{"policy": tlsOnly})},
		{name: "public read", r: mk(s3BucketPolicyType, "p", map[string]any{"policy": public}), want: []string{"bucket policy statement Public allows any principal"}},
		{name: "bucket's own policy", r: mk(s3BucketV2Type, "b", map[string]any{"policy": public}), want: []string{"statement Public"}},
		{name: "unknown", r: mk(s3BucketPolicyType, "p", map[string]any{"policy": computed})},
	})
}

func TestS3PublicAccessBlockAttached(t *testing.T) {
	b := mk(s3BucketV2Type, "data", nil)
	b.ID = "ml-data"
	other := mk(s3BucketV2Type, "other", nil)
	block := mk(s3PublicAccessType, "data-bpa", map[string]any{"bucket": "ml-data"})
	runStackCases(t, "s3-public-access-block-attached", []stackCase{
		{name: "attached", rs: []Resource{b, block}},
		{name: "by dependency", rs: []Resource{b, withDeps(mk(s3PublicAccessType, "x", map[string]any{"bucket": computed}), "bucket", b.URN)}},
		{name: "missing", rs: []Resource{b, block, other}, want: []Finding{{other.URN, "no aws:s3/bucketPublicAccessBlock refers to this bucket"}}},
		{name: "unresolved", rs: []Resource{b, other, mk(s3PublicAccessType, "x", map[string]any{"bucket": computed})}},
	})
}

func TestSecurityGroupWorldIngress(t *testing.T) {
	rule := func(cidr4, cidr6 any, proto string, from, to int) Resource {
		props := map[string]any{"ipProtocol": proto, "fromPort": from, "toPort": to}
		if cidr4 != nil {
			props["cidrIpv4"] = cidr4
		}
		if cidr6 != nil {
			props["cidrIpv6"] = cidr6
		}
		return mk(sgIngressRuleType, "in", props)
	}
	runRuleCases(t, "ec2-security-group-no-world-ingress", []ruleCase{
		{name: "from the VPC", r: rule("10.0.0.0/16", nil, "tcp", 443, 443)},
		{name: "SSH from anywhere", r: rule("0.0.0.0/0", nil, "tcp", 22, 22), want: []string{"the rule admits tcp port 22 from 0.0.0.0/0"}},
		{name: "all from anywhere IPv6", r: rule(nil, "::/0", "-1", 0, 0), want: []string{"admits all traffic from ::/0"}},
		{name: "CIDR unknown", r: rule(computed, nil, "tcp", 22, 22)},
		{name: "allowed port", r: rule("0.0.0.0/0", nil, "tcp", 443, 443), cfg: map[string]any{"allowedPorts": []any{443.0}}},
		{name: "allowed port does not cover a range", r: rule("0.0.0.0/0", nil, "tcp", 440, 450), cfg: map[string]any{"allowedPorts": []any{443.0}}, want: []string{"tcp ports 440-450"}},
		{name: "allowed port does not cover all protocols", r: rule("0.0.0.0/0", nil, "-1", 0, 0), cfg: map[string]any{"allowedPorts": []any{443.0}}, want: []string{"all traffic"}},
		{
			name: "ec2 rule",
			r:    mk(securityGroupRuleType, "r", map[string]any{"type": "ingress", "protocol": "tcp", "fromPort": 0, "toPort": 65535, "cidrBlocks": []string{"0.0.0.0/0"}}),
			want: []string{"tcp ports 0-65535 from 0.0.0.0/0"},
		},
		{name: "ec2 egress rule", r: mk(securityGroupRuleType, "r", map[string]any{"type": "egress", "protocol": "-1", "cidrBlocks": []string{"0.0.0.0/0"}})},
		{
			name: "inline ingress",
			r: mk(securityGroupType, "sg", map[string]any{"ingress": []any{
				map[string]any{"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": []string{"10.0.0.0/8"}},
				map[string]any{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": []string{"0.0.0.0/0"}},
			}}),
			want: []string{"ingress[1] admits tcp port 22"},
		},
		{name: "default security group", r: mk(defaultSGType, "d", map[string]any{"ingress": []any{map[string]any{"protocol": "-1", "fromPort": 0, "toPort": 0, "ipv6CidrBlocks": []string{"::/0"}}}}), want: []string{"all traffic"}},
		{name: "inline unknown", r: mk(securityGroupType, "sg", map[string]any{"ingress": computed})},
	})
}

func TestNodeSSH(t *testing.T) {
	runRuleCases(t, "eks-node-ssh-disabled", []ruleCase{
		{name: "node group without remote access", r: mk(eksNodeGroupType, "ng", map[string]any{"labels": map[string]any{}})},
		{name: "node group with remote access", r: mk(eksNodeGroupType, "ng", map[string]any{"remoteAccess": map[string]any{"ec2SshKey": "ops"}}), want: []string{"remoteAccess is set"}},
		{name: "remote access unknown", r: mk(eksNodeGroupType, "ng", map[string]any{"remoteAccess": computed})},
		{name: "template key", r: mk(launchTemplateType, "lt", map[string]any{"keyName": "ops"}), want: []string{"keyName is set"}},
		{name: "template key unknown", r: mk(launchTemplateType, "lt", map[string]any{"keyName": computed})},
		{name: "template without key", r: mk(launchTemplateType, "lt", nil)},
		{name: "pulumi-eks components are not judged", r: mk("eks:index:NodeGroupV2", "ng", map[string]any{"nodePublicKey": "ssh-ed25519 AAAA"})},
	})
}

func TestKarpenterNodeClass(t *testing.T) {
	nc := func(spec map[string]any) Resource {
		return mk(karpenterNodeClassType, "accelerated", map[string]any{"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "spec": spec})
	}
	good := nc(map[string]any{
		"metadataOptions":     map[string]any{"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
		"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"encrypted": true, "kmsKeyID": "arn:k"}}},
	})
	runRuleCases(t, "ec2-imdsv2-required", []ruleCase{
		{name: "required", r: good},
		{name: "Karpenter's default is required", r: nc(map[string]any{})},
		{name: "optional", r: nc(map[string]any{"metadataOptions": map[string]any{"httpTokens": "optional"}}), want: []string{"spec.metadataOptions.httpTokens is optional"}},
	})
	runRuleCases(t, "ec2-imds-hop-limit-low", []ruleCase{
		{name: "1", r: good},
		{name: "2, the named opt-in, is flagged", r: nc(map[string]any{"metadataOptions": map[string]any{"httpPutResponseHopLimit": 2}}),
			want: []string{"spec.metadataOptions.httpPutResponseHopLimit is 2; use at most 1"}},
		{name: "3", r: nc(map[string]any{"metadataOptions": map[string]any{"httpPutResponseHopLimit": 3}}), want: []string{"spec.metadataOptions.httpPutResponseHopLimit is 3"}},
	})
	runRuleCases(t, "ec2-volume-encrypted", []ruleCase{
		{name: "encrypted with a key", r: good},
		{name: "Karpenter's default mappings", r: nc(map[string]any{})},
		{name: "unencrypted", r: nc(map[string]any{"blockDeviceMappings": []any{map[string]any{"deviceName": "/dev/xvda", "ebs": map[string]any{"volumeSize": "100Gi"}}}}),
			want: []string{"spec.blockDeviceMappings[0] (/dev/xvda) is not encrypted"}},
		{name: "AWS-managed key", r: nc(map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"encrypted": true}}}}),
			want: []string{"ebs.kmsKeyID"}},
		{name: "unknown", r: nc(map[string]any{"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"encrypted": computed}}}})},
	})
}

func TestVPNCrypto(t *testing.T) {
	strong := map[string]any{}
	for _, tunnel := range []string{"tunnel1", "tunnel2"} {
		strong[tunnel+"IkeVersions"] = []any{"ikev2"}
		for _, phase := range []string{"Phase1", "Phase2"} {
			strong[tunnel+phase+"EncryptionAlgorithms"] = []any{"AES256", "AES256-GCM-16"}
			strong[tunnel+phase+"IntegrityAlgorithms"] = []any{"SHA2-256", "SHA2-512"}
			strong[tunnel+phase+"DhGroupNumbers"] = []any{14, 19, 20}
		}
	}
	with := func(k string, v any) Resource {
		props := maps.Clone(strong)
		if v == nil {
			delete(props, k)
		} else {
			props[k] = v
		}
		return mk(vpnConnectionType, "vpn", props)
	}
	runRuleCases(t, "vpn-tunnel-crypto-strong", []ruleCase{
		{name: "strong", r: mk(vpnConnectionType, "vpn", strong)},
		{name: "unknown", r: with("tunnel2IkeVersions", computed)},
		{name: "ikev1", r: with("tunnel1IkeVersions", []any{"ikev1", "ikev2"}), want: []string{"tunnel1IkeVersions allows ikev1"}},
		{name: "sha1", r: with("tunnel2Phase2IntegrityAlgorithms", []any{"SHA1"}), want: []string{"tunnel2Phase2IntegrityAlgorithms allows SHA1"}},
		{name: "group 5 in phase 2", r: with("tunnel1Phase2DhGroupNumbers", []any{5, 14}), want: []string{"tunnel1Phase2DhGroupNumbers allows 5"}},
		{name: "AWS defaults", r: with("tunnel2Phase1DhGroupNumbers", nil), want: []string{"tunnel2Phase1DhGroupNumbers is not set"}},
		// RFC 8247 section 2.4: groups 22-24 SHOULD NOT be used.
		{name: "group 24 in phase 1", r: with("tunnel1Phase1DhGroupNumbers", []any{14, 24}), want: []string{"tunnel1Phase1DhGroupNumbers allows 24"}},
		{name: "groups 22 and 23 in phase 2", r: with("tunnel2Phase2DhGroupNumbers", []any{22, 23}),
			want: []string{"tunnel2Phase2DhGroupNumbers allows 22", "tunnel2Phase2DhGroupNumbers allows 23"}},
		{name: "groups 15 to 21", r: with("tunnel1Phase1DhGroupNumbers", []any{15, 16, 17, 18, 19, 20, 21})},
	})
}
