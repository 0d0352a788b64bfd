package rules

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/conventions"
)

// DefaultPrivateLinkServices are the endpoint services a private node needs
// without a NAT gateway: credentials (sts) and image pulls (ecr.api, ecr.dkr,
// and s3 for the layers).
var DefaultPrivateLinkServices = []string{"ecr.api", "ecr.dkr", "s3", "sts"}

// gatewayServices can be reached through a gateway endpoint, which needs no
// private DNS.
var gatewayServices = []string{"s3", "dynamodb"}

func init() {
	register(ConcernNetwork,
		Rule{
			Name: "eks-endpoint-cidrs-restricted",
			Description: "An EKS API server endpoint that is public is restricted to listed CIDR " +
				"blocks, never 0.0.0.0/0 (the default of both pulumi-eks and AWS).",
			Checks: "A public API endpoint (`vpcConfig.endpointPublicAccess`, on by default, on `aws:eks/cluster:Cluster`) " +
				"lists `vpcConfig.publicAccessCidrs` and none of them is a `/0` (unset means `0.0.0.0/0`).",
			Level: Mandatory,
			Types: []string{eksClusterType},
			Check: checkEKSEndpointNotWorld,
		},
		Rule{
			Name: "eks-endpoint-private-prod",
			Description: "In prod and staging the EKS API server is reachable only from inside the VPC " +
				"and the networks its security group admits: private endpoint on, public endpoint off.",
			Checks: "In prod and staging `aws:eks/cluster:Cluster` has `vpcConfig.endpointPublicAccess: false` and " +
				"`vpcConfig.endpointPrivateAccess: true`.",
			Level: Mandatory,
			Types: []string{eksClusterType},
			Scope: ScopeProdLike,
			Check: checkEKSEndpointPrivate,
		},
		Rule{
			Name: "eks-endpoint-private-everywhere",
			Description: "Compliance profiles: no EKS API endpoint is public, in any environment; deployers reach " +
				"the private endpoint through a VPN or a runner in the VPC.",
			Checks: "`aws:eks/cluster:Cluster` has `vpcConfig.endpointPublicAccess: false` and `endpointPrivateAccess: true`, " +
				"whatever the environment. Off unless a compliance profile turns it on.",
			Level: Disabled,
			Types: []string{eksClusterType},
			Check: checkEKSEndpointPrivate,
		},
		Rule{
			Name: "sagemaker-domain-vpc-only",
			Description: "SageMaker domains send Studio traffic through the VPC (VpcOnly), not " +
				"through SageMaker's internet access.",
			Checks: "`aws:sagemaker/domain:Domain` sets `appNetworkAccessType: VpcOnly` (AWS defaults to `PublicInternetOnly`).",
			Level:  Mandatory,
			Types:  []string{smDomainType},
			Check:  requireValue("appNetworkAccessType", "VpcOnly", "PublicInternetOnly"),
		},
		Rule{
			Name:        "sagemaker-notebook-internet-disabled",
			Description: "SageMaker notebook instances have no direct internet access; they reach the internet, if at all, through the VPC.",
			Checks:      "`aws:sagemaker/notebookInstance:NotebookInstance` sets `directInternetAccess: Disabled` (default `Enabled`).",
			Level:       Mandatory,
			Types:       []string{smNotebookType},
			Check:       requireValue("directInternetAccess", "Disabled", "Enabled"),
		},
		Rule{
			Name:        "sagemaker-notebook-root-disabled",
			Description: "Users of SageMaker notebook instances do not get root.",
			Checks:      "`aws:sagemaker/notebookInstance:NotebookInstance` sets `rootAccess: Disabled` (default `Enabled`).",
			Level:       Mandatory,
			Types:       []string{smNotebookType},
			Check:       requireValue("rootAccess", "Disabled", "Enabled"),
		},
		Rule{
			Name: "ec2-public-ip-disabled",
			Description: "Nodes and instances get no public IP: launch template interfaces, instances, " +
				"and subnets that map public IPs on launch.",
			Checks: "No `networkInterfaces[].associatePublicIpAddress` `\"true\"` in launch templates, no " +
				"`associatePublicIpAddress: true` on instances, no `mapPublicIpOnLaunch: true` on subnets.",
			Level: Mandatory,
			Types: []string{launchTemplateType, ec2InstanceType, subnetType},
			Check: checkNoPublicIP,
		},
		Rule{
			Name: "ec2-imdsv2-required",
			Description: "Instances require IMDSv2 session tokens, which stop SSRF-style theft of the " +
				"node role's credentials: launch templates, Karpenter EC2NodeClasses, instances, notebooks.",
			Checks: "Launch templates and instances set `metadataOptions.httpTokens: required` (or disable IMDS); Karpenter " +
				"`EC2NodeClass` does not set `spec.metadataOptions.httpTokens` to anything else (its default is required); " +
				"notebooks set `instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion: \"2\"`.",
			Level: Mandatory,
			Types: concat([]string{launchTemplateType, ec2InstanceType, smNotebookType}, nodeClassTypes),
			Check: checkIMDSv2,
		},
		Rule{
			Name: "ec2-imds-hop-limit-low",
			Description: "Instance metadata answers one network hop only, so pods (one hop further) cannot " +
				"take the node role's credentials: they use EKS Pod Identity. A node group that opts in to " +
				"allowPodIMDS raises it to 2 and is flagged here.",
			Checks: "`metadataOptions.httpPutResponseHopLimit` of launch templates and instances, and " +
				"`spec.metadataOptions.httpPutResponseHopLimit` of `EC2NodeClass`, is at most the maximum.",
			Level:        Advisory,
			Types:        concat([]string{launchTemplateType, ec2InstanceType}, nodeClassTypes),
			ConfigSchema: map[string]map[string]any{"maxHopLimit": integer("Largest httpPutResponseHopLimit accepted.", 1, 64)},
			Defaults:     map[string]any{"maxHopLimit": float64(conventions.IMDSHopLimit)},
			Check:        checkIMDSHopLimit,
		},
		Rule{
			Name:        "s3-public-access-blocked",
			Description: "S3 public access blocks turn on all four settings.",
			Checks: "`aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock` sets all four of `blockPublicAcls`, " +
				"`blockPublicPolicy`, `ignorePublicAcls`, `restrictPublicBuckets` (each defaults to false).",
			Level: Mandatory,
			Types: []string{s3PublicAccessType},
			Check: checkS3PublicAccessBlock,
		},
		Rule{
			Name: "s3-bucket-ownership-enforced",
			Description: "S3 object ownership is BucketOwnerEnforced: ACLs are disabled, so no object " +
				"can be made public or foreign-owned through an ACL.",
			Checks: "`aws:s3/bucketOwnershipControls:BucketOwnershipControls` sets `rule.objectOwnership: BucketOwnerEnforced`.",
			Level:  Mandatory,
			Types:  []string{s3OwnershipType},
			Check:  checkS3Ownership,
		},
		Rule{
			Name: "s3-bucket-policy-not-public",
			Description: "Bucket policies never allow every principal without a condition (a public bucket). " +
				"Deny statements with \"*\" (such as TLS-only) are fine.",
			Checks: "`aws:s3/bucketPolicy:BucketPolicy` (and a bucket's own `policy`) has no `Allow` for every principal " +
				"without a `Condition`.",
			Level: Mandatory,
			Types: concat([]string{s3BucketPolicyType}, bucketTypes),
			Check: checkS3BucketPolicy,
		},
		Rule{
			Name: "ec2-security-group-no-world-ingress",
			Description: "No security group admits traffic from the whole internet (0.0.0.0/0 or ::/0), " +
				"through inline rules, aws:ec2/securityGroupRule or aws:vpc/securityGroupIngressRule.",
			Checks: "No ingress from a `/0` in `aws:vpc/securityGroupIngressRule` (`cidrIpv4`/`cidrIpv6`), " +
				"`aws:ec2/securityGroupRule` of `type: ingress`, or inline `ingress` of `aws:ec2/securityGroup` and " +
				"`aws:ec2/defaultSecurityGroup`, unless every port it opens is allowed (never for all protocols).",
			Level:        Mandatory,
			Types:        []string{sgIngressRuleType, securityGroupRuleType, securityGroupType, defaultSGType},
			ConfigSchema: map[string]map[string]any{"allowedPorts": integerList("TCP/UDP ports that may be open to the world (a public load balancer's 443).", 0, 65535)},
			Defaults:     map[string]any{"allowedPorts": []any{}},
			Check:        checkSecurityGroupWorldIngress,
		},
		Rule{
			Name: "sagemaker-serverless-outside-prod",
			Description: "No serverless inference in prod and staging: serverless models run outside the VPC and " +
				"without network isolation (SageMaker supports neither for them), weaker than the instance-backed " +
				"endpoints prod uses (catalog.SageMakerFactsSource).",
			Checks: "In prod and staging no `aws:sagemaker/endpointConfiguration` has a production variant with `serverlessConfig`.",
			Level:  Mandatory,
			Types:  []string{smEndpointConfigType},
			Scope:  ScopeProdLike,
			Check:  checkServerlessOutsideProd,
		},
		Rule{
			Name: "vpn-tunnel-crypto-strong",
			Description: "Site-to-site VPN tunnels negotiate only IKEv2, AES-256, SHA-2 and the Diffie-Hellman groups " +
				"RFC 8247 allows (14-21). Left unset, a tunnel also accepts IKEv1, SHA1 and groups 2 and 5 (Site-to-Site " +
				"VPN user guide, tunnel options); groups 22-24 are ones RFC 8247 section 2.4 says SHOULD NOT be used.",
			Checks: "`aws:ec2/vpnConnection:VpnConnection` sets, for tunnel 1 and 2, `ikeVersions` without `ikev1`, " +
				"phase 1 and 2 `encryptionAlgorithms` without `AES128`/`AES128-GCM-16`, `integrityAlgorithms` without " +
				"`SHA1`, and `dhGroupNumbers` without 1, 2, 5, 22, 23 and 24.",
			Level: Mandatory,
			Types: []string{vpnConnectionType},
			Check: checkVPNCrypto,
		},
		Rule{
			Name: "eks-node-ssh-disabled",
			Description: "Nodes carry no SSH key: node groups set no remoteAccess, launch templates and " +
				"instances no keyName. Use SSM Session Manager instead.",
			Checks: "No `remoteAccess` on `aws:eks/nodeGroup`; no `keyName` on launch templates and instances.",
			Level:  Mandatory,
			Types:  []string{eksNodeGroupType, launchTemplateType, ec2InstanceType},
			Check:  checkNodeSSH,
		},
		Rule{
			Name: "transport-tls-required",
			Description: "Compliance profiles: data in transit uses TLS 1.2 or later. AWS API endpoints require " +
				"TLS 1.2 already; resource policies must refuse plain HTTP, and listeners old TLS.",
			Checks: "`aws:s3/bucketPolicy`, `aws:sqs/queuePolicy` and `aws:sns/topicPolicy` have a `Deny` on `aws:SecureTransport` `false`; " +
				"HTTPS/TLS `aws:lb/listener:Listener`s use a TLS 1.2+ `sslPolicy` (`ELBSecurityPolicy-TLS13-*` or " +
				"`*-TLS-1-2-*`). Off unless a compliance profile turns it on.",
			Level: Disabled,
			Types: []string{s3BucketPolicyType, sqsQueuePolicyType, snsTopicPolicyType, lbListenerType},
			Check: checkTLSRequired,
		},
	)
	registerStack(ConcernNetwork,
		StackRule{
			Name: "sagemaker-model-network-isolated",
			Description: "SageMaker models run with network isolation: the inference container makes no outbound " +
				"calls, so a compromised model cannot exfiltrate data. Models served only by serverless endpoints are " +
				"exempt: serverless inference takes no network isolation (catalog.SageMakerFactsSource).",
			Checks: "`aws:sagemaker/model:Model` sets `enableNetworkIsolation: true`, unless every endpoint configuration " +
				"variant naming it is serverless (`serverlessConfig`).",
			Level: Mandatory,
			Types: []string{smModelType},
			Check: checkModelNetworkIsolation,
		},
		StackRule{
			Name: "vpc-endpoints-present",
			Description: "Every VPC has the required AWS service endpoints, interface endpoints with " +
				"private DNS, so nodes reach AWS APIs without the internet.",
			Checks: "Every `aws:ec2/vpc:Vpc` has an `aws:ec2/vpcEndpoint:VpcEndpoint` (matched through `vpcId`) for each " +
				"required service: an `Interface` endpoint with `privateDnsEnabled: true`, or a `Gateway` endpoint for " +
				"`s3`/`dynamodb`. An endpoint whose VPC or service is unknown keeps it from reporting what might be that endpoint.",
			Level: Mandatory,
			Types: []string{vpcType},
			ConfigSchema: map[string]map[string]any{
				"requiredServices": stringList("Endpoint services (the part after com.amazonaws.<region>.) every VPC needs."),
			},
			Defaults: map[string]any{"requiredServices": toAnySlice(DefaultPrivateLinkServices)},
			Check: companionCheck([]string{vpcType}, vpcEndpointType, nil, []string{"vpcId"}, judgeEndpoints,
				func(vpc Resource, cfg map[string]any) string {
					return judgeEndpointsMessage(missingServices(nil, cfg), nil)
				}),
		},
		StackRule{
			Name: "s3-public-access-block-attached",
			Description: "Every S3 bucket has an aws:s3/bucketPublicAccessBlock referring to it, so its " +
				"public-access settings are managed in code and not left to account defaults.",
			Checks: "Every S3 bucket has an `aws:s3/bucketPublicAccessBlock` whose `bucket` refers to it.",
			Level:  Mandatory,
			Types:  bucketTypes,
			Check: companionCheck(bucketTypes, s3PublicAccessType, []string{"bucket"}, []string{"bucket"}, nil,
				func(Resource, map[string]any) string {
					return "no aws:s3/bucketPublicAccessBlock refers to this bucket"
				}),
		},
	)
}

