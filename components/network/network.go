package network

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// NetworkArgs configures the VPC. Shape (AZs, counts, service lists) is
// plain Go; only the flow-log key is wired from another resource.
type NetworkArgs struct {
	// CIDR is the VPC's primary IPv4 block, /16 to /20 (required).
	CIDR string
	// AvailabilityZones are the zones to span, 1 to 6, each once (required).
	AvailabilityZones []string
	// PodCIDR is a secondary block cut into per-AZ pod subnets for VPC CNI
	// custom networking. Defaults to "" (no pod subnets).
	PodCIDR string
	// NATPerAZ gives every AZ its own NAT gateway; otherwise one gateway in
	// the first AZ serves all. Defaults to false (one gateway).
	NATPerAZ bool
	// InterfaceEndpoints are PrivateLink services (the part after
	// com.amazonaws.<region>.). Defaults to none.
	InterfaceEndpoints []string
	// Account places the flow-log role's trust policy; its Region builds
	// endpoint service names (required).
	awsarn.Account
	// FlowLogRetentionDays is the flow-log retention (required, > 0).
	FlowLogRetentionDays int
	// FlowLogKMSKeyARN encrypts the flow-log group (required).
	FlowLogKMSKeyARN pulumi.StringInput
	// ProtectLogs protects the flow-log group and retains it on delete (prod). Defaults to false.
	ProtectLogs bool
	// FlowLogGroupName is the flow-log group's physical name (required):
	// fixed, so the flow-log role's policy names it before it exists.
	FlowLogGroupName string
	// Hybrid connects the private subnets to networks outside the VPC: a
	// transit gateway attachment or a site-to-site VPN, with routes to the
	// given CIDRs in every private route table. Defaults to none.
	Hybrid *HybridArgs
	// DiscoveryTag is the value of the karpenter.sh/discovery tag on private
	// subnets, and the cluster name of the kubernetes.io/cluster/<name> tag.
	// Defaults to "" (no discovery tags).
	DiscoveryTag string
	// S3ReadBuckets are buckets of other accounts that workloads in the VPC
	// read through the S3 endpoint (promoted models): the endpoint policy
	// admits reading them. Defaults to none.
	S3ReadBuckets []string
	// Tags are applied to every taggable resource (required: the stack's tags).
	Tags map[string]string
}

// Network is the VPC and everything in it.
type Network struct {
	pulumi.ResourceState

	VPC                   *ec2.Vpc
	AvailabilityZones     []string
	PrivateSubnetIDs      pulumi.StringArrayOutput
	PrivateSubnetIDsByAZ  map[string]pulumi.StringOutput
	PublicSubnetIDs       pulumi.StringArrayOutput
	PodSubnetIDs          pulumi.StringArrayOutput
	PodSubnetIDsByAZ      map[string]pulumi.StringOutput
	EndpointSecurityGroup *ec2.SecurityGroup
	InterfaceEndpoints    map[string]*ec2.VpcEndpoint
	S3Endpoint            *ec2.VpcEndpoint
	NATGateways           []*ec2.NatGateway
	FlowLogGroup          *cloudwatch.LogGroup
	PrivateRouteTableIDs  pulumi.StringArrayOutput
	// TransitGatewayAttachment, VPNGateway and VPNConnection are the hybrid
	// link; nil without one.
	TransitGatewayAttachment *ec2transitgateway.VpcAttachment
	VPNGateway               *ec2.VpnGateway
	VPNConnection            *ec2.VpnConnection
	Layout                   Layout
	InterfaceEndpointNames   []string
}

var (
	azPattern      = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d[a-z]$`)
	servicePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*[a-z0-9]$`)
	logGroupName   = regexp.MustCompile(`^[\w\-/.#]{1,512}$`)
)

