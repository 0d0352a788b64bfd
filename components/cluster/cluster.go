package cluster

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-eks/sdk/v2/go/eks"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// ClusterArgs configures the control plane, its node groups and add-ons.
type ClusterArgs struct {
	// Name is the EKS cluster's physical name (required; include project and
	// stack). Fixed so that IAM policies can name the cluster before it exists.
	Name string
	// ControlPlane is the cluster's own settings, as config produces them
	// (spec.ControlPlane: version, endpoint access, add-on versions, access
	// entries, log retention, node repair).
	spec.ControlPlane
	// VPCID is the cluster's VPC (required).
	VPCID pulumi.StringInput
	// AvailabilityZones are the stack's AZs, in order (required).
	AvailabilityZones []string
	// PrivateSubnetIDsByAZ are the private subnets by AZ (required, one per AZ).
	PrivateSubnetIDsByAZ map[string]pulumi.StringInput
	// PodSubnetIDsByAZ, when set, turns on VPC CNI custom networking: one
	// ENIConfig per AZ, so pods take addresses from these subnets instead of
	// the node subnets. Defaults to none (pods share the node subnets).
	PodSubnetIDsByAZ map[string]pulumi.StringInput
	// SecretsKeyARN envelope-encrypts Kubernetes secrets (required).
	SecretsKeyARN pulumi.StringInput
	// LogsKeyARN encrypts the control-plane log group (required).
	LogsKeyARN pulumi.StringInput
	// VolumeKeyARN encrypts node root volumes (required). Its key policy
	// must grant the Auto Scaling and EC2 Spot service-linked roles.
	VolumeKeyARN pulumi.StringInput
	// OptionalAddons are add-ons of catalog.OptionalEKSAddons to install
	// too (the FSx CSI driver when the stack has Lustre). Defaults to none.
	OptionalAddons []string
	// NodeSetupCommands run as root when any node boots, managed or
	// Karpenter's. Defaults to none.
	NodeSetupCommands []string
	// TrainingSetupCommands run as root when a training node boots (managed
	// groups of the training role and Karpenter's training pools), after
	// NodeSetupCommands, and each must succeed: a node where one fails
	// powers off instead of joining, so no pod that needs it (the Lustre
	// client for the FSx volume) is ever scheduled where it would fail.
	// Defaults to none.
	TrainingSetupCommands []string
	// NodeGroups are the managed node groups (required: at least one system group).
	NodeGroups []NodeGroupSpec
	// Region, Partition and AccountID place ARNs and trust policies (required).
	awsarn.Account
	// Protect protects the control-plane log group (prod). Defaults to false.
	Protect bool
	// Tags are applied to every taggable resource (required).
	Tags map[string]string
	// NetworkPolicy turns on the VPC CNI's enforcement of Kubernetes
	// NetworkPolicies (the LLM servers' keep other pods from going around
	// their guardrail).
	NetworkPolicy bool
}

// Cluster is the EKS control plane, node groups and add-ons.
type Cluster struct {
	pulumi.ResourceState

	// Name is the cluster's physical name, known before anything exists.
	Name string
	// ClusterName is the same name as an output of the control plane:
	// every resource that names the cluster takes this, so it is created
	// after the cluster (a plain string would race it on a first `up`).
	ClusterName pulumi.StringOutput
	// EKS is the pulumi-eks component.
	EKS *eks.Cluster
	// ControlPlaneSecurityGroup and NodeSecurityGroup are ours, not pulumi-eks's.
	ControlPlaneSecurityGroup *ec2.SecurityGroup
	NodeSecurityGroup         *ec2.SecurityGroup
	// NodeRole is the role of the managed node groups' instances.
	NodeRole            *iam.Role
	nodeRoleAttachments []pulumi.Resource
	// GroupMetrics turns on the node groups' Auto Scaling group metrics.
	GroupMetrics *GroupMetrics
	// NodeGroups by spec name.
	NodeGroups map[string]*NodeGroup
	// Addons by name.
	Addons map[string]*awseks.Addon
	// Provider talks to the cluster; every Kubernetes object must use it.
	Provider *kubernetes.Provider
	// LogGroup receives the control-plane logs.
	LogGroup *cloudwatch.LogGroup
	// CustomNetworking says pods take addresses from the pod subnets.
	CustomNetworking bool
	// ENIConfigs by AZ, with custom networking.
	ENIConfigs map[string]*apiextensions.CustomResource
	// NodeSetupCommands run when nodes boot; Karpenter's node class runs them too.
	NodeSetupCommands []string
	// TrainingSetupCommands are required on training nodes (ClusterArgs).
	TrainingSetupCommands []string
}