// requireValue builds a check that fires when a resource sets key to
// anything but want; an absent key means the AWS default def.
func requireValue(key, want, def string) func(Resource, map[string]any) []string {
	return func(r Resource, _ map[string]any) []string {
		v, p := lookup(r.Properties, key)
		switch p {
		case unknown:
			return nil
		case absent:
			return []string{fmt.Sprintf("%s is not set (AWS defaults to %s); set it to %s", key, def, want)}
		}
		if s, ok := asString(v); ok && s != want {
			return []string{fmt.Sprintf("%s is %s; set it to %s", key, s, want)}
		}
		return nil
	}
}

// endpointService returns the service of an endpoint service name: "ecr.api"
// for com.amazonaws.us-east-1.ecr.api.
func endpointService(name string) string {
	parts := strings.Split(name, ".")
	if len(parts) < 4 {
		return name
	}
	return strings.Join(parts[3:], ".")
}

// judgeEndpoints names the required services a VPC's endpoints lack, and
// those reached only without private DNS. An endpoint of unknown service
// might be a missing one, so missing services are then not reported.
func judgeEndpoints(_ Resource, endpoints []Resource, cfg map[string]any) []string {
	seen, private := map[string]bool{}, map[string]bool{}
	unknownService := false
	for _, ep := range endpoints {
		name, ok := getString(ep.Properties, "serviceName")
		if !ok {
			unknownService = unknownService || isUnknown(ep.Properties, "serviceName")
			continue
		}
		svc := endpointService(name)
		seen[svc] = true
		private[svc] = private[svc] || endpointIsPrivate(ep, svc)
	}
	missing := missingServices(seen, cfg)
	if unknownService {
		missing = nil
	}
	var noDNS []string
	for _, svc := range requiredServices(cfg) {
		if seen[svc] && !private[svc] {
			noDNS = append(noDNS, svc)
		}
	}
	var out []string
	if msg := judgeEndpointsMessage(missing, nil); msg != "" {
		out = append(out, msg)
	}
	if msg := judgeEndpointsMessage(nil, noDNS); msg != "" {
		out = append(out, msg)
	}
	return out
}

