package cluster

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	awseks "github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sqs"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/tags"
)

// KarpenterArgs configures Karpenter for one cluster.
type KarpenterArgs struct {
	// ClusterName is the EKS cluster (required).
	ClusterName string
	// Provider is the cluster's Kubernetes provider (required).
	Provider *kubernetes.Provider
	// DependsOn are resources the controller needs first (add-ons, system nodes).
	DependsOn []pulumi.Resource
	// NodeSecurityGroupID is given to Karpenter's nodes (required).
	NodeSecurityGroupID pulumi.StringInput
	// SubnetDiscoveryTag is the karpenter.sh/discovery value of the private subnets (required).
	SubnetDiscoveryTag string
	// VolumeKMSKeyARN encrypts node root volumes (required).
	VolumeKMSKeyARN pulumi.StringInput
	// QueueKMSKeyARN encrypts the interruption queue. Defaults to SQS-managed encryption.
	QueueKMSKeyARN pulumi.StringInput
	// Region, Partition and AccountID scope IAM (required).
	Region, Partition, AccountID string
	// Prod gives the inference pool on-demand only and the training pool an on-demand fallback. Defaults to false.
	Prod bool
	// TrainingGPULimit, InferenceGPULimit and NeuronDeviceLimit cap each pool's
	// accelerators; 0 leaves that pool out. CPULimit caps each pool's vCPUs (required, > 0).
	TrainingGPULimit, InferenceGPULimit, NeuronDeviceLimit, CPULimit int
	// AMIAlias selects node AMIs, e.g. "al2023@latest" (required).
	AMIAlias string
	// Tags are applied to every taggable resource and to the nodes Karpenter launches (required).
	Tags map[string]string
}

// Karpenter is the controller, its AWS plumbing and its node pools.
type Karpenter struct {
	pulumi.ResourceState

	NodeRole       *iam.Role
	ControllerRole *iam.Role
	Queue          *sqs.Queue
	Rules          map[string]*cloudwatch.EventRule
	Release        *helmv3.Release
	NodePools      map[string]*apiextensions.CustomResource
}