func (a *NetworkArgs) validate() (Layout, error) {
	var errs []error
	if len(a.AvailabilityZones) == 0 || len(a.AvailabilityZones) > maxAZs {
		errs = append(errs, fmt.Errorf("AvailabilityZones: %d given; allowed: 1 to %d", len(a.AvailabilityZones), maxAZs))
	}
	seen := map[string]bool{}
	for i, az := range a.AvailabilityZones {
		if !azPattern.MatchString(az) || seen[az] {
			errs = append(errs, fmt.Errorf("AvailabilityZones[%d]: %q is not a distinct AZ name", i, az))
		}
		seen[az] = true
	}
	layout, err := PlanLayout(a.CIDR, a.PodCIDR, max(1, min(len(a.AvailabilityZones), maxAZs)))
	if err != nil {
		errs = append(errs, fmt.Errorf("CIDR/PodCIDR: %w", err))
	}
	for i, s := range a.InterfaceEndpoints {
		if !servicePattern.MatchString(s) {
			errs = append(errs, fmt.Errorf("InterfaceEndpoints[%d]: %q is not a service name such as sagemaker.api", i, s))
		}
	}
	if a.Region == "" || a.Partition == "" || a.AccountID == "" {
		errs = append(errs, errors.New("Region, Partition and AccountID: required"))
	}
	if a.FlowLogRetentionDays <= 0 {
		errs = append(errs, fmt.Errorf("FlowLogRetentionDays: %d; must be positive", a.FlowLogRetentionDays))
	}
	if a.FlowLogKMSKeyARN == nil {
		errs = append(errs, errors.New("FlowLogKMSKeyARN: required (flow logs are encrypted)"))
	}
	if !logGroupName.MatchString(a.FlowLogGroupName) {
		errs = append(errs, fmt.Errorf("FlowLogGroupName: %q must be 1-512 of a-z, A-Z, 0-9, _ - / . #", a.FlowLogGroupName))
	}
	if h := a.Hybrid; h != nil && (h.TransitGatewayID == "") == (h.VPN == nil) {
		errs = append(errs, errors.New("Hybrid: set TransitGatewayID or VPN, not both or neither"))
	}
	return layout, errors.Join(errs...)
}

