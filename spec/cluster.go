package spec

// ControlPlane is the EKS cluster's own settings: config fills it from
// ml-platform:cluster (checking every value), the cluster component
// creates the cluster with it.
type ControlPlane struct {
	// Version is the Kubernetes version, "1.MINOR".
	Version string
	// EndpointPublicAccess opens the API endpoint to PublicAccessCIDRs;
	// never in prod.
	EndpointPublicAccess bool
	// PublicAccessCIDRs may reach the public API endpoint.
	PublicAccessCIDRs []string
	// DeployerCIDRs are the networks `pulumi up` runs from (a VPN, an
	// office network, a CI runner inside or peered with the VPC): the
	// control-plane security group admits them to the private API
	// endpoint on 443, through which every Helm release and Kubernetes
	// object is created.
	DeployerCIDRs []string
	// LogRetentionDays keeps control-plane logs.
	LogRetentionDays int
	// Addons pins EKS add-on versions by name; "" lets EKS pick its
	// default for the Kubernetes version. Every add-on in
	// catalog.EKSAddons is installed.
	Addons map[string]string
	// AdminRoleARNs get cluster-admin access entries (the CI deploy
	// roles, platform admins); never the cluster's creator, which EKS
	// already admits.
	AdminRoleARNs []string
	// ViewerRoleARNs get view access entries (AmazonEKSViewPolicy): the
	// CI preview role, whose `pulumi preview` reads the cluster.
	ViewerRoleARNs []string
	// NodeRepair replaces accelerated nodes the EKS node monitoring agent
	// reports unhealthy: managed node group auto repair on accelerated
	// groups and Karpenter's NodeRepair feature gate.
	NodeRepair bool
}

// Karpenter is just-in-time capacity: config fills it from
// ml-platform:cluster.karpenter, the Karpenter component installs the
// controller and its NodePools. Limits cap what each NodePool may launch;
// the namespaces' quotas follow them.
type Karpenter struct {
	// Enabled installs Karpenter and its NodePools.
	Enabled bool
	// TrainingGPULimit and InferenceGPULimit cap nvidia.com/gpu in the GPU
	// pools, NeuronDeviceLimit aws.amazon.com/neuron in the Neuron pool;
	// 0 leaves that pool out. CPULimit caps each pool's vCPUs.
	TrainingGPULimit, InferenceGPULimit, NeuronDeviceLimit, CPULimit int
	// AMIAlias selects the node AMI family and version (EC2NodeClass
	// amiSelectorTerms alias), e.g. "al2023@latest".
	AMIAlias string
	// CapacityReservationIDs are reservations and Capacity Blocks the
	// pools may launch into (reserved capacity first).
	CapacityReservationIDs []string
}

// Karpenter's pools (components/cluster.Pools): config checks what runs
// on them against the families they launch.
const (
	PoolGPUTraining    = "gpu-training"
	PoolGPUInference   = "gpu-inference"
	PoolNeuronTraining = "neuron-training"
)

// PoolFamilies are the instance families a GPU pool launches: the
// EFA-capable NVIDIA families for training, g5 for inference.
func PoolFamilies(pool string) []string {
	switch pool {
	case PoolGPUTraining:
		return []string{"p4d", "p4de", "p5", "p5en"}
	case PoolGPUInference:
		return []string{"g5"}
	}
	return nil
}

// Queues is Kueue's admission of batch work to the accelerator pools:
// config fills it from ml-platform:cluster.queues, the workloads package
// creates a ClusterQueue per Karpenter pool whose nominal quota is the
// pool's limits (so the queue never admits more than the pool may
// launch), a LocalQueue per pool in ml-training and in every team's
// namespace, and the priority classes preemption follows.
type Queues struct {
	// Teams get a namespace each, team-<team>, with the training quota
	// and a LocalQueue per pool; their jobs share the pools' quota with
	// ml-training's.
	Teams []string
	// Preemption is what an admitted workload may evict inside its
	// queue (ClusterQueue preemption.withinClusterQueue):
	// LowerPriority, LowerOrNewerEqualPriority or Never.
	Preemption string
}
