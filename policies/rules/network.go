package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

const (
	vpcType     = "aws:ec2/vpc:Vpc"
	flowLogType = "aws:ec2/flowLog:FlowLog"
)

// DefaultPrivateLinkServices are the endpoint services a private node needs
// without a NAT gateway: credentials (sts) and image pulls (ecr.api, ecr.dkr,
// and s3 for the layers).
var DefaultPrivateLinkServices = []string{"ecr.api", "ecr.dkr", "s3", "sts"}

// gatewayServices can be reached through a gateway endpoint, which needs no
// private DNS.
var gatewayServices = []string{"s3", "dynamodb"}

func init() {
	register(
		Rule{
			Name: "eks-endpoint-not-world",
			Description: "An EKS API server endpoint that is public is restricted to listed CIDR " +
				"blocks, never 0.0.0.0/0 (the default of both pulumi-eks and AWS).",
			Level: Mandatory,
			Check: checkEKSEndpointNotWorld,
		},
		Rule{
			Name: "eks-endpoint-private-prod",
			Description: "In prod and staging the EKS API server is reachable only from inside the VPC: " +
				"private endpoint on, public endpoint off.",
			Level: Mandatory,
			Check: checkEKSEndpointPrivateProd,
		},
		Rule{
			Name: "sagemaker-domain-vpc-only",
			Description: "SageMaker domains send Studio traffic through the VPC (VpcOnly), not " +
				"through SageMaker's internet access.",
			Level: Mandatory,
			Check: requireValue(smDomainType, "appNetworkAccessType", "VpcOnly", "PublicInternetOnly"),
		},
		Rule{
			Name:        "sagemaker-notebook-direct-internet",
			Description: "SageMaker notebook instances have no direct internet access; they reach the internet, if at all, through the VPC.",
			Level:       Mandatory,
			Check:       requireValue(smNotebookType, "directInternetAccess", "Disabled", "Enabled"),
		},
		Rule{
			Name:        "sagemaker-notebook-root-access",
			Description: "Users of SageMaker notebook instances do not get root.",
			Level:       Mandatory,
			Check:       requireValue(smNotebookType, "rootAccess", "Disabled", "Enabled"),
		},
		Rule{
			Name: "sagemaker-model-network-isolation",
			Description: "SageMaker models run with network isolation: the inference container makes " +
				"no outbound calls, so a compromised model cannot exfiltrate data.",
			Level: Mandatory,
			Check: checkModelNetworkIsolation,
		},
		Rule{
			Name: "no-public-ip",
			Description: "Nodes and instances get no public IP: launch template interfaces, instances, " +
				"subnets that map public IPs on launch, and pulumi-eks node groups (which assign them by default).",
			Level: Mandatory,
			Check: checkNoPublicIP,
		},
		Rule{
			Name: "imdsv2-required",
			Description: "Instances require IMDSv2 session tokens, which stop SSRF-style theft of the " +
				"node role's credentials: launch templates, Karpenter EC2NodeClasses, instances, pulumi-eks " +
				"managed node groups, notebooks.",
			Level: Mandatory,
			Check: checkIMDSv2,
		},
		Rule{
			Name: "imds-hop-limit",
			Description: "The IMDS response hop limit stays small, so containers cannot reach the " +
				"node's credentials through extra network hops.",
			Level: Advisory,
			ConfigSchema: map[string]map[string]any{
				"maxHopLimit": {
					"type":        "integer",
					"minimum":     1,
					"maximum":     64,
					"description": "Largest httpPutResponseHopLimit accepted.",
				},
			},
			Defaults: map[string]any{"maxHopLimit": float64(2)},
			Check:    checkIMDSHopLimit,
		},
		Rule{
			Name:        "s3-public-access-block",
			Description: "S3 public access blocks turn on all four settings.",
			Level:       Mandatory,
			Check:       checkS3PublicAccessBlock,
		},
		Rule{
			Name: "s3-ownership-enforced",
			Description: "S3 object ownership is BucketOwnerEnforced: ACLs are disabled, so no object " +
				"can be made public or foreign-owned through an ACL.",
			Level: Mandatory,
			Check: checkS3Ownership,
		},
		Rule{
			Name: "s3-bucket-policy-no-public",
			Description: "Bucket policies never allow every principal without a condition (a public bucket). " +
				"Deny statements with \"*\" (such as TLS-only) are fine.",
			Level: Mandatory,
			Check: checkS3BucketPolicy,
		},
		Rule{
			Name: "security-group-world-ingress",
			Description: "No security group admits traffic from the whole internet (0.0.0.0/0 or ::/0), " +
				"through inline rules, aws:ec2/securityGroupRule or aws:vpc/securityGroupIngressRule.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"allowedPorts": {
					"type":        "array",
					"items":       map[string]any{"type": "integer", "minimum": 0, "maximum": 65535},
					"description": "TCP/UDP ports that may be open to the world (a public load balancer's 443).",
				},
			},
			Defaults: map[string]any{"allowedPorts": []any{}},
			Check:    checkSecurityGroupWorldIngress,
		},
		Rule{
			Name: "node-ssh-disabled",
			Description: "Nodes carry no SSH key: node groups set no remoteAccess, launch templates and " +
				"instances no keyName, pulumi-eks groups no nodePublicKey. Use SSM Session Manager instead.",
			Level: Mandatory,
			Check: checkNodeSSH,
		},
	)
	registerStack(
		StackRule{
			Name: "vpc-flow-logs",
			Description: "Every VPC has a flow log, so network traffic can be investigated " +
				"after an incident.",
			Level: Advisory,
			Check: checkVPCFlowLogs,
		},
		StackRule{
			Name: "vpc-privatelink-endpoints",
			Description: "Every VPC has the required AWS service endpoints, interface endpoints with " +
				"private DNS, so nodes reach AWS APIs without the internet.",
			Level: Mandatory,
			ConfigSchema: map[string]map[string]any{
				"requiredServices": {
					"type":        "array",
					"items":       map[string]any{"type": "string"},
					"description": "Endpoint services (the part after com.amazonaws.<region>.) every VPC needs.",
				},
			},
			Defaults: map[string]any{"requiredServices": toAnySlice(DefaultPrivateLinkServices)},
			Check:    checkPrivateLinkEndpoints,
		},
		StackRule{
			Name: "s3-public-access-block-attached",
			Description: "Every S3 bucket has an aws:s3/bucketPublicAccessBlock referring to it, so its " +
				"public-access settings are managed in code and not left to account defaults.",
			Level: Mandatory,
			Check: checkS3PublicAccessBlockAttached,
		},
	)
}