func (a *ClusterArgs) validate() error {
	var errs []error
	if !conventions.ClusterName.MatchString(a.Name) {
		errs = append(errs, fmt.Errorf("Name: %q must be 1-100 letters, digits and dashes, starting with a letter", a.Name))
	}
	for i, name := range a.OptionalAddons {
		if !slices.Contains(catalog.OptionalEKSAddons, name) || slices.Index(a.OptionalAddons, name) != i {
			errs = append(errs, fmt.Errorf("OptionalAddons[%d]: %q is not an optional add-on or is listed twice; allowed: %v", i, name, catalog.OptionalEKSAddons))
		}
	}
	for field, cmds := range map[string][]string{"NodeSetupCommands": a.NodeSetupCommands, "TrainingSetupCommands": a.TrainingSetupCommands} {
		for i, c := range cmds {
			if strings.TrimSpace(c) == "" || strings.Contains(c, "\n") {
				errs = append(errs, fmt.Errorf("%s[%d]: one non-empty command per entry", field, i))
			}
		}
	}
	if len(a.AvailabilityZones) < 2 {
		errs = append(errs, errors.New("AvailabilityZones: EKS needs subnets in at least two AZs"))
	}
	for _, az := range a.AvailabilityZones {
		if _, ok := a.PrivateSubnetIDsByAZ[az]; !ok {
			errs = append(errs, fmt.Errorf("PrivateSubnetIDsByAZ: no subnet for %s", az))
		}
		if _, ok := a.PodSubnetIDsByAZ[az]; len(a.PodSubnetIDsByAZ) > 0 && !ok {
			errs = append(errs, fmt.Errorf("PodSubnetIDsByAZ: no pod subnet for %s (custom networking needs one per AZ)", az))
		}
	}
	if a.VPCID == nil || a.SecretsKeyARN == nil || a.LogsKeyARN == nil || a.VolumeKeyARN == nil {
		errs = append(errs, errors.New("VPCID, SecretsKeyARN, LogsKeyARN and VolumeKeyARN: required"))
	}
	if a.Region == "" || a.Partition == "" || a.AccountID == "" {
		errs = append(errs, errors.New("Region, Partition and AccountID: required"))
	}
	hasSystem := false
	seen := map[string]bool{}
	for i, g := range a.NodeGroups {
		hasSystem = hasSystem || g.Role == conventions.RoleSystem
		if seen[g.Name] {
			errs = append(errs, fmt.Errorf("NodeGroups[%d].Name: %q is used twice", i, g.Name))
		}
		seen[g.Name] = true
		// The whole subtree is judged before anything is registered.
		shape, err := validateSpec(g, a.AvailabilityZones)
		if err != nil {
			errs = append(errs, fmt.Errorf("NodeGroups[%d] (%s): %w", i, g.Name, err))
			continue
		}
		for j, typ := range g.InstanceTypes {
			if pods, _, known := PodSlots(typ, EFALayout(shape.EFADevices), len(a.PodSubnetIDsByAZ) > 0); known && pods == 0 {
				errs = append(errs, fmt.Errorf("NodeGroups[%d] (%s).InstanceTypes[%d]: %s leaves no interface on network card 0 for pods "+
					"(the VPC CNI gives pods addresses there only; catalog.PodNetworkSource)", i, g.Name, j, typ))
			}
		}
	}
	if !hasSystem {
		errs = append(errs, errors.New("NodeGroups: a system group is required (add-ons and Karpenter run there)"))
	}
	for _, name := range slices.Sorted(maps.Keys(a.Addons)) {
		if !slices.Contains(catalog.EKSAddons, name) && !slices.Contains(a.OptionalAddons, name) {
			errs = append(errs, fmt.Errorf("Addons: %q is not managed; allowed: %v", name, append(slices.Clone(catalog.EKSAddons), a.OptionalAddons...)))
		}
	}
	return errors.Join(errs...)
}