// interruptionEvents are the EventBridge events Karpenter drains nodes on.
var interruptionEvents = []struct {
	name    string
	pattern map[string]any
}{
	{"spot-interruption", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Spot Instance Interruption Warning"}}},
	{"rebalance", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Instance Rebalance Recommendation"}}},
	{"instance-state-change", map[string]any{"source": []string{"aws.ec2"}, "detail-type": []string{"EC2 Instance State-change Notification"}}},
	{"scheduled-change", map[string]any{"source": []string{"aws.health"}, "detail-type": []string{"AWS Health Event"}}},
}

// InterruptionEventNames lists the EventBridge rules Karpenter's queue is fed by.
func InterruptionEventNames() []string {
	out := make([]string, len(interruptionEvents))
	for i, e := range interruptionEvents {
		out[i] = e.name
	}
	return out
}

func (a *KarpenterArgs) validate() error {
	var errs []error
	if a.ClusterName == "" || a.SubnetDiscoveryTag == "" || a.AMIAlias == "" {
		errs = append(errs, errors.New("ClusterName, SubnetDiscoveryTag and AMIAlias: required"))
	}
	if a.Provider == nil || a.NodeSecurityGroupID == nil || a.VolumeKMSKeyARN == nil {
		errs = append(errs, errors.New("Provider, NodeSecurityGroupID and VolumeKMSKeyARN: required"))
	}
	if a.Region == "" || a.Partition == "" || a.AccountID == "" {
		errs = append(errs, errors.New("Region, Partition and AccountID: required"))
	}
	if a.CPULimit <= 0 {
		errs = append(errs, fmt.Errorf("CPULimit: %d; must be positive", a.CPULimit))
	}
	if a.TrainingGPULimit < 0 || a.InferenceGPULimit < 0 || a.NeuronDeviceLimit < 0 {
		errs = append(errs, errors.New("pool limits: must not be negative"))
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
	k8s := pulumi.Provider(args.Provider)

	// Nodes Karpenter launches get their own role and access entry.
	var err error
	k.NodeRole, err = iam.NewRole(ctx, name+"-nodes", &iam.RoleArgs{
		Description:      pulumi.String("Nodes Karpenter launches for " + args.ClusterName),
		AssumeRolePolicy: pulumi.String(EC2TrustPolicy(args.AccountID).JSON()),
		Tags:             tag("Name", name+"-nodes"),
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
		ClusterName:  pulumi.String(args.ClusterName),
		PrincipalArn: k.NodeRole.Arn,
		Type:         pulumi.String("EC2_LINUX"),
		Tags:         tag("Name", name+"-nodes"),
	}, parent); err != nil {
		return nil, err
	}

	// The interruption queue and the events that feed it.
	queueArgs := &sqs.QueueArgs{
		MessageRetentionSeconds: pulumi.Int(300),
		Tags:                    tag("Name", name+"-interruptions"),
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
		Policy:   k.Queue.Arn.ApplyT(func(arn string) string { return QueuePolicy(arn).JSON() }).(pulumi.StringOutput),
	}, parent); err != nil {
		return nil, err
	}
	for _, ev := range interruptionEvents {
		pattern, _ := json.Marshal(ev.pattern)
		rule, err := cloudwatch.NewEventRule(ctx, name+"-"+ev.name, &cloudwatch.EventRuleArgs{
			Description:  pulumi.String(fmt.Sprintf("%s events for Karpenter on %s", ev.name, args.ClusterName)),
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
		Description:      pulumi.String("Karpenter controller of " + args.ClusterName + " (Pod Identity)"),
		AssumeRolePolicy: pulumi.String(PodIdentityTrustPolicy(args.AccountID).JSON()),
		Tags:             tag("Name", name+"-controller"),
	}, parent)
	if err != nil {
		return nil, err
	}
	policy := pulumi.All(k.NodeRole.Arn, k.Queue.Arn).ApplyT(func(v []any) string {
		return KarpenterControllerPolicy(KarpenterScope{
			Partition: args.Partition, Region: args.Region, Account: args.AccountID,
			ClusterName: args.ClusterName, NodeRoleARN: v[0].(string), QueueARN: v[1].(string),
		}).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(ctx, name+"-controller", &iam.RolePolicyArgs{Role: k.ControllerRole.ID(), Policy: policy}, parent); err != nil {
		return nil, err
	}
	association, err := awseks.NewPodIdentityAssociation(ctx, name+"-controller", &awseks.PodIdentityAssociationArgs{
		ClusterName:    pulumi.String(args.ClusterName),
		Namespace:      pulumi.String("kube-system"),
		ServiceAccount: pulumi.String("karpenter"),
		RoleArn:        k.ControllerRole.Arn,
		Tags:           tag("Name", name+"-controller"),
	}, parent)
	if err != nil {
		return nil, err
	}

	chart, _ := catalog.LookupChart("karpenter")
	replicas := 1
	if args.Prod {
		replicas = 2
	}
	k.Release, err = helmv3.NewRelease(ctx, name, &helmv3.ReleaseArgs{
		Name:      pulumi.String(chart.Name),
		Chart:     pulumi.String(chart.Repository),
		Version:   pulumi.String(chart.Version),
		Namespace: pulumi.String(chart.Namespace),
		Values: pulumi.Map{
			"replicas": pulumi.Int(replicas),
			"settings": pulumi.Map{
				"clusterName":       pulumi.String(args.ClusterName),
				"interruptionQueue": k.Queue.Name,
			},
			"serviceAccount": pulumi.Map{"name": pulumi.String("karpenter")},
			// The controller runs on the on-demand system nodes, never on nodes it manages.
			"nodeSelector": pulumi.Map{LabelWorkloadType: pulumi.String("system")},
			"controller": pulumi.Map{"resources": pulumi.Map{
				"requests": pulumi.Map{"cpu": pulumi.String("500m"), "memory": pulumi.String("512Mi")},
				"limits":   pulumi.Map{"memory": pulumi.String("1Gi")},
			}},
		},
	}, parent, k8s, pulumi.DependsOn(append([]pulumi.Resource{association}, args.DependsOn...)))
	if err != nil {
		return nil, err
	}

	if err := k.nodePools(ctx, name, args, tag); err != nil {
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

// Pool is one Karpenter NodePool's plan.
type Pool struct {
	Name         string
	WorkloadType string
	Accelerator  catalog.Accelerator
	// CapacityTypes are the karpenter.sh/capacity-type values allowed (spot first).
	CapacityTypes []string
	// Families are the instance families offered.
	Families []string
	// Resource and Limit cap the pool's accelerators.
	Resource string
	Limit    int
	Taint    string
	// Consolidation is WhenEmpty (jobs) or WhenEmptyOrUnderutilized (services).
	Consolidation string
}

// Pools plans the node pools: GPU spot training (with an on-demand
// fallback in prod), GPU on-demand inference, and Neuron training. A pool
// with a zero limit is left out.
func Pools(prod bool, trainingGPUs, inferenceGPUs, neuronDevices int) []Pool {
	training := []string{"spot"}
	if prod {
		training = []string{"spot", "on-demand"}
	}
	inference := []string{"on-demand"}
	all := []Pool{
		{Name: "gpu-training", WorkloadType: "training", Accelerator: catalog.AcceleratorNvidiaGPU, CapacityTypes: training,
			Families: []string{"g5", "p4d", "p5"}, Resource: "nvidia.com/gpu", Limit: trainingGPUs, Taint: TaintNvidiaGPU, Consolidation: "WhenEmpty"},
		{Name: "gpu-inference", WorkloadType: "inference", Accelerator: catalog.AcceleratorNvidiaGPU, CapacityTypes: inference,
			Families: []string{"g5"}, Resource: "nvidia.com/gpu", Limit: inferenceGPUs, Taint: TaintNvidiaGPU, Consolidation: "WhenEmptyOrUnderutilized"},
		{Name: "neuron-training", WorkloadType: "training", Accelerator: catalog.AcceleratorTrainium, CapacityTypes: training,
			Families: []string{"trn1", "trn1n"}, Resource: "aws.amazon.com/neuron", Limit: neuronDevices, Taint: TaintNeuron, Consolidation: "WhenEmpty"},
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
func (k *Karpenter) nodePools(ctx *pulumi.Context, name string, args *KarpenterArgs, tag func(...string) pulumi.StringMap) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(k), pulumi.Provider(args.Provider), pulumi.DependsOn([]pulumi.Resource{k.Release})}
	nodeTags := pulumi.StringMap{}
	for key, v := range args.Tags {
		nodeTags[key] = pulumi.String(v)
	}
	nodeClass, err := apiextensions.NewCustomResource(ctx, name+"-accelerated", &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("karpenter.k8s.aws/v1"),
		Kind:       pulumi.String("EC2NodeClass"),
		Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String("accelerated")},
		OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
			"role":                       k.NodeRole.Name,
			"amiSelectorTerms":           pulumi.Array{pulumi.Map{"alias": pulumi.String(args.AMIAlias)}},
			"subnetSelectorTerms":        pulumi.Array{pulumi.Map{"tags": pulumi.Map{"karpenter.sh/discovery": pulumi.String(args.SubnetDiscoveryTag)}}},
			"securityGroupSelectorTerms": pulumi.Array{pulumi.Map{"id": args.NodeSecurityGroupID}},
			"metadataOptions": pulumi.Map{
				"httpEndpoint": pulumi.String("enabled"), "httpTokens": pulumi.String("required"), "httpPutResponseHopLimit": pulumi.Int(2),
			},
			"blockDeviceMappings": pulumi.Array{pulumi.Map{
				"deviceName": pulumi.String("/dev/xvda"),
				"ebs": pulumi.Map{
					"volumeSize": pulumi.String("500Gi"), "volumeType": pulumi.String("gp3"),
					"encrypted": pulumi.Bool(true), "kmsKeyID": args.VolumeKMSKeyARN, "deleteOnTermination": pulumi.Bool(true),
				},
			}},
			"tags": nodeTags,
		}},
	}, opts...)
	if err != nil {
		return err
	}
	for _, p := range Pools(args.Prod, args.TrainingGPULimit, args.InferenceGPULimit, args.NeuronDeviceLimit) {
		capacity := pulumi.StringArray{}
		for _, c := range p.CapacityTypes {
			capacity = append(capacity, pulumi.String(c))
		}
		pool, err := apiextensions.NewCustomResource(ctx, name+"-"+p.Name, &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("karpenter.sh/v1"),
			Kind:       pulumi.String("NodePool"),
			Metadata:   &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name)},
			OtherFields: kubernetes.UntypedArgs{"spec": pulumi.Map{
				"template": pulumi.Map{
					"metadata": pulumi.Map{"labels": pulumi.StringMap{
						LabelWorkloadType: pulumi.String(p.WorkloadType),
						LabelAccelerator:  pulumi.String(string(p.Accelerator)),
					}},
					"spec": pulumi.Map{
						"nodeClassRef": pulumi.Map{"group": pulumi.String("karpenter.k8s.aws"), "kind": pulumi.String("EC2NodeClass"), "name": pulumi.String("accelerated")},
						"requirements": pulumi.Array{
							pulumi.Map{"key": pulumi.String("karpenter.sh/capacity-type"), "operator": pulumi.String("In"), "values": capacity},
							pulumi.Map{"key": pulumi.String("karpenter.k8s.aws/instance-family"), "operator": pulumi.String("In"), "values": pulumi.ToStringArray(p.Families)},
							pulumi.Map{"key": pulumi.String("kubernetes.io/arch"), "operator": pulumi.String("In"), "values": pulumi.StringArray{pulumi.String("amd64")}},
						},
						"taints":      pulumi.Array{pulumi.Map{"key": pulumi.String(p.Taint), "value": pulumi.String("true"), "effect": pulumi.String("NoSchedule")}},
						"expireAfter": pulumi.String("720h"),
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
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{k.Release, nodeClass}))...)
		if err != nil {
			return err
		}
		k.NodePools[p.Name] = pool
	}
	return nil
}