func requiredServices(cfg map[string]any) []string {
	return slices.Compact(slices.Sorted(slices.Values(cfgStrings(cfg, "requiredServices"))))
}

// missingServices returns the required services not in seen.
func missingServices(seen map[string]bool, cfg map[string]any) []string {
	var missing []string
	for _, svc := range requiredServices(cfg) {
		if !seen[svc] {
			missing = append(missing, svc)
		}
	}
	return missing
}

func judgeEndpointsMessage(missing, noDNS []string) string {
	switch {
	case len(missing) > 0:
		return fmt.Sprintf("no VPC endpoint for %s: traffic to these AWS APIs leaves through the internet", strings.Join(missing, ", "))
	case len(noDNS) > 0:
		return fmt.Sprintf("the endpoints for %s have privateDnsEnabled off: clients still resolve the public endpoints", strings.Join(noDNS, ", "))
	}
	return ""
}

// endpointIsPrivate reports whether an endpoint keeps svc's traffic private:
// a gateway endpoint for a gateway service, or an interface endpoint with
// private DNS. Unknown settings get the benefit of the doubt.
func endpointIsPrivate(ep Resource, svc string) bool {
	typ, ok := getString(ep.Properties, "vpcEndpointType")
	switch {
	case !ok && isUnknown(ep.Properties, "vpcEndpointType"):
		return true
	case !ok:
		typ = "Gateway" // the provider's default
	}
	if strings.EqualFold(typ, "Gateway") {
		return slices.Contains(gatewayServices, svc)
	}
	if isUnknown(ep.Properties, "privateDnsEnabled") {
		return true
	}
	on, _ := getBool(ep.Properties, "privateDnsEnabled")
	return on
}