// NewNetwork builds the VPC. All validation happens before anything is registered.
func NewNetwork(ctx *pulumi.Context, name string, args *NetworkArgs, opts ...pulumi.ResourceOption) (*Network, error) {
	if args == nil {
		return nil, errors.New("network: args are required")
	}
	layout, err := args.validate()
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	endpoints := append([]string(nil), args.InterfaceEndpoints...)
	sort.Strings(endpoints)
	endpoints = compact(endpoints)

	n := &Network{
		AvailabilityZones:      append([]string(nil), args.AvailabilityZones...),
		InterfaceEndpoints:     map[string]*ec2.VpcEndpoint{},
		PrivateSubnetIDsByAZ:   map[string]pulumi.StringOutput{},
		PodSubnetIDsByAZ:       map[string]pulumi.StringOutput{},
		Layout:                 layout,
		InterfaceEndpointNames: endpoints,
	}
	if err := ctx.RegisterComponentResource("ml-platform:network:Network", name, n, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(n)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }

	n.VPC, err = ec2.NewVpc(ctx, name+"-vpc", &ec2.VpcArgs{
		CidrBlock:          pulumi.String(args.CIDR),
		EnableDnsHostnames: pulumi.Bool(true), // required for interface endpoints' private DNS
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               tag("Name", name+"-vpc"),
	}, parent)
	if err != nil {
		return nil, err
	}
	vpcID := n.VPC.ID()

	// Lock down the VPC's default security group: nothing should use it.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, name+"-default-sg", &ec2.DefaultSecurityGroupArgs{
		VpcId: vpcID,
		Tags:  tag("Name", name+"-default-deny-all"),
	}, parent); err != nil {
		return nil, err
	}

	podBlockOpts := []pulumi.ResourceOption{parent}
	if args.PodCIDR != "" {
		assoc, err := ec2.NewVpcIpv4CidrBlockAssociation(ctx, name+"-pod-cidr", &ec2.VpcIpv4CidrBlockAssociationArgs{
			VpcId:     vpcID,
			CidrBlock: pulumi.String(args.PodCIDR),
		}, parent)
		if err != nil {
			return nil, err
		}
		podBlockOpts = append(podBlockOpts, pulumi.DependsOn([]pulumi.Resource{assoc}))
	}

	igw, err := ec2.NewInternetGateway(ctx, name+"-igw", &ec2.InternetGatewayArgs{
		VpcId: vpcID,
		Tags:  tag("Name", name+"-igw"),
	}, parent)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, name+"-public", &ec2.RouteTableArgs{
		VpcId: vpcID,
		Routes: ec2.RouteTableRouteArray{ec2.RouteTableRouteArgs{
			CidrBlock: pulumi.String("0.0.0.0/0"),
			GatewayId: igw.ID(),
		}},
		Tags: tag("Name", name+"-public"),
	}, parent)
	if err != nil {
		return nil, err
	}

	var privateIDs, publicIDs, podIDs, privateRTIDs pulumi.StringArray
	var natIDs, privateNAT []pulumi.IDOutput
	var privateSubnets []*ec2.Subnet
	for i, az := range args.AvailabilityZones {
		public, err := ec2.NewSubnet(ctx, name+"-public-"+az, &ec2.SubnetArgs{
			VpcId:               vpcID,
			CidrBlock:           pulumi.String(layout.Public[i]),
			AvailabilityZone:    pulumi.String(az),
			MapPublicIpOnLaunch: pulumi.Bool(false), // only load balancers and NAT live here
			Tags:                tag(subnetTags(name+"-public-"+az, "public", "kubernetes.io/role/elb", args.DiscoveryTag, false)...),
		}, parent)
		if err != nil {
			return nil, err
		}
		publicIDs = append(publicIDs, public.ID().ToStringOutput())
		if _, err := ec2.NewRouteTableAssociation(ctx, name+"-public-"+az, &ec2.RouteTableAssociationArgs{
			SubnetId:     public.ID(),
			RouteTableId: publicRT.ID(),
		}, parent); err != nil {
			return nil, err
		}

		if args.NATPerAZ || i == 0 {
			eip, err := ec2.NewEip(ctx, name+"-nat-"+az, &ec2.EipArgs{
				Domain: pulumi.String("vpc"),
				Tags:   tag("Name", name+"-nat-"+az),
			}, parent)
			if err != nil {
				return nil, err
			}
			nat, err := ec2.NewNatGateway(ctx, name+"-nat-"+az, &ec2.NatGatewayArgs{
				AllocationId:     eip.AllocationId,
				SubnetId:         public.ID(),
				ConnectivityType: pulumi.String("public"),
				Tags:             tag("Name", name+"-nat-"+az),
			}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
			if err != nil {
				return nil, err
			}
			n.NATGateways = append(n.NATGateways, nat)
			natIDs = append(natIDs, nat.ID())
		}

		private, err := ec2.NewSubnet(ctx, name+"-private-"+az, &ec2.SubnetArgs{
			VpcId:            vpcID,
			CidrBlock:        pulumi.String(layout.Private[i]),
			AvailabilityZone: pulumi.String(az),
			Tags:             tag(subnetTags(name+"-private-"+az, "private", "kubernetes.io/role/internal-elb", args.DiscoveryTag, true)...),
		}, parent)
		if err != nil {
			return nil, err
		}
		privateIDs = append(privateIDs, private.ID().ToStringOutput())
		n.PrivateSubnetIDsByAZ[az] = private.ID().ToStringOutput()
		privateSubnets = append(privateSubnets, private)
		privateNAT = append(privateNAT, natIDs[len(natIDs)-1])
	}

	// The hybrid link needs every private subnet (a transit gateway
	// attachment takes one per AZ) before the route tables name it.
	hybridRoutes, err := n.hybrid(ctx, name, args, privateIDs, tag)
	if err != nil {
		return nil, err
	}

	for i, az := range args.AvailabilityZones {
		private := privateSubnets[i]
		routes := ec2.RouteTableRouteArray{ec2.RouteTableRouteArgs{
			CidrBlock:    pulumi.String("0.0.0.0/0"),
			NatGatewayId: privateNAT[i],
		}}
		privateRT, err := ec2.NewRouteTable(ctx, name+"-private-"+az, &ec2.RouteTableArgs{
			VpcId:  vpcID,
			Routes: append(routes, hybridRoutes.routes...),
			Tags:   tag("Name", name+"-private-"+az),
		}, parent, pulumi.DependsOn(hybridRoutes.after))
		if err != nil {
			return nil, err
		}
		privateRTIDs = append(privateRTIDs, privateRT.ID().ToStringOutput())
		if _, err := ec2.NewRouteTableAssociation(ctx, name+"-private-"+az, &ec2.RouteTableAssociationArgs{
			SubnetId:     private.ID(),
			RouteTableId: privateRT.ID(),
		}, parent); err != nil {
			return nil, err
		}

		if args.PodCIDR != "" {
			pods, err := ec2.NewSubnet(ctx, name+"-pods-"+az, &ec2.SubnetArgs{
				VpcId:            vpcID,
				CidrBlock:        pulumi.String(layout.Pods[i]),
				AvailabilityZone: pulumi.String(az),
				Tags:             tag("Name", name+"-pods-"+az, "Tier", "pods"),
			}, podBlockOpts...)
			if err != nil {
				return nil, err
			}
			podIDs = append(podIDs, pods.ID().ToStringOutput())
			n.PodSubnetIDsByAZ[az] = pods.ID().ToStringOutput()
			if _, err := ec2.NewRouteTableAssociation(ctx, name+"-pods-"+az, &ec2.RouteTableAssociationArgs{
				SubnetId:     pods.ID(),
				RouteTableId: privateRT.ID(),
			}, parent); err != nil {
				return nil, err
			}
		}
	}
	n.PrivateSubnetIDs = privateIDs.ToStringArrayOutput()
	n.PublicSubnetIDs = publicIDs.ToStringArrayOutput()
	n.PodSubnetIDs = podIDs.ToStringArrayOutput()
	n.PrivateRouteTableIDs = privateRTIDs.ToStringArrayOutput()

	if err := n.endpoints(ctx, name, args, endpoints, privateIDs, privateRTIDs, tag); err != nil {
		return nil, err
	}
	if err := n.flowLogs(ctx, name, args, tag); err != nil {
		return nil, err
	}

	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{
		"vpcId":            vpcID,
		"privateSubnetIds": n.PrivateSubnetIDs,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"podSubnetIds":     n.PodSubnetIDs,
	}); err != nil {
		return nil, err
	}
	return n, nil
}

