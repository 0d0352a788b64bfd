package cluster

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// NodeGroupSpec is one node group's shape, as config produces it
// (spec.NodeGroup: config has checked its values; the component checks
// only what the wiring decides, its zone, and derives its shape).
type NodeGroupSpec = spec.NodeGroup

// CapacityReservation is a group's reserved capacity.
type CapacityReservation = spec.CapacityReservation

// validateSpec checks the group against the stack's AZs and returns the
// shape its instance types give. Every problem is reported, each with its
// field.
func validateSpec(s NodeGroupSpec, availabilityZones []string) (Shape, error) {
	var errs []error
	shape, err := ShapeOf(s.InstanceTypes, s.Role, s.CapacityType, s.EFA)
	if err != nil {
		errs = append(errs, fmt.Errorf("Spec.InstanceTypes: %w", err))
	}
	if s.AMIType != "" && err == nil && s.AMIType != shape.AMIType {
		errs = append(errs, fmt.Errorf("Spec.AMIType: %q does not fit %s instances; allowed: %q", s.AMIType, shape.Accelerator, shape.AMIType))
	}
	if s.EFA && s.AvailabilityZone == "" {
		errs = append(errs, errors.New("Spec.AvailabilityZone: required with EFA (the placement group lives in one AZ)"))
	}
	if s.AvailabilityZone != "" && !slices.Contains(availabilityZones, s.AvailabilityZone) {
		errs = append(errs, fmt.Errorf("Spec.AvailabilityZone: %q has no private subnet; allowed: %v", s.AvailabilityZone, availabilityZones))
	}
	return shape, errors.Join(errs...)
}

// NodeGroupArgs wires a node group to its cluster.
type NodeGroupArgs struct {
	Spec NodeGroupSpec
	// ClusterName is the EKS cluster's name, as an output of the cluster
	// (required): the group depends on the cluster through it.
	ClusterName pulumi.StringInput
	// SubnetIDsByAZ are the private subnets by AZ (required; a pinned group uses one).
	SubnetIDsByAZ map[string]pulumi.StringInput
	// AvailabilityZones orders SubnetIDsByAZ (required).
	AvailabilityZones []string
	// NodeRoleARN is the nodes' IAM role (required).
	NodeRoleARN pulumi.StringInput
	// NodeSecurityGroupID is attached to every interface (required).
	NodeSecurityGroupID pulumi.StringInput
	// VolumeKMSKeyARN encrypts root volumes (required).
	VolumeKMSKeyARN pulumi.StringInput
	// ClusterTagName is the cluster's physical name for the
	// kubernetes.io/cluster/<name> tag (required).
	ClusterTagName string
	// Tags are applied to the group, template, instances and volumes (required).
	Tags map[string]string
	// KubernetesVersion is the control plane's "1.MINOR": the nodes follow
	// it, so raising the cluster's version updates the control plane and
	// then rolls the groups (EKS updates a group's AMI to the version's,
	// MaxUnavailable at a time). Without it a group keeps the version it
	// was created with. Defaults to none.
	KubernetesVersion string
	// SetupCommands run as root when a node boots. Defaults to none.
	SetupCommands []string
	// RequiredCommands run after them and must succeed: a node where one
	// fails powers off instead of joining. Defaults to none.
	RequiredCommands []string
	// DependsOn are what the nodes need before they join: the node agent
	// add-ons, custom networking, the node role's policies and access
	// entry. Applied to the node group itself, since a component's
	// DependsOn does not reach its children. Defaults to none.
	DependsOn []pulumi.Resource
	// NodeRepair turns on EKS node auto repair for an accelerated group:
	// EKS replaces nodes the node monitoring agent reports unhealthy
	// (catalog.NodeHealthSource). CPU groups keep the default (off).
	// Defaults to false.
	NodeRepair bool
}

// NodeGroup is one managed node group with its launch template and, with
// EFA, its placement group.
type NodeGroup struct {
	pulumi.ResourceState

	Shape          Shape
	Spec           NodeGroupSpec
	LaunchTemplate *ec2.LaunchTemplate
	PlacementGroup *ec2.PlacementGroup
	NodeGroup      *eks.NodeGroup
}