// clusterEndpoint is the API endpoint setup of an aws:eks/cluster.
type clusterEndpoint struct {
	public, private bool
	publicKnown     bool
	privateKnown    bool
	cidrs           []string
}

// readClusterEndpoint reads vpcConfig of aws:eks/cluster. Absent settings
// take AWS's defaults: public on, private off, public CIDRs 0.0.0.0/0.
func readClusterEndpoint(r Resource) (clusterEndpoint, bool) {
	if _, p := lookup(r.Properties, "vpcConfig"); p == unknown {
		return clusterEndpoint{}, false
	}
	e := clusterEndpoint{public: true, publicKnown: true, privateKnown: true}
	if v, p := lookup(r.Properties, "vpcConfig", "endpointPublicAccess"); p == unknown {
		e.publicKnown = false
	} else if p == present {
		e.public, e.publicKnown = asBool(v)
	}
	if v, p := lookup(r.Properties, "vpcConfig", "endpointPrivateAccess"); p == unknown {
		e.privateKnown = false
	} else if p == present {
		e.private, e.privateKnown = asBool(v)
	}
	cidrs, p := getStrings(r.Properties, "vpcConfig", "publicAccessCidrs")
	e.cidrs = cidrs // the known ones, when some are computed
	if p == absent || (p == present && len(cidrs) == 0) {
		e.cidrs = []string{"0.0.0.0/0"}
	}
	return e, true
}