// requireValue builds a check that fires when a resource of type typ sets key
// to anything but want; an absent key means the AWS default def.
func requireValue(typ, key, want, def string) func(Resource, map[string]any) []string {
	return func(r Resource, _ map[string]any) []string {
		if r.Type != typ {
			return nil
		}
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

// checkVPCFlowLogs matches each flow log to its VPC through the vpcId
// property's dependencies (previews, mocks, state) or through a known vpcId
// equal to the VPC's physical ID (state). A flow log whose VPC cannot be told
// (vpcId unknown and no dependency recorded) could belong to any VPC, so
// nothing is reported then.
func checkVPCFlowLogs(rs []Resource, _ map[string]any) []Finding {
	found, unresolved := companions(rs, isVPC, flowLogType, nil, "vpcId")
	if unresolved {
		return nil
	}
	var out []Finding
	for _, r := range rs {
		if r.Type != vpcType || len(found[r.URN]) > 0 {
			continue
		}
		out = append(out, Finding{
			URN:     r.URN,
			Message: "no aws:ec2/flowLog:FlowLog has vpcId set to this VPC",
		})
	}
	return out
}

func isVPC(typ string) bool { return typ == vpcType }

// endpointService returns the service of an endpoint service name: "ecr.api"
// for com.amazonaws.us-east-1.ecr.api.
func endpointService(name string) string {
	parts := strings.Split(name, ".")
	if len(parts) < 4 {
		return name
	}
	return strings.Join(parts[3:], ".")
}

// checkPrivateLinkEndpoints fires for each VPC that lacks a required service
// endpoint, or has one only without private DNS. Endpoints are matched to
// VPCs through vpcId; an endpoint whose VPC or service cannot be told keeps
// the rule from reporting what might be that endpoint.
func checkPrivateLinkEndpoints(rs []Resource, cfg map[string]any) []Finding {
	found, unresolved := companions(rs, isVPC, vpcEndpointType, nil, "vpcId")
	if unresolved {
		return nil
	}
	required := slices.Compact(slices.Sorted(slices.Values(cfgStrings(cfg, "requiredServices"))))
	var out []Finding
	for _, vpc := range rs {
		if vpc.Type != vpcType {
			continue
		}
		seen, private := map[string]bool{}, map[string]bool{}
		unknownService := false
		for _, ep := range found[vpc.URN] {
			name, ok := getString(ep.Properties, "serviceName")
			if !ok {
				unknownService = unknownService || isUnknown(ep.Properties, "serviceName")
				continue
			}
			svc := endpointService(name)
			seen[svc] = true
			private[svc] = private[svc] || endpointIsPrivate(ep, svc)
		}
		var missing, noDNS []string
		for _, svc := range required {
			switch {
			case !seen[svc]:
				missing = append(missing, svc)
			case !private[svc]:
				noDNS = append(noDNS, svc)
			}
		}
		if len(missing) > 0 && !unknownService {
			out = append(out, Finding{URN: vpc.URN, Message: fmt.Sprintf(
				"no VPC endpoint for %s: traffic to these AWS APIs leaves through the internet", strings.Join(missing, ", "))})
		}
		if len(noDNS) > 0 {
			out = append(out, Finding{URN: vpc.URN, Message: fmt.Sprintf(
				"the endpoints for %s have privateDnsEnabled off: clients still resolve the public endpoints", strings.Join(noDNS, ", "))})
		}
	}
	return out
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

// clusterEndpoint is the API endpoint setup of a cluster.
type clusterEndpoint struct {
	public, private bool
	publicKnown     bool
	privateKnown    bool
	cidrs           []string
	prefix          string // "vpcConfig." on aws:eks/cluster, for messages
}

// readClusterEndpoint reads the endpoint settings of the pulumi-eks component
// or aws:eks/cluster (under vpcConfig). Absent settings take the defaults both
// share: public on, private off, public CIDRs 0.0.0.0/0.
func readClusterEndpoint(r Resource) (clusterEndpoint, bool) {
	var prefix []string
	switch r.Type {
	case eksComponentType:
	case eksClusterType:
		prefix = []string{"vpcConfig"}
		if _, p := lookup(r.Properties, prefix...); p == unknown {
			return clusterEndpoint{}, false
		}
	default:
		return clusterEndpoint{}, false
	}
	path := func(k string) []string { return append(slices.Clone(prefix), k) }
	e := clusterEndpoint{public: true, publicKnown: true, privateKnown: true, prefix: strings.Join(prefix, ".")}
	if e.prefix != "" {
		e.prefix += "."
	}
	if v, p := lookup(r.Properties, path("endpointPublicAccess")...); p == unknown {
		e.publicKnown = false
	} else if p == present {
		e.public, e.publicKnown = asBool(v)
	}
	if v, p := lookup(r.Properties, path("endpointPrivateAccess")...); p == unknown {
		e.privateKnown = false
	} else if p == present {
		e.private, e.privateKnown = asBool(v)
	}
	cidrs, p := getStrings(r.Properties, path("publicAccessCidrs")...)
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
			return []string{fmt.Sprintf("the public API endpoint admits %s: set %spublicAccessCidrs to the "+
				"operators' networks, or turn %sendpointPublicAccess off", c, e.prefix, e.prefix)}
		}
	}
	return nil
}

// checkEKSEndpointPrivateProd fires in prod and staging when the public
// endpoint is on or the private endpoint is off.
func checkEKSEndpointPrivateProd(r Resource, _ map[string]any) []string {
	e, ok := readClusterEndpoint(r)
	if !ok || !prodLike(r) {
		return nil
	}
	var out []string
	if e.publicKnown && e.public {
		out = append(out, fmt.Sprintf("%sendpointPublicAccess is on (the default) in a prod-like environment; set it to false", e.prefix))
	}
	if e.privateKnown && !e.private {
		out = append(out, fmt.Sprintf("%sendpointPrivateAccess is off (the default) in a prod-like environment; set it to true", e.prefix))
	}
	return out
}

// checkModelNetworkIsolation fires when enableNetworkIsolation is not true.
func checkModelNetworkIsolation(r Resource, _ map[string]any) []string {
	if r.Type != smModelType {
		return nil
	}
	v, p := lookup(r.Properties, "enableNetworkIsolation")
	if p == unknown {
		return nil
	}
	if on, ok := asBool(v); !ok || !on {
		return []string{"enableNetworkIsolation is not true: the model container can make outbound calls"}
	}
	return nil
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
	case eksComponentType:
		if creates, known := defaultNodeGroup(r); !known || !creates {
			return nil
		}
		if eksAssignsPublicIP(r, []string{"nodeGroupOptions", "nodeAssociatePublicIpAddress"}, []string{"nodeAssociatePublicIpAddress"}) {
			return []string{"the default node group assigns public IPs (pulumi-eks's default): set " +
				"nodeAssociatePublicIpAddress to false, or skipDefaultNodeGroup"}
		}
	case eksNodeGroupV2Type, eksNodeGroupCompType:
		if eksAssignsPublicIP(r, []string{"nodeAssociatePublicIpAddress"}) {
			return []string{"nodes get public IPs (pulumi-eks's default): set nodeAssociatePublicIpAddress to false"}
		}
	}
	return nil
}

