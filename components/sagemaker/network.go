package sagemaker

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/internal/lib/tags"
)

// privateGroup describes a security group for SageMaker compute in the
// private subnets.
type privateGroup struct {
	Name, Description, VPCCIDR string
	VPCID, S3PrefixListID      pulumi.StringInput
	// IPsec lets members carry inter-container traffic encryption: IKE on
	// UDP 500 and ESP (IP protocol 50) between them (SageMaker developer
	// guide, "Protect communications between ML compute instances in a
	// distributed training job"; catalog.SageMakerTrainEncryptSource).
	IPsec bool
	Tags  map[string]string
}

// privateSecurityGroup creates a group whose members talk to each other on
// any TCP port (distributed training, Studio apps and their EFS) and reach
// nothing but the VPC's interface endpoints and S3 (through the gateway
// endpoint's prefix list) over HTTPS. It returns the group and its rules.
func privateSecurityGroup(ctx *pulumi.Context, name string, g privateGroup, parent pulumi.ResourceOption) (*ec2.SecurityGroup, []pulumi.Resource, error) {
	tag := func(suffix string) pulumi.StringMap { return tags.With(g.Tags, "Name", name+"-"+suffix) }
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		VpcId: g.VPCID, Description: pulumi.String(g.Description), Tags: tags.With(g.Tags, "Name", g.Name),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	in, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-tcp-from-self", &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId: sg.ID(), ReferencedSecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"),
		FromPort: pulumi.Int(0), ToPort: pulumi.Int(65535), Description: pulumi.String("Members of the group"), Tags: tag("tcp-from-self"),
	}, parent)
	if err != nil {
		return nil, nil, err
	}
	rules := []pulumi.Resource{in}
	type ingress struct {
		suffix string
		args   *vpc.SecurityGroupIngressRuleArgs
	}
	var ins []ingress
	egress := []struct {
		suffix string
		args   *vpc.SecurityGroupEgressRuleArgs
	}{
		{"tcp-to-self", &vpc.SecurityGroupEgressRuleArgs{ReferencedSecurityGroupId: sg.ID(), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(0), ToPort: pulumi.Int(65535), Description: pulumi.String("Members of the group")}},
		{"https-to-vpc", &vpc.SecurityGroupEgressRuleArgs{CidrIpv4: pulumi.String(g.VPCCIDR), IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), Description: pulumi.String("The VPC's interface endpoints")}},
		{"https-to-s3", &vpc.SecurityGroupEgressRuleArgs{PrefixListId: g.S3PrefixListID, IpProtocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(443), ToPort: pulumi.Int(443), Description: pulumi.String("S3 through the gateway endpoint")}},
	}
	if g.IPsec {
		ins = append(ins,
			ingress{"ike-from-self", &vpc.SecurityGroupIngressRuleArgs{IpProtocol: pulumi.String("udp"), FromPort: pulumi.Int(500), ToPort: pulumi.Int(500),
				Description: pulumi.String("IKE between members (inter-container traffic encryption)")}},
			ingress{"esp-from-self", &vpc.SecurityGroupIngressRuleArgs{IpProtocol: pulumi.String("50"),
				Description: pulumi.String("ESP between members (inter-container traffic encryption)")}})
		egress = append(egress,
			struct {
				suffix string
				args   *vpc.SecurityGroupEgressRuleArgs
			}{"ike-to-self", &vpc.SecurityGroupEgressRuleArgs{ReferencedSecurityGroupId: sg.ID(), IpProtocol: pulumi.String("udp"),
				FromPort: pulumi.Int(500), ToPort: pulumi.Int(500), Description: pulumi.String("IKE between members (inter-container traffic encryption)")}},
			struct {
				suffix string
				args   *vpc.SecurityGroupEgressRuleArgs
			}{"esp-to-self", &vpc.SecurityGroupEgressRuleArgs{ReferencedSecurityGroupId: sg.ID(), IpProtocol: pulumi.String("50"),
				Description: pulumi.String("ESP between members (inter-container traffic encryption)")}})
	}
	for _, i := range ins {
		i.args.SecurityGroupId, i.args.ReferencedSecurityGroupId, i.args.Tags = sg.ID(), sg.ID(), tag(i.suffix)
		r, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-"+i.suffix, i.args, parent)
		if err != nil {
			return nil, nil, err
		}
		rules = append(rules, r)
	}
	for _, e := range egress {
		e.args.SecurityGroupId = sg.ID()
		e.args.Tags = tag(e.suffix)
		r, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-"+e.suffix, e.args, parent)
		if err != nil {
			return nil, nil, err
		}
		rules = append(rules, r)
	}
	return sg, rules, nil
}

// ComputeNetworkArgs places SageMaker jobs and endpoints.
type ComputeNetworkArgs struct {
	// Name names the group (required).
	Name string
	// VPCID, VPCCIDR and S3PrefixListID describe the VPC (required).
	VPCID          pulumi.StringInput
	VPCCIDR        string
	S3PrefixListID pulumi.StringInput
	// Tags are applied to the group and rules (required).
	Tags map[string]string
}

// ComputeNetwork is the security group of SageMaker jobs and endpoints.
type ComputeNetwork struct {
	pulumi.ResourceState

	SecurityGroup *ec2.SecurityGroup
	// Rules are the group's rules: jobs depend on them.
	Rules []pulumi.Resource
}

// NewComputeNetwork creates the group jobs and endpoints run in.
func NewComputeNetwork(ctx *pulumi.Context, name string, args *ComputeNetworkArgs, opts ...pulumi.ResourceOption) (*ComputeNetwork, error) {
	if args == nil || args.Name == "" || args.VPCID == nil || args.VPCCIDR == "" || args.S3PrefixListID == nil {
		return nil, errors.New("compute network: Name, VPCID, VPCCIDR and S3PrefixListID are required")
	}
	n := &ComputeNetwork{}
	if err := ctx.RegisterComponentResource("ml-platform:sagemaker:ComputeNetwork", name, n, opts...); err != nil {
		return nil, err
	}
	var err error
	n.SecurityGroup, n.Rules, err = privateSecurityGroup(ctx, name, privateGroup{
		Name: args.Name, Description: fmt.Sprintf("SageMaker jobs and endpoints of %s: each other, the VPC endpoints and S3", args.Name),
		VPCID: args.VPCID, VPCCIDR: args.VPCCIDR, S3PrefixListID: args.S3PrefixListID, IPsec: true, Tags: args.Tags,
	}, pulumi.Parent(n))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(n, pulumi.Map{"securityGroupId": n.SecurityGroup.ID()}); err != nil {
		return nil, err
	}
	return n, nil
}