// subnetTags returns the Name/Tier tags plus the EKS load-balancer role tag
// and, for private subnets, the discovery tags Karpenter and EKS look for.
func subnetTags(name, tier, lbRoleTag, discovery string, private bool) []string {
	kv := []string{"Name", name, "Tier", tier, lbRoleTag, "1"}
	if discovery != "" {
		kv = append(kv, "kubernetes.io/cluster/"+discovery, "shared")
		if private {
			kv = append(kv, "karpenter.sh/discovery", discovery)
		}
	}
	return kv
}

// endpoints creates the S3 gateway endpoint and one interface endpoint per
// service, with private DNS, in the private subnets behind a security group
// that admits HTTPS from the VPC's own blocks only.
func (n *Network) endpoints(ctx *pulumi.Context, name string, args *NetworkArgs, services []string,
	privateIDs, privateRTIDs pulumi.StringArray, tag func(...string) pulumi.StringMap,
) error {
	parent := pulumi.Parent(n)
	var err error
	n.S3Endpoint, err = ec2.NewVpcEndpoint(ctx, name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           n.VPC.ID(),
		ServiceName:     pulumi.String(catalog.EndpointServiceName(args.Region, "s3")),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   privateRTIDs,
		Policy:          pulumi.String(S3EndpointPolicy(args.Partition, args.Region, args.AccountID, args.S3ReadBuckets).JSON()),
		Tags:            tag("Name", name+"-s3"),
	}, parent)
	if err != nil {
		return err
	}
	if len(services) == 0 {
		return nil
	}

	n.EndpointSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-endpoints", &ec2.SecurityGroupArgs{
		VpcId:       n.VPC.ID(),
		Description: pulumi.String("Interface endpoints: HTTPS from inside the VPC only"),
		Tags:        tag("Name", name+"-endpoints"),
	}, parent)
	if err != nil {
		return err
	}
	sources := map[string]string{"vpc": args.CIDR}
	if args.PodCIDR != "" {
		sources["pods"] = args.PodCIDR
	}
	for _, src := range []string{"pods", "vpc"} {
		block, ok := sources[src]
		if !ok {
			continue
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-endpoints-https-from-"+src, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: n.EndpointSecurityGroup.ID(),
			Description:     pulumi.String("HTTPS from the " + src + " block"),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			CidrIpv4:        pulumi.String(block),
			Tags:            tag("Name", name+"-endpoints-https-from-"+src),
		}, parent); err != nil {
			return err
		}
	}

	for _, svc := range services {
		logical := name + "-" + strings.ReplaceAll(svc, ".", "-")
		ep, err := ec2.NewVpcEndpoint(ctx, logical, &ec2.VpcEndpointArgs{
			VpcId:             n.VPC.ID(),
			ServiceName:       pulumi.String(catalog.EndpointServiceName(args.Region, svc)),
			VpcEndpointType:   pulumi.String("Interface"),
			PrivateDnsEnabled: pulumi.Bool(true),
			SubnetIds:         privateIDs,
			SecurityGroupIds:  pulumi.StringArray{n.EndpointSecurityGroup.ID()},
			Policy:            interfaceEndpointPolicy(svc, args.AccountID),
			Tags:              tag("Name", logical, "Service", svc),
		}, parent)
		if err != nil {
			return err
		}
		n.InterfaceEndpoints[svc] = ep
	}
	return nil
}