// NewCluster builds the control plane, node groups and add-ons. Everything
// is validated, node group specs included, before anything is registered.
func NewCluster(ctx *pulumi.Context, name string, args *ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	if args == nil {
		return nil, errors.New("cluster: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("cluster %q: %w", name, err)
	}
	c := &Cluster{Name: args.Name, NodeGroups: map[string]*NodeGroup{}, Addons: map[string]*awseks.Addon{},
		CustomNetworking: len(args.PodSubnetIDsByAZ) > 0, ENIConfigs: map[string]*apiextensions.CustomResource{},
		NodeSetupCommands: slices.Clone(args.NodeSetupCommands), TrainingSetupCommands: slices.Clone(args.TrainingSetupCommands)}
	if err := ctx.RegisterComponentResource("ml-platform:cluster:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	clusterTags := tags.Merge(args.Tags, map[string]string{conventions.ClusterTag(args.Name): "owned"})
	tag := func(kv ...string) pulumi.StringMap { return tags.With(clusterTags, kv...) }

	if err := c.securityGroups(ctx, name, args, tag); err != nil {
		return nil, err
	}

	// EKS creates /aws/eks/<name>/cluster unencrypted and kept forever
	// unless it exists first: create it with the logs key and a retention.
	logOpts := []pulumi.ResourceOption{parent}
	if args.Protect {
		logOpts = append(logOpts, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	var err error
	c.LogGroup, err = cloudwatch.NewLogGroup(ctx, name+"-control-plane-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(fmt.Sprintf("/aws/eks/%s/cluster", args.Name)),
		RetentionInDays: pulumi.Int(args.LogRetentionDays),
		KmsKeyId:        args.LogsKeyARN,
		Tags:            tag("Name", name+"-control-plane-logs"),
	}, logOpts...)
	if err != nil {
		return nil, err
	}

	subnets := pulumi.StringArray{}
	for _, az := range args.AvailabilityZones {
		subnets = append(subnets, args.PrivateSubnetIDsByAZ[az])
	}
	publicCIDRs := pulumi.StringArray{}
	if args.EndpointPublicAccess {
		publicCIDRs = pulumi.ToStringArray(args.PublicAccessCIDRs)
	}
	if err := c.nodeRole(ctx, name, args, tag); err != nil {
		return nil, err
	}
	authMode := eks.AuthenticationModeApi
	noPublicIPs := false
	skipDefault := true
	useDefaultCNI := true // the vpc-cni add-on below manages the CNI
	c.EKS, err = eks.NewCluster(ctx, name, &eks.ClusterArgs{
		Name:                         pulumi.String(args.Name),
		Version:                      pulumi.String(args.Version),
		VpcId:                        args.VPCID,
		PrivateSubnetIds:             subnets,
		EndpointPrivateAccess:        pulumi.Bool(true),
		EndpointPublicAccess:         pulumi.Bool(args.EndpointPublicAccess),
		PublicAccessCidrs:            publicCIDRs,
		EncryptionConfigKeyArn:       args.SecretsKeyARN,
		EnabledClusterLogTypes:       pulumi.ToStringArray(catalog.ControlPlaneLogTypes),
		AuthenticationMode:           &authMode,
		CreateOidcProvider:           pulumi.Bool(true),
		SkipDefaultNodeGroup:         &skipDefault,
		InstanceRoles:                iam.RoleArray{c.NodeRole},
		NodeAssociatePublicIpAddress: &noPublicIPs,
		UseDefaultVpcCni:             &useDefaultCNI,
		ClusterSecurityGroup:         c.ControlPlaneSecurityGroup,
		Tags:                         tag("Name", args.Name),
		ClusterTags:                  tag("Name", args.Name),
	}, parent, pulumi.DependsOn([]pulumi.Resource{c.LogGroup, c.NodeRole}))
	if err != nil {
		return nil, err
	}
	// The component's URN resolves once pulumi-eks has created the cluster,
	// and carries the dependency on it into every input built from it.
	c.ClusterName = c.EKS.URN().ApplyT(func(pulumi.URN) string { return args.Name }).(pulumi.StringOutput)

	// The Kubernetes provider's identity is the cluster name, not the
	// kubeconfig text: a refreshed token or endpoint format never replaces
	// the provider (and with it every Kubernetes object).
	c.Provider, err = kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig:            c.EKS.KubeconfigJson,
		ClusterIdentifier:     pulumi.String(args.Name),
		EnableServerSideApply: pulumi.Bool(true),
	}, parent)
	if err != nil {
		return nil, err
	}

	// Node agents (and custom networking) before nodes, so every node joins
	// with its final networking; the other add-ons need nodes to run on.
	beforeNodes, err := c.addons(ctx, name, args, tag, catalog.NodeAgentAddons, nil)
	if err != nil {
		return nil, err
	}
	if c.CustomNetworking {
		if err := c.customNetworking(ctx, name, args, beforeNodes); err != nil {
			return nil, err
		}
		for _, az := range args.AvailabilityZones {
			beforeNodes = append(beforeNodes, c.ENIConfigs[az])
		}
	}
	if err := c.nodes(ctx, name, args, tag, beforeNodes); err != nil {
		return nil, err
	}
	if err := c.groupMetrics(ctx, name, args, tag); err != nil {
		return nil, err
	}
	var systemGroups []pulumi.Resource
	for _, spec := range args.NodeGroups {
		if spec.Role == conventions.RoleSystem {
			// The node group itself: a dependency on its component expands
			// to the children registered so far, which may not include it.
			systemGroups = append(systemGroups, c.NodeGroups[spec.Name].NodeGroup)
		}
	}
	var rest []string
	for _, a := range catalog.EKSAddons {
		if !slices.Contains(catalog.NodeAgentAddons, a) {
			rest = append(rest, a)
		}
	}
	rest = append(rest, args.OptionalAddons...)
	if _, err := c.addons(ctx, name, args, tag, rest, systemGroups); err != nil {
		return nil, err
	}
	// Access entries: admins (the CI deploy role) and viewers (the CI
	// preview role: `pulumi preview` reads the cluster, and the Kubernetes
	// provider falls back to a client-side diff where a server-side dry run
	// is forbidden, pulumi/pulumi-kubernetes#2419).
	grants := []struct {
		suffix, policy string
		arns           []string
	}{{"admin", "AmazonEKSClusterAdminPolicy", args.AdminRoleARNs}, {"viewer", "AmazonEKSViewPolicy", args.ViewerRoleARNs}}
	for _, g := range grants {
		for i, arn := range g.arns {
			entryName := fmt.Sprintf("%s-%s-%d", name, g.suffix, i)
			entry, err := awseks.NewAccessEntry(ctx, entryName, &awseks.AccessEntryArgs{
				ClusterName:  c.ClusterName,
				PrincipalArn: pulumi.String(arn),
				Type:         pulumi.String("STANDARD"),
				Tags:         tag("Name", entryName),
			}, parent)
			if err != nil {
				return nil, err
			}
			if _, err := awseks.NewAccessPolicyAssociation(ctx, entryName, &awseks.AccessPolicyAssociationArgs{
				ClusterName:  c.ClusterName,
				PrincipalArn: entry.PrincipalArn,
				PolicyArn:    pulumi.String(fmt.Sprintf("arn:%s:eks::aws:cluster-access-policy/%s", args.Partition, g.policy)),
				AccessScope:  awseks.AccessPolicyAssociationAccessScopeArgs{Type: pulumi.String("cluster")},
			}, parent); err != nil {
				return nil, err
			}
		}
	}

	if err := ctx.RegisterResourceOutputs(c, pulumi.Map{
		"clusterName":         c.ClusterName,
		"nodeSecurityGroupId": c.NodeSecurityGroup.ID(),
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// securityGroups creates the control-plane and node security groups: the
// API reachable from nodes and from the deployer networks, kubelets and
// webhooks reachable from the control plane, and all traffic between nodes
// (EFA needs it in both directions).
func (c *Cluster) securityGroups(ctx *pulumi.Context, name string, args *ClusterArgs, tag func(...string) pulumi.StringMap) error {
	parent := pulumi.Parent(c)
	var err error
	c.ControlPlaneSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-control-plane", &ec2.SecurityGroupArgs{
		VpcId:       args.VPCID,
		Description: pulumi.String("EKS control plane: API from the nodes and the deployer networks"),
		Tags:        tag("Name", name+"-control-plane"),
	}, parent)
	if err != nil {
		return err
	}
	c.NodeSecurityGroup, err = ec2.NewSecurityGroup(ctx, name+"-nodes", &ec2.SecurityGroupArgs{
		VpcId:       args.VPCID,
		Description: pulumi.String("EKS nodes: each other (EFA), the control plane, egress"),
		Tags:        tag("Name", name+"-nodes", conventions.KarpenterDiscoveryTag, args.Name),
	}, parent)
	if err != nil {
		return err
	}
	cp, nodes := c.ControlPlaneSecurityGroup.ID(), c.NodeSecurityGroup.ID()
	ingress := []struct {
		name, desc, proto string
		from, to          int
		sg, src           pulumi.StringInput
	}{
		{"api-from-nodes", "Kubernetes API from nodes", "tcp", 443, 443, cp, nodes},
		{"all-from-nodes", "Node to node, including EFA", "-1", -1, -1, nodes, nodes},
		{"kubelet-from-control-plane", "Kubelet and webhooks from the control plane", "tcp", 1025, 65535, nodes, cp},
		{"https-from-control-plane", "Extension API servers from the control plane", "tcp", 443, 443, nodes, cp},
	}
	for _, r := range ingress {
		ruleArgs := &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId:           r.sg,
			ReferencedSecurityGroupId: r.src,
			IpProtocol:                pulumi.String(r.proto),
			Description:               pulumi.String(r.desc),
			Tags:                      tag("Name", name+"-"+r.name),
		}
		if r.proto != "-1" {
			ruleArgs.FromPort, ruleArgs.ToPort = pulumi.Int(r.from), pulumi.Int(r.to)
		}
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, name+"-"+r.name, ruleArgs, parent); err != nil {
			return err
		}
	}
	// The private endpoint from where `pulumi up` runs: without this, every
	// Helm chart and Kubernetes object times out (docs/deploying.md, Reaching the cluster API).
	for i, block := range args.DeployerCIDRs {
		ruleName := fmt.Sprintf("%s-api-from-deployers-%d", name, i)
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, ruleName, &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: cp,
			CidrIpv4:        pulumi.String(block),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(443),
			ToPort:          pulumi.Int(443),
			Description:     pulumi.String("Kubernetes API from a deployer network (VPN, CI runner)"),
			Tags:            tag("Name", ruleName),
		}, parent); err != nil {
			return err
		}
	}
	egress := []struct {
		name, desc string
		sg, to     pulumi.StringInput
		cidr       string
	}{
		{"control-plane-to-nodes", "Control plane to kubelets and webhooks", cp, nodes, ""},
		{"nodes-to-nodes", "Node to node, including EFA (EFA needs an explicit self egress rule)", nodes, nodes, ""},
		{"nodes-to-anywhere", "Nodes pull images and reach AWS APIs (through NAT or endpoints)", nodes, nil, "0.0.0.0/0"},
	}
	for _, r := range egress {
		ruleArgs := &vpc.SecurityGroupEgressRuleArgs{
			SecurityGroupId: r.sg,
			IpProtocol:      pulumi.String("-1"),
			Description:     pulumi.String(r.desc),
			Tags:            tag("Name", name+"-"+r.name),
		}
		if r.cidr != "" {
			ruleArgs.CidrIpv4 = pulumi.String(r.cidr)
		} else {
			ruleArgs.ReferencedSecurityGroupId = r.to
		}
		if _, err := vpc.NewSecurityGroupEgressRule(ctx, name+"-"+r.name, ruleArgs, parent); err != nil {
			return err
		}
	}
	return nil
}