// isWorld reports whether a CIDR block covers every address (a /0).
func isWorld(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// checkEKSEndpointNotWorld fires when the public endpoint is on and its
// allowed CIDRs include a /0 (or are unset, which means 0.0.0.0/0).
func checkEKSEndpointNotWorld(r Resource, _ map[string]any) []string {
	e, ok := readClusterEndpoint(r)
	if !ok || !e.publicKnown || !e.public {
		return nil
	}
	for _, c := range e.cidrs {
		if isWorld(c) {
			return []string{fmt.Sprintf("the public API endpoint admits %s: set vpcConfig.publicAccessCidrs to the "+
				"operators' networks, or turn vpcConfig.endpointPublicAccess off", c)}
		}
	}
	return nil
}

// checkEKSEndpointPrivate fires when the public endpoint is on or the
// private endpoint is off.
func checkEKSEndpointPrivate(r Resource, _ map[string]any) []string {
	e, ok := readClusterEndpoint(r)
	if !ok {
		return nil
	}
	var out []string
	if e.publicKnown && e.public {
		out = append(out, "vpcConfig.endpointPublicAccess is on (the default); set it to false")
	}
	if e.privateKnown && !e.private {
		out = append(out, "vpcConfig.endpointPrivateAccess is off (the default); set it to true")
	}
	return out
}

// checkModelNetworkIsolation fires when enableNetworkIsolation is not true.
func checkModelNetworkIsolation(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, r := range rs {
		if r.Type != smModelType || servedOnlyServerless(rs, r) {
			continue
		}
		v, p := lookup(r.Properties, "enableNetworkIsolation")
		if p == unknown {
			continue
		}
		if on, ok := asBool(v); !ok || !on {
			out = append(out, Finding{r.URN, "enableNetworkIsolation is not true: the model container can make outbound calls"})
		}
	}
	return out
}

// checkServerlessOutsideProd fires on serverless variants (the rule is
// scoped to prod-like environments).
func checkServerlessOutsideProd(r Resource, _ map[string]any) []string {
	variants, _ := getMaps(r.Properties, "productionVariants")
	var out []string
	for i, v := range variants {
		if _, p := lookup(v, "serverlessConfig"); p == present {
			out = append(out, fmt.Sprintf("productionVariants[%d] is serverless: its model runs outside the VPC without network "+
				"isolation; serve it from instances (kind realtime, multiModel or async)", i))
		}
	}
	return out
}

// variantsServing returns the production variants that serve a model: the
// variants naming it when both names are known, else (auto-named models,
// names not yet known) the variants of configurations whose
// productionVariants depend on it, which errs towards "served by
// instances" when a configuration mixes kinds.
func variantsServing(rs []Resource, model Resource) []property.Map {
	modelName, modelKnown := getString(model.Properties, "name")
	var out []property.Map
	for _, c := range rs {
		if c.Type != smEndpointConfigType {
			continue
		}
		variants, _ := getMaps(c.Properties, "productionVariants")
		dependsOn := slices.Contains(c.PropertyDependencies["productionVariants"], model.URN)
		for _, v := range variants {
			name, known := getString(v, "modelName")
			if (known && modelKnown && name == modelName) || ((!known || !modelKnown) && dependsOn) {
				out = append(out, v)
			}
		}
	}
	return out
}

// servedOnlyServerless says whether every variant serving a model (at
// least one) is serverless.
func servedOnlyServerless(rs []Resource, model Resource) bool {
	variants := variantsServing(rs, model)
	return len(variants) > 0 && !slices.ContainsFunc(variants, func(v property.Map) bool {
		_, p := lookup(v, "serverlessConfig")
		return p == absent
	})
}

// checkNoPublicIP covers every place a node can get a public address.
func checkNoPublicIP(r Resource, _ map[string]any) []string {
	switch r.Type {
	case launchTemplateType:
		nis, _ := getMaps(r.Properties, "networkInterfaces")
		var out []string
		for i, ni := range nis {
			if on, ok := getBool(ni, "associatePublicIpAddress"); ok && on {
				out = append(out, fmt.Sprintf("networkInterfaces[%d].associatePublicIpAddress is true", i))
			}
		}
		return out
	case ec2InstanceType:
		if on, ok := getBool(r.Properties, "associatePublicIpAddress"); ok && on {
			return []string{"associatePublicIpAddress is true"}
		}
	case subnetType:
		if on, ok := getBool(r.Properties, "mapPublicIpOnLaunch"); ok && on {
			return []string{"mapPublicIpOnLaunch is true: every instance launched here gets a public IP"}
		}
	}
	return nil
}

// checkIMDSv2 fires where instances may be launched accepting IMDSv1.
func checkIMDSv2(r Resource, _ map[string]any) []string {
	switch r.Type {
	case launchTemplateType, ec2InstanceType:
		v, p := lookup(r.Properties, "metadataOptions")
		switch p {
		case unknown:
			return nil
		case absent:
			return []string{"metadataOptions is not set: instances accept IMDSv1; set httpTokens to required"}
		}
		mo, _ := asMap(v)
		if ep, ok := getString(mo, "httpEndpoint"); ok && ep == "disabled" {
			return nil
		}
		tokens, tp := lookup(mo, "httpTokens")
		switch tp {
		case unknown:
			return nil
		case absent:
			return []string{"metadataOptions.httpTokens is not set (AWS defaults to optional, IMDSv1); set it to required"}
		}
		if s, ok := asString(tokens); ok && s != "required" {
			return []string{fmt.Sprintf("metadataOptions.httpTokens is %s: IMDSv1 is allowed; set it to required", s)}
		}
	case karpenterNodeClassType, nodeClassV1beta1Type:
		// Karpenter defaults to httpTokens required; only an explicit value is judged.
		if s, ok := getString(r.Properties, "spec", "metadataOptions", "httpTokens"); ok && s != "required" {
			return []string{fmt.Sprintf("spec.metadataOptions.httpTokens is %s: IMDSv1 is allowed; set it to required", s)}
		}
	case smNotebookType:
		path := []string{"instanceMetadataServiceConfiguration", "minimumInstanceMetadataServiceVersion"}
		v, p := lookup(r.Properties, path...)
		if p == unknown {
			return nil
		}
		if s, ok := asString(v); p == absent || (ok && s != "2") {
			return []string{"instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is not 2: the notebook accepts IMDSv1"}
		}
	}
	return nil
}

// checkIMDSHopLimit fires when the hop limit exceeds the configured maximum.
func checkIMDSHopLimit(r Resource, cfg map[string]any) []string {
	path := []string{"metadataOptions", "httpPutResponseHopLimit"}
	if isNodeClass(r.Type) {
		path = append([]string{"spec"}, path...)
	}
	hops, ok := getNumber(r.Properties, path...)
	maxHops, hasMax := cfgNumber(cfg, "maxHopLimit")
	if ok && hasMax && hops > maxHops {
		return []string{fmt.Sprintf("%s is %g; use at most %g", strings.Join(path, "."), hops, maxHops)}
	}
	return nil
}

// publicAccessFlags are the four settings of an S3 public access block.
var publicAccessFlags = []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"}

// checkS3PublicAccessBlock fires when any of the four flags is not true
// (they default to false).
func checkS3PublicAccessBlock(r Resource, _ map[string]any) []string {
	var off []string
	for _, f := range publicAccessFlags {
		v, p := lookup(r.Properties, f)
		if p == unknown {
			continue
		}
		if on, ok := asBool(v); !ok || !on {
			off = append(off, f)
		}
	}
	if len(off) == 0 {
		return nil
	}
	verb := "are"
	if len(off) == 1 {
		verb = "is"
	}
	return []string{fmt.Sprintf("%s %s not true; set all four settings to true", strings.Join(off, ", "), verb)}
}

// checkS3Ownership fires unless object ownership is BucketOwnerEnforced.
func checkS3Ownership(r Resource, _ map[string]any) []string {
	v, p := lookup(r.Properties, "rule", "objectOwnership")
	if p == unknown {
		return nil
	}
	if s, ok := asString(v); !ok || s != "BucketOwnerEnforced" {
		got := "not set"
		if ok {
			got = s
		}
		return []string{fmt.Sprintf("rule.objectOwnership is %s: ACLs stay enabled; set it to BucketOwnerEnforced", got)}
	}
	return nil
}

// checkS3BucketPolicy fires on allow statements for any principal without a
// condition, in aws:s3/bucketPolicy and in a bucket's own policy.
func checkS3BucketPolicy(r Resource, _ map[string]any) []string {
	return publicStatements(r.Properties, "policy", "bucket policy")
}

// ingressRule is one ingress permission, whatever resource declares it.
type ingressRule struct {
	where    string
	cidrs    []string
	protocol string // "-1" for all
	from, to float64
	portsOK  bool
}

// ingressRules reads the ingress permissions a resource declares.
func ingressRules(r Resource) []ingressRule {
	read := func(m property.Map, where string, cidrKeys []string, protoKey string) ingressRule {
		in := ingressRule{where: where}
		for _, k := range cidrKeys {
			vals, _ := getStrings(m, k)
			in.cidrs = append(in.cidrs, vals...)
		}
		in.protocol, _ = getString(m, protoKey)
		from, okFrom := getNumber(m, "fromPort")
		to, okTo := getNumber(m, "toPort")
		in.from, in.to, in.portsOK = from, to, okFrom && okTo
		return in
	}
	switch r.Type {
	case sgIngressRuleType:
		return []ingressRule{read(r.Properties, "the rule", []string{"cidrIpv4", "cidrIpv6"}, "ipProtocol")}
	case securityGroupRuleType:
		if t, ok := getString(r.Properties, "type"); !ok || t != "ingress" {
			return nil
		}
		return []ingressRule{read(r.Properties, "the rule", []string{"cidrBlocks", "ipv6CidrBlocks"}, "protocol")}
	case securityGroupType, defaultSGType:
		blocks, _ := getMaps(r.Properties, "ingress")
		out := make([]ingressRule, 0, len(blocks))
		for i, b := range blocks {
			out = append(out, read(b, fmt.Sprintf("ingress[%d]", i), []string{"cidrBlocks", "ipv6CidrBlocks"}, "protocol"))
		}
		return out
	}
	return nil
}

// allProtocols reports whether a protocol value means every protocol.
func allProtocols(p string) bool { return p == "-1" || strings.EqualFold(p, "all") }

// describe names the ports a rule opens.
func (in ingressRule) describe() string {
	switch {
	case allProtocols(in.protocol):
		return "all traffic"
	case !in.portsOK:
		return in.protocol + " traffic"
	case in.from == in.to:
		return fmt.Sprintf("%s port %g", in.protocol, in.from)
	}
	return fmt.Sprintf("%s ports %g-%g", in.protocol, in.from, in.to)
}

// checkSecurityGroupWorldIngress fires on each ingress permission from a /0
// block, unless it opens only allowed ports.
func checkSecurityGroupWorldIngress(r Resource, cfg map[string]any) []string {
	var allowed []float64
	if ports, ok := cfg["allowedPorts"].([]any); ok {
		for _, p := range ports {
			if n, ok := toFloat(p); ok {
				allowed = append(allowed, n)
			}
		}
	}
	var out []string
	for _, in := range ingressRules(r) {
		i := slices.IndexFunc(in.cidrs, isWorld)
		if i < 0 {
			continue
		}
		if !allProtocols(in.protocol) && in.portsOK && portsAllowed(in.from, in.to, allowed) {
			continue
		}
		out = append(out, fmt.Sprintf("%s admits %s from %s", in.where, in.describe(), in.cidrs[i]))
	}
	return out
}

// portsAllowed reports whether every port from..to is in allowed.
func portsAllowed(from, to float64, allowed []float64) bool {
	if to-from > 1024 {
		return false
	}
	for p := from; p <= to; p++ {
		if !slices.Contains(allowed, p) {
			return false
		}
	}
	return true
}

// checkNodeSSH fires on each SSH access path a node group or instance is given.
func checkNodeSSH(r Resource, _ map[string]any) []string {
	var keys []string
	switch r.Type {
	case eksNodeGroupType:
		if _, p := lookup(r.Properties, "remoteAccess"); p == present {
			return []string{"remoteAccess is set: nodes accept SSH; remove it and use SSM Session Manager"}
		}
		return nil
	case launchTemplateType, ec2InstanceType:
		keys = []string{"keyName"}
	}
	var out []string
	for _, k := range keys {
		if s, ok := getString(r.Properties, strings.Split(k, ".")...); ok && s != "" {
			out = append(out, fmt.Sprintf("%s is set: nodes accept SSH with that key; remove it and use SSM Session Manager", k))
		}
	}
	return out
}

// checkTLSRequired fires on resource policies that do not refuse plain
// HTTP, and on listeners that accept TLS older than 1.2.
func checkTLSRequired(r Resource, _ map[string]any) []string {
	if r.Type == lbListenerType {
		proto, ok := getString(r.Properties, "protocol")
		if !ok || (proto != "HTTPS" && proto != "TLS") {
			return nil
		}
		policy, ok := getString(r.Properties, "sslPolicy")
		if isUnknown(r.Properties, "sslPolicy") {
			return nil
		}
		if !ok || !(strings.Contains(policy, "TLS13") || strings.Contains(policy, "TLS-1-2")) {
			return []string{fmt.Sprintf("sslPolicy %q may accept TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 or later", policy)}
		}
		return nil
	}
	doc, ok := policyDocument(r.Properties, "policy")
	if !ok {
		return nil
	}
	for _, st := range statements(doc) {
		if isDeny(st) && deniesPlainHTTP(st) {
			return nil
		}
	}
	return []string{"the policy does not deny requests with aws:SecureTransport false: clients may use plain HTTP"}
}

// weakTunnelValues are what each tunnel option must not allow.
var weakTunnelValues = map[string][]string{
	"IkeVersions":                {"ikev1"},
	"Phase1EncryptionAlgorithms": {"AES128", "AES128-GCM-16"},
	"Phase2EncryptionAlgorithms": {"AES128", "AES128-GCM-16"},
	"Phase1IntegrityAlgorithms":  {"SHA1"},
	"Phase2IntegrityAlgorithms":  {"SHA1"},
	"Phase1DhGroupNumbers":       {"1", "2", "5", "22", "23", "24"},
	"Phase2DhGroupNumbers":       {"1", "2", "5", "22", "23", "24"},
}

// checkVPNCrypto fires on a tunnel option that is unset (AWS then allows
// every value) or allows a weak one.
func checkVPNCrypto(r Resource, _ map[string]any) []string {
	var out []string
	for _, tunnel := range []string{"tunnel1", "tunnel2"} {
		for _, option := range slices.Sorted(maps.Keys(weakTunnelValues)) {
			key := tunnel + option
			v, p := lookup(r.Properties, key)
			if p == unknown {
				continue
			}
			var values []string
			if p == present && v.IsArray() {
				for _, e := range v.AsArray().AsSlice() {
					switch {
					case e.IsString():
						values = append(values, e.AsString())
					case e.IsNumber():
						values = append(values, strconv.FormatFloat(e.AsNumber(), 'f', -1, 64))
					}
				}
			}
			if len(values) == 0 {
				out = append(out, key+" is not set: AWS then accepts every value, weak ones included")
				continue
			}
			for _, weak := range weakTunnelValues[option] {
				if slices.Contains(values, weak) {
					out = append(out, fmt.Sprintf("%s allows %s", key, weak))
				}
			}
		}
	}
	return out
}