func (a *NodeGroupArgs) validate() (Shape, error) {
	var errs []error
	for _, az := range a.AvailabilityZones {
		if _, ok := a.SubnetIDsByAZ[az]; !ok {
			errs = append(errs, fmt.Errorf("SubnetIDsByAZ: no subnet for %s", az))
		}
	}
	shape, err := validateSpec(a.Spec, a.AvailabilityZones)
	if err != nil {
		errs = append(errs, err)
	}
	if a.ClusterName == nil || a.ClusterTagName == "" || a.NodeRoleARN == nil || a.NodeSecurityGroupID == nil ||
		a.VolumeKMSKeyARN == nil || len(a.AvailabilityZones) == 0 {
		errs = append(errs, errors.New("ClusterName, ClusterTagName, NodeRoleARN, NodeSecurityGroupID, VolumeKMSKeyARN and AvailabilityZones: required"))
	}
	return shape, errors.Join(errs...)
}

// NewNodeGroup builds one managed node group.
func NewNodeGroup(ctx *pulumi.Context, name string, args *NodeGroupArgs, opts ...pulumi.ResourceOption) (*NodeGroup, error) {
	if args == nil {
		return nil, errors.New("node group: args are required")
	}
	shape, err := args.validate()
	if err != nil {
		return nil, fmt.Errorf("node group %q: %w", name, err)
	}
	spec := args.Spec
	spec.InstanceTypes = slices.Clone(spec.InstanceTypes)
	g := &NodeGroup{Shape: shape, Spec: spec}
	if err := ctx.RegisterComponentResource("ml-platform:cluster:NodeGroup", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)
	groupTags := tags.Merge(args.Tags, map[string]string{
		"Name": name,
		conventions.ClusterTag(args.ClusterTagName): "owned",
		conventions.LabelWorkloadType:               string(spec.Role),
	})
	tag := func(kv ...string) pulumi.StringMap { return tags.With(groupTags, kv...) }

	subnets := pulumi.StringArray{}
	if spec.AvailabilityZone != "" {
		subnets = append(subnets, args.SubnetIDsByAZ[spec.AvailabilityZone])
	} else {
		for _, az := range args.AvailabilityZones {
			subnets = append(subnets, args.SubnetIDsByAZ[az])
		}
	}

	lt := &ec2.LaunchTemplateArgs{
		Description:          pulumi.String(fmt.Sprintf("%s nodes (%s, %s)", spec.Role, shape.Accelerator, spec.CapacityType)),
		UpdateDefaultVersion: pulumi.Bool(true),
		MetadataOptions: ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"), // IMDSv2 only
			// 1: pods (one hop further) cannot reach the node role's
			// credentials; they get their own through Pod Identity.
			HttpPutResponseHopLimit: pulumi.Int(spec.HopLimit()),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(spec.RootVolumeGiB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				KmsKeyId:            args.VolumeKMSKeyARN,
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: tag()},
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: tag()},
			ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("network-interface"), Tags: tag()},
		},
		Tags: tag(),
	}

	if r := spec.CapacityReservation; r != nil {
		target := ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs{}
		if r.ID != "" {
			target.CapacityReservationId = pulumi.String(r.ID)
		} else {
			target.CapacityReservationResourceGroupArn = pulumi.String(r.ResourceGroupARN)
		}
		lt.CapacityReservationSpecification = ec2.LaunchTemplateCapacityReservationSpecificationArgs{CapacityReservationTarget: target}
		if r.CapacityBlock {
			lt.InstanceMarketOptions = ec2.LaunchTemplateInstanceMarketOptionsArgs{MarketType: pulumi.String(catalog.MarketTypeCapacityBlock)}
		}
	}
	if spec.EFA {
		// A reservation decides where its instances go: one made in a
		// cluster placement group is used only by launches into that
		// group, and a launch into a new group of ours finds no reserved
		// capacity there (terraform-aws-eks issue 3730). With a
		// reservation the group gets no placement group of its own.
		if spec.CapacityReservation == nil {
			g.PlacementGroup, err = ec2.NewPlacementGroup(ctx, name+"-placement", &ec2.PlacementGroupArgs{
				Strategy: pulumi.String("cluster"),
				Tags:     tag("Name", name+"-placement"),
			}, parent)
			if err != nil {
				return nil, err
			}
			lt.Placement = ec2.LaunchTemplatePlacementArgs{GroupName: g.PlacementGroup.Name}
		}
		var nics ec2.LaunchTemplateNetworkInterfaceArray
		for _, nic := range EFALayout(shape.EFADevices) {
			// No AssociatePublicIpAddress: EC2 refuses the parameter on a
			// launch with several interfaces, even set to false.
			nics = append(nics, ec2.LaunchTemplateNetworkInterfaceArgs{
				NetworkCardIndex:    pulumi.Int(nic.NetworkCardIndex),
				DeviceIndex:         pulumi.Int(nic.DeviceIndex),
				InterfaceType:       pulumi.String(nic.InterfaceType),
				SecurityGroups:      pulumi.StringArray{args.NodeSecurityGroupID},
				DeleteOnTermination: pulumi.String("true"),
			})
		}
		lt.NetworkInterfaces = nics
	} else {
		lt.VpcSecurityGroupIds = pulumi.StringArray{args.NodeSecurityGroupID}
	}

	if len(args.SetupCommands)+len(args.RequiredCommands) > 0 {
		lt.UserData = pulumi.String(base64.StdEncoding.EncodeToString([]byte(NodeUserData(args.SetupCommands, args.RequiredCommands...))))
	}
	g.LaunchTemplate, err = ec2.NewLaunchTemplate(ctx, name, lt, parent)
	if err != nil {
		return nil, err
	}

	var taints eks.NodeGroupTaintArray
	for _, t := range shape.Taints {
		taints = append(taints, eks.NodeGroupTaintArgs{Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.Effect)})
	}
	amiType := shape.AMIType
	if spec.AMIType != "" {
		amiType = spec.AMIType
	}
	g.NodeGroup, err = eks.NewNodeGroup(ctx, name, &eks.NodeGroupArgs{
		ClusterName:   args.ClusterName,
		NodeRoleArn:   args.NodeRoleARN,
		SubnetIds:     subnets,
		InstanceTypes: pulumi.ToStringArray(spec.InstanceTypes),
		CapacityType:  pulumi.String(spec.EKSCapacityType()),
		AmiType:       pulumi.String(string(amiType)),
		ScalingConfig: eks.NodeGroupScalingConfigArgs{
			MinSize:     pulumi.Int(spec.MinSize),
			MaxSize:     pulumi.Int(spec.MaxSize),
			DesiredSize: pulumi.Int(spec.DesiredSize),
		},
		UpdateConfig: eks.NodeGroupUpdateConfigArgs{MaxUnavailable: pulumi.Int(1)},
		Version:      optional(args.KubernetesVersion),
		LaunchTemplate: eks.NodeGroupLaunchTemplateArgs{
			Id:      g.LaunchTemplate.ID(),
			Version: g.LaunchTemplate.LatestVersion.ApplyT(func(v int) string { return fmt.Sprint(v) }).(pulumi.StringOutput),
		},
		Labels:           pulumi.ToStringMap(shape.Labels),
		Tags:             reservationTag(tag, spec.CapacityReservation),
		Taints:           taints,
		NodeRepairConfig: nodeRepair(args.NodeRepair && shape.Accelerator != catalog.AcceleratorNone),
	}, parent, pulumi.DependsOn(args.DependsOn), pulumi.IgnoreChanges([]string{"scalingConfig.desiredSize"}))
	if err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{
		"nodeGroupName":    g.NodeGroup.NodeGroupName,
		"launchTemplateId": g.LaunchTemplate.ID(),
	}); err != nil {
		return nil, err
	}
	return g, nil
}

// reservationTag is the group's tags, naming the capacity reservation its
// launch template targets (conventions.TagCapacityReservation).
func reservationTag(tag func(...string) pulumi.StringMap, r *CapacityReservation) pulumi.StringMap {
	if r == nil {
		return tag()
	}
	kv := []string{conventions.TagCapacityReservation, r.ID + r.ResourceGroupARN}
	if r.Instances > 0 {
		kv = append(kv, conventions.TagReservedInstances, strconv.Itoa(r.Instances))
	}
	if r.USDPerHour > 0 {
		kv = append(kv, conventions.TagCapacityBlockUSDPerHour, strconv.FormatFloat(r.USDPerHour, 'f', -1, 64))
	}
	return tag(kv...)
}

// nodeRepair is the group's auto repair setting: set when on, left to the
// default (off) otherwise.
func nodeRepair(on bool) eks.NodeGroupNodeRepairConfigPtrInput {
	if !on {
		return nil
	}
	return eks.NodeGroupNodeRepairConfigArgs{Enabled: pulumi.Bool(true)}
}

// optional is a string input, nil when empty.
func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}