// CustomNetworkingConfig is the vpc-cni add-on configuration that turns on
// custom networking, with ENIConfigs chosen by the node's zone label (EKS
// user guide, "Deploy pods in alternate subnets with custom networking").
const CustomNetworkingConfig = `{"env":{"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":"true","ENI_CONFIG_LABEL_DEF":"topology.kubernetes.io/zone"}}`

// VPCCNIConfig is the vpc-cni add-on's configuration: custom networking,
// and NetworkPolicy enforcement (the add-on's enableNetworkPolicy, which
// runs its network policy agent on every node); "" for neither.
func VPCCNIConfig(customNetworking, networkPolicy bool) string {
	switch {
	case customNetworking && networkPolicy:
		return `{"enableNetworkPolicy":"true",` + CustomNetworkingConfig[1:]
	case customNetworking:
		return CustomNetworkingConfig
	case networkPolicy:
		return `{"enableNetworkPolicy":"true"}`
	}
	return ""
}

// customNetworking creates one ENIConfig per AZ, named after the zone,
// giving pods that zone's pod subnet and the node security group. The
// vpc-cni add-on installs their CRD, so they wait for it.
func (c *Cluster) customNetworking(ctx *pulumi.Context, name string, args *ClusterArgs, addons []pulumi.Resource) error {
	for _, az := range args.AvailabilityZones {
		eni, err := apiextensions.NewCustomResource(ctx, name+"-eniconfig-"+az, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("crd.k8s.amazonaws.com/v1alpha1"),
			Kind:       pulumi.String("ENIConfig"),
			Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(az)},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
				"subnet":         args.PodSubnetIDsByAZ[az],
				"securityGroups": pulumi.StringArray{c.NodeSecurityGroup.ID()},
			}},
		}, pulumi.Parent(c), pulumi.Provider(c.Provider), pulumi.DependsOn(addons))
		if err != nil {
			return err
		}
		c.ENIConfigs[az] = eni
	}
	return nil
}

