package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/helmchart"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// KarpenterArgs configures Karpenter for one cluster.
type KarpenterArgs struct {
	// Cluster is the cluster Karpenter serves (required): its name (as an
	// output, so everything here waits for it), Kubernetes provider, node
	// security group and whether pods use custom networking.
	Cluster *Cluster
	// DependsOn are resources the controller needs first (add-ons, system nodes).
	DependsOn []pulumi.Resource
	// TrainingZone, when set, keeps the training pools in one AZ (the
	// Lustre file system's). Defaults to every AZ the subnets span.
	TrainingZone string
	// SubnetDiscoveryTag is the karpenter.sh/discovery value of the private subnets (required).
	SubnetDiscoveryTag string
	// VolumeKMSKeyARN encrypts node root volumes (required).
	VolumeKMSKeyARN pulumi.StringInput
	// VolumeKeyAlias is that key's alias ("alias/..."), by which the
	// controller policy names it before the key exists (required).
	VolumeKeyAlias string
	// QueueKMSKeyARN and QueueKeyAlias encrypt the interruption queue with a
	// customer-managed key, whose policy must let EventBridge use it.
	// Defaults to SQS-managed encryption, as Karpenter's reference template
	// has it.
	QueueKMSKeyARN pulumi.StringInput
	QueueKeyAlias  string
	// Region, Partition and AccountID scope IAM (required).
	awsarn.Account
	// Prod gives the training pools an on-demand fallback and runs two
	// controller replicas. Defaults to false.
	Prod bool
	// Karpenter is the pools' limits, AMI and reservations, as config
	// produces them (spec.Karpenter; Enabled is the caller's to act on).
	spec.Karpenter
	// NodeRepair turns on Karpenter's NodeRepair feature gate. Defaults to false.
	NodeRepair bool
	// Tags are applied to every taggable resource and to the nodes Karpenter
	// launches (required; Karpenter refuses its own keys in them).
	Tags map[string]string
}

// Karpenter is the controller, its AWS plumbing and its node pools.
type Karpenter struct {
	pulumi.ResourceState

	NodeRole       *iam.Role
	ControllerRole *iam.Role
	Queue          *sqs.Queue
	Rules          map[string]*cloudwatch.EventRule
	CRDs           *helmv4.Chart
	Controller     *helmv4.Chart
	NodeClass      *apiextensions.CustomResource
	// TrainingNodeClass runs the training pools when the cluster has
	// training setup (ClusterArgs.TrainingSetupCommands); nil otherwise.
	TrainingNodeClass *apiextensions.CustomResource
	NodePools         map[string]*apiextensions.CustomResource
}