// flowLogs sends all VPC traffic records to a KMS-encrypted log group through
// a role only the VPC Flow Logs service of this account can assume.
func (n *Network) flowLogs(ctx *pulumi.Context, name string, args *NetworkArgs, tag func(...string) pulumi.StringMap) error {
	parent := pulumi.Parent(n)
	groupOpts := []pulumi.ResourceOption{parent}
	if args.ProtectLogs {
		groupOpts = append(groupOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	var err error
	n.FlowLogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-flow-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(args.FlowLogGroupName),
		RetentionInDays: pulumi.Int(args.FlowLogRetentionDays),
		KmsKeyId:        args.FlowLogKMSKeyARN,
		Tags:            tag("Name", name+"-flow-logs"),
	}, groupOpts...)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, name+"-flow-logs", &iam.RoleArgs{
		Description:      pulumi.String("Lets VPC Flow Logs write to the flow-log group"),
		AssumeRolePolicy: pulumi.String(FlowLogTrustPolicy(args.Account).JSON()),
		Tags:             tag("Name", name+"-flow-logs"),
	}, parent)
	if err != nil {
		return err
	}
	// Built from the group's fixed name, not its ARN output: a first
	// preview shows (and the policy pack judges) the whole document.
	groupARN := args.ARN("logs", "log-group:"+args.FlowLogGroupName)
	if _, err := iam.NewRolePolicy(ctx, name+"-flow-logs", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(FlowLogWritePolicy(groupARN).JSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{n.FlowLogGroup})); err != nil {
		return err
	}
	_, err = ec2.NewFlowLog(ctx, name+"-flow-log", &ec2.FlowLogArgs{
		VpcId:                  n.VPC.ID(),
		TrafficType:            pulumi.String("ALL"),
		LogDestinationType:     pulumi.String("cloud-watch-logs"),
		LogDestination:         n.FlowLogGroup.Arn,
		IamRoleArn:             role.Arn,
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   tag("Name", name+"-flow-log"),
	}, parent)
	return err
}