// nodeRole creates the managed node groups' role before the cluster, so
// pulumi-eks is given it (instanceRoles) instead of creating an unused
// default instance role with an access entry of its own
// (catalog.DeployToolsSource).
func (c *Cluster) nodeRole(ctx *pulumi.Context, name string, args *ClusterArgs, tag func(...string) pulumi.StringMap) error {
	parent := pulumi.Parent(c)
	var err error
	c.NodeRole, err = iam.NewRole(ctx, name+"-nodes", &iam.RoleArgs{
		Description:      pulumi.String("Managed node groups of " + args.Name),
		AssumeRolePolicy: pulumi.String(EC2TrustPolicy().JSON()),
		Tags:             tag("Name", name+"-nodes"),
	}, parent)
	if err != nil {
		return err
	}
	for _, policy := range NodePolicies {
		a, err := iam.NewRolePolicyAttachment(ctx, name+"-nodes-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      c.NodeRole.Name,
			PolicyArn: pulumi.String(ManagedPolicyARN(args.Partition, policy)),
		}, parent)
		if err != nil {
			return err
		}
		c.nodeRoleAttachments = append(c.nodeRoleAttachments, a)
	}
	return nil
}

// nodes creates the node role's access entry and the node groups.
func (c *Cluster) nodes(ctx *pulumi.Context, name string, args *ClusterArgs, tag func(...string) pulumi.StringMap, before []pulumi.Resource) error {
	parent := pulumi.Parent(c)
	deps := append(slices.Clone(before), c.nodeRoleAttachments...)
	entry, err := awseks.NewAccessEntry(ctx, name+"-nodes", &awseks.AccessEntryArgs{
		ClusterName:  c.ClusterName,
		PrincipalArn: c.NodeRole.Arn,
		Type:         pulumi.String("EC2_LINUX"),
		Tags:         tag("Name", name+"-nodes"),
	}, parent)
	if err != nil {
		return err
	}
	deps = append(deps, entry)
	for _, spec := range args.NodeGroups {
		g, err := NewNodeGroup(ctx, name+"-"+spec.Name, &NodeGroupArgs{
			Spec:                spec,
			ClusterName:         c.ClusterName,
			ClusterTagName:      args.Name,
			KubernetesVersion:   args.Version,
			SubnetIDsByAZ:       args.PrivateSubnetIDsByAZ,
			AvailabilityZones:   args.AvailabilityZones,
			NodeRoleARN:         c.NodeRole.Arn,
			NodeSecurityGroupID: c.NodeSecurityGroup.ID(),
			SetupCommands:       args.NodeSetupCommands,
			RequiredCommands:    requiredFor(spec.Role, args.TrainingSetupCommands),
			VolumeKMSKeyARN:     args.VolumeKeyARN,
			Tags:                args.Tags,
			DependsOn:           deps,
			NodeRepair:          args.NodeRepair,
		}, parent)
		if err != nil {
			return err
		}
		c.NodeGroups[spec.Name] = g
	}
	return nil
}