// interruptionEvents are the EventBridge events Karpenter drains nodes on:
// the five rules of Karpenter v1.14.1's reference template.
var interruptionEvents = []struct {
	name    string
	pattern map[string]any
}{
	{"scheduled-change", map[string]any{"source": []string{"aws.health"}, "detail-type": []string{"AWS Health Event"}}},
	{"spot-interruption", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Spot Instance Interruption Warning"}}},
	{"rebalance", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Instance Rebalance Recommendation"}}},
	{"instance-state-change", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Instance State-change Notification"}}},
	{"capacity-reservation-interruption", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Capacity Reservation Instance Interruption Warning"}}},
}

// InterruptionEventNames lists the EventBridge rules Karpenter's queue is fed by.
func InterruptionEventNames() []string {
	out := make([]string, len(interruptionEvents))
	for i, e := range interruptionEvents {
		out[i] = e.name
	}
	return out
}

// Where the Karpenter controller runs: its Pod Identity association and
// its role's trust name the same namespace and service account.
const (
	KarpenterNamespace      = "kube-system"
	KarpenterServiceAccount = "karpenter"
)

// KarpenterNames are the fixed physical names of what policies name (the
// controller policy names the node role and queue; a budget action names
// the controller role): fixed so those policies are known in a first
// preview. Each carries the cluster name, which carries project and stack.
type KarpenterNames struct {
	NodeRole, ControllerRole, Queue string
}

// KarpenterNamesFor returns the names for a cluster.
func KarpenterNamesFor(clusterName string) KarpenterNames {
	return KarpenterNames{
		NodeRole:       clusterName + "-karpenter-node",
		ControllerRole: clusterName + "-karpenter-controller",
		Queue:          clusterName + "-karpenter",
	}
}

// restrictedNodeTagKeys are the tag keys an EC2NodeClass refuses in
// spec.tags (Karpenter v1.14.1 CRD validation): Karpenter sets them.
var restrictedNodeTagKeys = []string{"eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"}

func (a *KarpenterArgs) validate() error {
	var errs []error
	if a.Cluster == nil {
		return errors.New("Cluster: required")
	}
	if a.SubnetDiscoveryTag == "" || a.AMIAlias == "" || a.VolumeKeyAlias == "" {
		errs = append(errs, errors.New("SubnetDiscoveryTag, AMIAlias and VolumeKeyAlias: required"))
	}
	if !strings.HasPrefix(a.VolumeKeyAlias, "alias/") {
		errs = append(errs, fmt.Errorf("VolumeKeyAlias: %q must start with alias/", a.VolumeKeyAlias))
	}
	if a.VolumeKMSKeyARN == nil {
		errs = append(errs, errors.New("VolumeKMSKeyARN: required"))
	}
	if (a.QueueKMSKeyARN == nil) != (a.QueueKeyAlias == "") {
		errs = append(errs, errors.New("QueueKMSKeyARN and QueueKeyAlias: set both or neither"))
	}
	if a.Region == "" || a.Partition == "" || a.AccountID == "" {
		errs = append(errs, errors.New("Region, Partition and AccountID: required"))
	}
	names := KarpenterNamesFor(a.Cluster.Name)
	for _, role := range []string{names.NodeRole, names.ControllerRole} {
		if len(role) > 64 {
			errs = append(errs, fmt.Errorf("Cluster.Name: %q is too long for the role name %q (IAM allows 64 characters)", a.Cluster.Name, role))
		}
	}
	if len(names.Queue) > 80 {
		errs = append(errs, fmt.Errorf("Cluster.Name: %q is too long for the queue name %q (SQS allows 80 characters)", a.Cluster.Name, names.Queue))
	}
	for _, k := range tagKeys(a.Tags) {
		if slices.Contains(restrictedNodeTagKeys, k) || strings.HasPrefix(k, "kubernetes.io/cluster") {
			errs = append(errs, fmt.Errorf("Tags: %q is set by Karpenter on its nodes and refused in an EC2NodeClass", k))
		}
	}
	for _, key := range []string{"karpenter-crd", "karpenter"} {
		if _, ok := catalog.LookupChart(key); !ok {
			errs = append(errs, fmt.Errorf("chart %q is not in the catalog", key))
		}
	}
	return errors.Join(errs...)
}

// NewKarpenter installs Karpenter with Pod Identity, its interruption queue and node pools.
func NewKarpenter(ctx *pulumi.Context, name string, args *KarpenterArgs, opts ...pulumi.ResourceOption) (*Karpenter, error) {
	if args == nil {
		return nil, errors.New("karpenter: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("karpenter %q: %w", name, err)
	}
	k := &Karpenter{Rules: map[string]*cloudwatch.EventRule{}, NodePools: map[string]*apiextensions.CustomResource{}}
	if err := ctx.RegisterComponentResource("ml-platform:cluster:Karpenter", name, k, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(args.Tags, kv...) }
	c := args.Cluster
	names := KarpenterNamesFor(c.Name)

	// Nodes Karpenter launches get their own role and access entry.
	var err error
	k.NodeRole, err = iam.NewRole(ctx, name+"-nodes", &iam.RoleArgs{
		Name:             pulumi.String(names.NodeRole),
		Description:      pulumi.String("Nodes Karpenter launches for " + c.Name),
		AssumeRolePolicy: pulumi.String(EC2TrustPolicy().JSON()),
		Tags:             tag("Name", names.NodeRole),
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, policy := range NodePolicies {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-nodes-"+policy, &iam.RolePolicyAttachmentArgs{
			Role:      k.NodeRole.Name,
			PolicyArn: pulumi.String(ManagedPolicyARN(args.Partition, policy)),
		}, parent); err != nil {
			return nil, err
		}
	}
	if _, err := awseks.NewAccessEntry(ctx, name+"-nodes", &awseks.AccessEntryArgs{
		ClusterName:  c.ClusterName,
		PrincipalArn: k.NodeRole.Arn,
		Type:         pulumi.String("EC2_LINUX"),
		Tags:         tag("Name", name+"-nodes"),
	}, parent); err != nil {
		return nil, err
	}

	// The interruption queue and the events that feed it.
	queueARN := QueueARN(args.Account, names.Queue)
	queueArgs := &sqs.QueueArgs{
		Name:                    pulumi.String(names.Queue),
		MessageRetentionSeconds: pulumi.Int(300),
		Tags:                    tag("Name", names.Queue),
	}
	if args.QueueKMSKeyARN != nil {
		queueArgs.KmsMasterKeyId = args.QueueKMSKeyARN
	} else {
		queueArgs.SqsManagedSseEnabled = pulumi.Bool(true)
	}
	k.Queue, err = sqs.NewQueue(ctx, name+"-interruptions", queueArgs, parent)
	if err != nil {
		return nil, err
	}
	if _, err := sqs.NewQueuePolicy(ctx, name+"-interruptions", &sqs.QueuePolicyArgs{
		QueueUrl: k.Queue.Url,
		Policy:   pulumi.String(QueuePolicy(queueARN).JSON()),
	}, parent); err != nil {
		return nil, err
	}
	for _, ev := range interruptionEvents {
		pattern, _ := json.Marshal(ev.pattern)
		rule, err := cloudwatch.NewEventRule(ctx, name+"-"+ev.name, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(fmt.Sprintf("%s events for Karpenter on %s", ev.name, c.Name)),
			EventPattern: pulumi.String(string(pattern)),
			Tags:         tag("Name", name+"-"+ev.name),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, name+"-"+ev.name, &cloudwatch.EventTargetArgs{
			Rule: rule.Name,
			Arn:  k.Queue.Arn,
		}, parent); err != nil {
			return nil, err
		}
		k.Rules[ev.name] = rule
	}

	// The controller's role, handed to its service account by Pod Identity.
	k.ControllerRole, err = iam.NewRole(ctx, name+"-controller", &iam.RoleArgs{
		Name:             pulumi.String(names.ControllerRole),
		Description:      pulumi.String("Karpenter controller of " + c.Name + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(PodIdentityTrustPolicy(PodIdentity{Account: awsarn.Account{Partition: args.Partition, Region: args.Region, AccountID: args.AccountID}, ClusterName: args.Cluster.Name, Namespace: KarpenterNamespace, ServiceAccount: KarpenterServiceAccount}).JSON()),
		Tags:             tag("Name", names.ControllerRole),
	}, parent)
	if err != nil {
		return nil, err
	}
	policy := KarpenterControllerPolicy(KarpenterScope{
		Partition: args.Partition, Region: args.Region, Account: args.AccountID, ClusterName: c.Name,
		NodeRoleName: names.NodeRole, QueueName: names.Queue, VolumeKeyAlias: args.VolumeKeyAlias, QueueKeyAlias: args.QueueKeyAlias,
	})
	controllerPolicy, err := iam.NewRolePolicy(ctx, name+"-controller", &iam.RolePolicyArgs{
		Role:   k.ControllerRole.ID(),
		Policy: pulumi.String(policy.JSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{k.NodeRole, k.Queue}))
	if err != nil {
		return nil, err
	}
	association, err := awseks.NewPodIdentityAssociation(ctx, name+"-controller", &awseks.PodIdentityAssociationArgs{
		ClusterName:    c.ClusterName,
		Namespace:      pulumi.String(KarpenterNamespace),
		ServiceAccount: pulumi.String(KarpenterServiceAccount),
		RoleArn:        k.ControllerRole.Arn,
		Tags:           tag("Name", name+"-controller"),
	}, parent)
	if err != nil {
		return nil, err
	}

	k8s := pulumi.Provider(c.Provider)
	crdChart, _ := catalog.LookupChart("karpenter-crd")
	k.CRDs, err = helmv4.NewChart(ctx, name+"-crd", helmchart.Args(crdChart, map[string]any{}), parent, k8s)
	if err != nil {
		return nil, err
	}
	controllerChart, _ := catalog.LookupChart("karpenter")
	controllerArgs := helmchart.Args(controllerChart, KarpenterValues(args))
	controllerArgs.SkipCrds = pulumi.Bool(true) // karpenter-crd manages them, upgrades included
	k.Controller, err = helmv4.NewChart(ctx, name, controllerArgs, parent, k8s,
		pulumi.DependsOn(append([]pulumi.Resource{k.CRDs, k.Queue, association, controllerPolicy}, args.DependsOn...)))
	if err != nil {
		return nil, err
	}

	if err := k.nodePools(ctx, name, args); err != nil {
		return nil, err
	}
	if err := ctx.RegisterResourceOutputs(k, pulumi.Map{
		"interruptionQueue": k.Queue.Name,
		"nodeRoleArn":       k.NodeRole.Arn,
	}); err != nil {
		return nil, err
	}
	return k, nil
}

// KarpenterValues are the controller chart's values, all plain (the queue
// has a fixed name; the chart depends on the queue).
//   - AWS_REGION: the nodes' metadata hop limit of 1 keeps the controller
//     from reading the region from IMDS, and Pod Identity does not set it.
//   - reservedENIs 1 with custom networking: pods never use the primary
//     interface, so it must not count towards max pods.
//   - The controller runs on the on-demand system nodes, never on nodes it
//     manages (the chart's default affinity also keeps it off them).
func KarpenterValues(args *KarpenterArgs) map[string]any {
	replicas := 1
	if args.Prod {
		replicas = 2
	}
	settings := map[string]any{
		"clusterName":       args.Cluster.Name,
		"interruptionQueue": KarpenterNamesFor(args.Cluster.Name).Queue,
	}
	if args.Cluster.CustomNetworking {
		settings["reservedENIs"] = "1"
	}
	if args.NodeRepair {
		// Alpha in v1.14 and off by default (the chart's values.yaml):
		// replaces nodes with unhealthy node monitoring agent conditions
		// (catalog.NodeHealthSource).
		settings["featureGates"] = map[string]any{"nodeRepair": true}
	}
	return map[string]any{
		"replicas":       replicas,
		"settings":       settings,
		"serviceAccount": map[string]any{"name": "karpenter"},
		"nodeSelector":   map[string]any{conventions.LabelWorkloadType: string(conventions.RoleSystem)},
		"controller": map[string]any{
			"env": []any{map[string]any{"name": "AWS_REGION", "value": args.Region}},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "500m", "memory": "512Mi"},
				"limits":   map[string]any{"memory": "1Gi"},
			},
		},
	}
}

// Pool is one Karpenter NodePool's plan.
type Pool struct {
	Name string
	Role conventions.NodeRole
	// Accelerator and EFA decide the labels and the taint.
	Accelerator catalog.Accelerator
	EFA         bool
	// CapacityTypes are the karpenter.sh/capacity-type values allowed (spot first).
	CapacityTypes []string
	// Families, when set, are the instance families offered; InstanceTypes,
	// when set, the exact types.
	Families, InstanceTypes []string
	// Resource and Limit cap the pool's accelerators.
	Resource string
	Limit    int
	// Consolidation is WhenEmpty (jobs) or WhenEmptyOrUnderutilized (services).
	Consolidation string
}

// Labels are the labels the pool's nodes carry: the role and what the
// device plugins select on (the same as managed node groups of that
// hardware carry).
func (p Pool) Labels() map[string]string {
	labels := AcceleratorLabels(p.Accelerator, p.EFA)
	labels[conventions.LabelWorkloadType] = string(p.Role)
	return labels
}

// NodePool names.
const (
	PoolGPUTraining    = spec.PoolGPUTraining
	PoolGPUInference   = spec.PoolGPUInference
	PoolNeuronTraining = spec.PoolNeuronTraining
)

// LookupPool returns a planned pool by name.
func LookupPool(prod bool, trainingGPUs, inferenceGPUs, neuronDevices int, name string) (Pool, bool) {
	for _, p := range Pools(prod, trainingGPUs, inferenceGPUs, neuronDevices) {
		if p.Name == name {
			return p, true
		}
	}
	return Pool{}, false
}

// Pools plans the node pools:
//   - gpu-training: the EFA-capable NVIDIA families (p4d, p4de, p5, p5en),
//     spot with an on-demand fallback in prod. Every type of these families
//     supports EFA, so the pool carries the EFA label and the EFA device
//     plugin runs there; Karpenter attaches EFA interfaces when pods
//     request vpc.amazonaws.com/efa.
//   - gpu-inference: g5, on-demand.
//   - neuron-training: trn1.32xlarge and trn1n.32xlarge (the Trainium
//     types with EFA), spot with the same fallback.
//
// A pool with a zero limit is left out.
func Pools(prod bool, trainingGPUs, inferenceGPUs, neuronDevices int) []Pool {
	training := []string{conventions.KarpenterSpot}
	if prod {
		training = []string{conventions.KarpenterSpot, conventions.KarpenterOnDemand}
	}
	all := []Pool{
		{Name: PoolGPUTraining, Role: conventions.RoleTraining, Accelerator: catalog.AcceleratorNvidiaGPU, EFA: true,
			CapacityTypes: training, Families: spec.PoolFamilies(PoolGPUTraining),
			Resource: conventions.ResourceNvidiaGPU, Limit: trainingGPUs, Consolidation: "WhenEmpty"},
		{Name: PoolGPUInference, Role: conventions.RoleInference, Accelerator: catalog.AcceleratorNvidiaGPU,
			CapacityTypes: []string{conventions.KarpenterOnDemand}, Families: spec.PoolFamilies(PoolGPUInference),
			Resource: conventions.ResourceNvidiaGPU, Limit: inferenceGPUs, Consolidation: "WhenEmptyOrUnderutilized"},
		{Name: PoolNeuronTraining, Role: conventions.RoleTraining, Accelerator: catalog.AcceleratorTrainium, EFA: true,
			CapacityTypes: training, InstanceTypes: []string{"trn1.32xlarge", "trn1n.32xlarge"},
			Resource: conventions.ResourceNeuron, Limit: neuronDevices, Consolidation: "WhenEmpty"},
	}
	var out []Pool
	for _, p := range all {
		if p.Limit > 0 {
			out = append(out, p)
		}
	}
	return out
}

// nodePools creates the EC2NodeClass and one NodePool per planned pool.
func (k *Karpenter) nodePools(ctx *pulumi.Context, name string, args *KarpenterArgs) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.Provider(args.Cluster.Provider)}
	nodeTags := pulumi.StringMap{}
	for key, v := range args.Tags {
		nodeTags[key] = pulumi.String(v)
	}
	spec := pulumi.Map{
		"role":                       k.NodeRole.Name,
		"amiSelectorTerms":           pulumi.Array{pulumi.Map{"alias": pulumi.String(args.AMIAlias)}},
		"subnetSelectorTerms":        pulumi.Array{pulumi.Map{"tags": pulumi.Map{conventions.KarpenterDiscoveryTag: pulumi.String(args.SubnetDiscoveryTag)}}},
		"securityGroupSelectorTerms": pulumi.Array{pulumi.Map{"id": args.Cluster.NodeSecurityGroup.ID()}},
		"metadataOptions": pulumi.Map{
			"httpEndpoint": pulumi.String("enabled"), "httpTokens": pulumi.String("required"),
			"httpPutResponseHopLimit": pulumi.Int(conventions.IMDSHopLimit),
		},
		"blockDeviceMappings": pulumi.Array{pulumi.Map{
			"deviceName": pulumi.String("/dev/xvda"),
			"ebs": pulumi.Map{
				"volumeSize": pulumi.String("500Gi"), "volumeType": pulumi.String("gp3"),
				"encrypted": pulumi.Bool(true), "kmsKeyID": args.VolumeKMSKeyARN, "deleteOnTermination": pulumi.Bool(true),
			},
		}},
		"tags": nodeTags,
	}
	nodeClass := func(logical, className string, required []string) (*apiextensions.CustomResource, error) {
		s := pulumi.Map{}
		for key, v := range spec {
			s[key] = v
		}
		if ids := args.CapacityReservationIDs; len(ids) > 0 {
			var terms pulumi.Array
			for _, id := range ids {
				terms = append(terms, pulumi.Map{"id": pulumi.String(id)})
			}
			s["capacityReservationSelectorTerms"] = terms
		}
		if cmds := args.Cluster.NodeSetupCommands; len(cmds)+len(required) > 0 {
			// Karpenter merges a MIME document with its own AL2023 configuration.
			s["userData"] = pulumi.String(NodeUserData(cmds, required...))
		}
		return apiextensions.NewCustomResource(ctx, logical, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("karpenter.k8s.aws/v1"),
			Kind:        pulumi.String("EC2NodeClass"),
			Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(className)},
			OtherFields: kubernetes.UntypedArgs{"spec": s},
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{k.Controller}))...)
	}
	var err error
	if k.NodeClass, err = nodeClass(name+"-accelerated", "accelerated", nil); err != nil {
		return err
	}
	if required := args.Cluster.TrainingSetupCommands; len(required) > 0 {
		if k.TrainingNodeClass, err = nodeClass(name+"-training", "training", required); err != nil {
			return err
		}
	}
	for _, p := range Pools(args.Prod, args.TrainingGPULimit, args.InferenceGPULimit, args.NeuronDeviceLimit) {
		if len(args.CapacityReservationIDs) > 0 {
			// Reserved first: Karpenter uses reservations only for pools
			// compatible with karpenter.sh/capacity-type: reserved.
			p.CapacityTypes = append([]string{conventions.KarpenterReserved}, p.CapacityTypes...)
		}
		requirements := pulumi.Array{
			pulumi.Map{"key": pulumi.String(conventions.KarpenterCapacityTypeLabel), "operator": pulumi.String("In"), "values": pulumi.ToStringArray(p.CapacityTypes)},
			pulumi.Map{"key": pulumi.String("kubernetes.io/arch"), "operator": pulumi.String("In"), "values": pulumi.StringArray{pulumi.String("amd64")}},
		}
		if len(p.Families) > 0 {
			requirements = append(requirements, pulumi.Map{"key": pulumi.String("karpenter.k8s.aws/instance-family"),
				"operator": pulumi.String("In"), "values": pulumi.ToStringArray(p.Families)})
		}
		if len(p.InstanceTypes) > 0 {
			requirements = append(requirements, pulumi.Map{"key": pulumi.String("node.kubernetes.io/instance-type"),
				"operator": pulumi.String("In"), "values": pulumi.ToStringArray(p.InstanceTypes)})
		}
		class := k.NodeClass
		if p.Role == conventions.RoleTraining {
			if k.TrainingNodeClass != nil {
				class = k.TrainingNodeClass
			}
			if args.TrainingZone != "" {
				// Training capacity stays with the file system it reads.
				requirements = append(requirements, pulumi.Map{"key": pulumi.String("topology.kubernetes.io/zone"),
					"operator": pulumi.String("In"), "values": pulumi.StringArray{pulumi.String(args.TrainingZone)}})
			}
		}
		taints := pulumi.Array{}
		if key, ok := AcceleratorTaint(p.Accelerator); ok {
			taints = append(taints, pulumi.Map{"key": pulumi.String(key), "value": pulumi.String("true"), "effect": pulumi.String(conventions.EffectNoSchedule)})
		}
		pool, err := apiextensions.NewCustomResource(ctx, name+"-"+p.Name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("karpenter.sh/v1"),
			Kind:       pulumi.String("NodePool"),
			Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
				"template": pulumi.Map{
					"metadata": pulumi.Map{"labels": pulumi.ToStringMap(p.Labels())},
					"spec": pulumi.Map{
						"nodeClassRef": pulumi.Map{"group": pulumi.String("karpenter.k8s.aws"), "kind": pulumi.String("EC2NodeClass"), "name": class.Metadata.Name()},
						"requirements": requirements,
						"taints":       taints,
						"expireAfter":  pulumi.String("720h"),
					},
				},
				"limits": pulumi.Map{
					"cpu":      pulumi.String(fmt.Sprint(args.CPULimit)),
					p.Resource: pulumi.String(fmt.Sprint(p.Limit)),
				},
				"disruption": pulumi.Map{
					"consolidationPolicy": pulumi.String(p.Consolidation),
					"consolidateAfter":    pulumi.String("5m"),
					// Never replace more than one node in ten at once.
					"budgets": pulumi.Array{pulumi.Map{"nodes": pulumi.String("10%")}},
				},
			}},
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{k.Controller}))...)
		if err != nil {
			return err
		}
		k.NodePools[p.Name] = pool
	}
	return nil
}

func tagKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