// FlowLogTrustPolicy lets only VPC Flow Logs acting for this account assume
// the role (the confused-deputy conditions AWS recommends).
func FlowLogTrustPolicy(a awsarn.Account) iamdoc.Document {
	account := a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Sid:       "VPCFlowLogsOfThisAccount",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"vpc-flow-logs.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {a.ARN("ec2", "vpc-flow-log/*")}},
		},
	})
}

// FlowLogWritePolicy allows writing to one log group's streams, nothing else.
func FlowLogWritePolicy(logGroupARN string) iamdoc.Document {
	return iamdoc.New(iamdoc.Allow("WriteFlowLogs",
		[]string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"},
		logGroupARN, logGroupARN+":log-stream:*"))
}

func compact(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// S3EndpointPolicy admits through the S3 gateway endpoint only this
// account's principals, and only to this account's buckets, the AWS-owned
// objects nodes need (ECR layers, Amazon Linux packages:
// catalog.AWSOwnedBucketsSource) and the listed buckets of other accounts
// it reads. Without it, credentials of any account can move data to any
// bucket through the endpoint (VPC user guide, "Control access to VPC
// endpoints using endpoint policies").
func S3EndpointPolicy(partition, region, account string, readBuckets []string) iamdoc.Document {
	own := iamdoc.Condition{"StringEquals": {"aws:PrincipalAccount": {account}}}
	doc := iamdoc.New(
		iamdoc.Statement{Sid: "ThisAccountsPrincipalsAndBuckets", Effect: "Allow", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: []string{"s3:*"}, Resource: []string{"*"},
			Condition: iamdoc.Condition{"StringEquals": {"aws:PrincipalAccount": {account}, "aws:ResourceAccount": {account}}}},
		iamdoc.Statement{Sid: "AWSOwnedObjects", Effect: "Allow", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: []string{"s3:GetObject"}, Resource: catalog.AWSOwnedBucketObjects(partition, region), Condition: own},
	)
	if len(readBuckets) > 0 {
		var res []string
		for _, b := range slices.Sorted(slices.Values(readBuckets)) {
			res = append(res, fmt.Sprintf("arn:%s:s3:::%s", partition, b), fmt.Sprintf("arn:%s:s3:::%s/*", partition, b))
		}
		doc.Statement = append(doc.Statement, iamdoc.Statement{Sid: "ReadOtherAccountsBuckets", Effect: "Allow",
			Principal: &iamdoc.Principal{AWS: []string{"*"}}, Action: []string{"s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"},
			Resource: slices.Compact(res), Condition: own})
	}
	return doc
}

// interfaceEndpointPolicy admits only this account's principals through an
// interface endpoint of a service that takes a policy
// (catalog.EndpointPolicyServices): credentials of another account used
// inside the VPC cannot reach their own account's queues, keys or logs
// through it. nil (the default full-access policy) for other services.
func interfaceEndpointPolicy(svc, account string) pulumi.StringPtrInput {
	if !slices.Contains(catalog.EndpointPolicyServices, svc) {
		return nil
	}
	return pulumi.String(InterfaceEndpointPolicy(account).JSON())
}

// InterfaceEndpointPolicy allows any action through the endpoint to this
// account's principals only.
func InterfaceEndpointPolicy(account string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{Sid: "ThisAccountsPrincipals", Effect: "Allow", Principal: &iamdoc.Principal{AWS: []string{"*"}},
		Action: []string{"*"}, Resource: []string{"*"}, Condition: iamdoc.Condition{"StringEquals": {"aws:PrincipalAccount": {account}}}})
}