// addonRole is the Pod Identity role an add-on's service account gets.
type addonRole struct {
	namespace, serviceAccount string
	policies                  []string
}

var addonRoles = map[string]addonRole{
	"aws-ebs-csi-driver":              {"kube-system", "ebs-csi-controller-sa", []string{"service-role/AmazonEBSCSIDriverPolicy"}},
	"amazon-cloudwatch-observability": {catalog.CloudWatchObservabilityNamespace, "cloudwatch-agent", []string{"CloudWatchAgentServerPolicy"}},
	catalog.EFSCSIAddon:               {"kube-system", catalog.EFSCSIControllerServiceAccount, []string{catalog.EFSCSIPolicy}},
}

// addons installs the named managed add-ons after the given resources, with
// Pod Identity roles where an add-on calls AWS, and the custom networking
// configuration on vpc-cni.
func (c *Cluster) addons(ctx *pulumi.Context, name string, args *ClusterArgs, tag func(...string) pulumi.StringMap,
	names []string, after []pulumi.Resource,
) ([]pulumi.Resource, error) {
	parent := pulumi.Parent(c)
	names = slices.Clone(names)
	sort.Strings(names)
	var out []pulumi.Resource
	for _, addon := range names {
		addonArgs := &awseks.AddonArgs{
			ClusterName:              c.ClusterName,
			AddonName:                pulumi.String(addon),
			ResolveConflictsOnCreate: pulumi.String("OVERWRITE"),
			ResolveConflictsOnUpdate: pulumi.String("PRESERVE"),
			Tags:                     tag("Name", name+"-"+addon),
		}
		if v := args.Addons[addon]; v != "" {
			addonArgs.AddonVersion = pulumi.String(v)
		}
		if addon == "vpc-cni" {
			if cfg := VPCCNIConfig(c.CustomNetworking, args.NetworkPolicy); cfg != "" {
				addonArgs.ConfigurationValues = pulumi.String(cfg)
			}
		}
		if r, ok := addonRoles[addon]; ok {
			role, err := iam.NewRole(ctx, name+"-"+addon, &iam.RoleArgs{
				Description:      pulumi.String(fmt.Sprintf("%s add-on of %s (Pod Identity)", addon, args.Name)),
				AssumeRolePolicy: pulumi.String(PodIdentityTrustPolicy(PodIdentity{Account: awsarn.Account{Partition: args.Partition, Region: args.Region, AccountID: args.AccountID}, ClusterName: args.Name, Namespace: "kube-system", ServiceAccount: r.serviceAccount}).JSON()),
				Tags:             tag("Name", name+"-"+addon),
			}, parent)
			if err != nil {
				return nil, err
			}
			for _, p := range r.policies {
				if _, err := iam.NewRolePolicyAttachment(ctx, name+"-"+addon+"-"+path.Base(p), &iam.RolePolicyAttachmentArgs{
					Role:      role.Name,
					PolicyArn: pulumi.String(ManagedPolicyARN(args.Partition, p)),
				}, parent); err != nil {
					return nil, err
				}
			}
			addonArgs.PodIdentityAssociations = awseks.AddonPodIdentityAssociationArray{awseks.AddonPodIdentityAssociationArgs{
				RoleArn:        role.Arn,
				ServiceAccount: pulumi.String(r.serviceAccount),
			}}
		}
		a, err := awseks.NewAddon(ctx, name+"-"+addon, addonArgs, parent, pulumi.DependsOn(after))
		if err != nil {
			return nil, err
		}
		c.Addons[addon] = a
		out = append(out, a)
	}
	return out, nil
}

// requiredFor is what a node of role must set up to be usable: the
// training setup on training nodes, nothing elsewhere.
func requiredFor(role conventions.NodeRole, training []string) []string {
	if role == conventions.RoleTraining {
		return training
	}
	return nil
}