// eksAssignsPublicIP reads pulumi-eks's nodeAssociatePublicIpAddress, which
// defaults to true.
func eksAssignsPublicIP(r Resource, paths ...[]string) bool {
	on, ok, unk := firstBool(r.Properties, paths...)
	return !unk && (!ok || on)
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
	case karpenterNodeClassType, "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass":
		// Karpenter defaults to httpTokens required; only an explicit value is judged.
		if s, ok := getString(r.Properties, "spec", "metadataOptions", "httpTokens"); ok && s != "required" {
			return []string{fmt.Sprintf("spec.metadataOptions.httpTokens is %s: IMDSv1 is allowed; set it to required", s)}
		}
	case eksManagedNGType:
		if isSet(r.Properties, "launchTemplate") || isUnknown(r.Properties, "enableIMDSv2") {
			return nil // the launch template's own settings apply
		}
		if on, _ := getBool(r.Properties, "enableIMDSv2"); !on {
			return []string{"enableIMDSv2 is not true and no launch template is given: nodes accept IMDSv1"}
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
	switch {
	case isNodeClass(r.Type):
		path = append([]string{"spec"}, path...)
	case r.Type != launchTemplateType && r.Type != ec2InstanceType:
		return nil
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
	if r.Type != s3PublicAccessType {
		return nil
	}
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
	if r.Type != s3OwnershipType {
		return nil
	}
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
	if r.Type != s3BucketPolicyType && !isBucket(r.Type) {
		return nil
	}
	return publicStatements(r.Properties, "policy", "bucket policy")
}

// checkS3PublicAccessBlockAttached fires for each bucket without a public
// access block referring to it.
func checkS3PublicAccessBlockAttached(rs []Resource, _ map[string]any) []Finding {
	found, unresolved := companions(rs, isBucket, s3PublicAccessType, []string{"bucket"}, "bucket")
	if unresolved {
		return nil
	}
	var out []Finding
	for _, b := range rs {
		if isBucket(b.Type) && len(found[b.URN]) == 0 {
			out = append(out, Finding{URN: b.URN, Message: "no aws:s3/bucketPublicAccessBlock refers to this bucket"})
		}
	}
	return out
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
	case eksNodeGroupType, eksManagedNGType:
		if _, p := lookup(r.Properties, "remoteAccess"); p == present {
			return []string{"remoteAccess is set: nodes accept SSH; remove it and use SSM Session Manager"}
		}
		return nil
	case launchTemplateType, ec2InstanceType:
		keys = []string{"keyName"}
	case eksNodeGroupV2Type, eksNodeGroupCompType:
		keys = []string{"keyName", "nodePublicKey"}
	case eksComponentType:
		keys = []string{"nodePublicKey", "nodeGroupOptions.keyName", "nodeGroupOptions.nodePublicKey"}
	}
	var out []string
	for _, k := range keys {
		if s, ok := getString(r.Properties, strings.Split(k, ".")...); ok && s != "" {
			out = append(out, fmt.Sprintf("%s is set: nodes accept SSH with that key; remove it and use SSM Session Manager", k))
		}
	}
	return out
}
