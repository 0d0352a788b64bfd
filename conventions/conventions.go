// Package conventions holds the names that several packages must agree on:
// environments, node roles, capacity types, node labels and taints, the
// required tags, minimum versions and retention periods, and name patterns.
//
// Config validates against these values, components and workloads build
// resources with them, and the policy pack checks resources for them. Each
// of those imports this package instead of repeating a string, so a change
// here reaches all of them at once and nothing can silently disagree.
//
// The package imports nothing from the project and nothing outside the
// standard library.
package conventions

import (
	"regexp"
	"slices"
)

// Environment is the kind of stack. It decides defaults and the minimums
// prod must meet.
type Environment string

// The environments a stack can be.
const (
	Dev     Environment = "dev"
	Staging Environment = "staging"
	Prod    Environment = "prod"
)

// Environments lists the allowed environment values, in the order documents
// present them.
var Environments = []Environment{Dev, Staging, Prod}

// ProdLike reports whether the environment gets prod's shape and minimums
// (staging is a copy of prod's shape).
func (e Environment) ProdLike() bool { return e == Prod || e == Staging }

// Valid reports whether e is one of Environments.
func (e Environment) Valid() bool { return slices.Contains(Environments, e) }

// NodeRole says what a node group or NodePool is for. It decides labels,
// taints and capacity rules, and is the value of LabelWorkloadType.
type NodeRole string

// Node roles.
const (
	RoleSystem    NodeRole = "system"
	RoleTraining  NodeRole = "training"
	RoleInference NodeRole = "inference"
	// RoleBatch is CPU batch work. The platform creates no batch group yet;
	// the policy pack already judges groups labelled with it.
	RoleBatch NodeRole = "batch"
)

// NodeRoles are the roles a configured node group may take.
var NodeRoles = []NodeRole{RoleSystem, RoleTraining, RoleInference}

// CapacityType is an EC2 purchase option, spelled as EKS managed node
// groups spell it.
type CapacityType string

// Capacity types.
const (
	Spot     CapacityType = "SPOT"
	OnDemand CapacityType = "ON_DEMAND"
)

// CapacityTypes lists the allowed capacity types.
var CapacityTypes = []CapacityType{Spot, OnDemand}

// Karpenter returns the value Karpenter's karpenter.sh/capacity-type
// requirement uses for the same purchase option ("spot", "on-demand").
func (c CapacityType) Karpenter() string {
	if c == Spot {
		return KarpenterSpot
	}
	return KarpenterOnDemand
}

// Karpenter's spelling of the capacity types, and the label that carries them.
const (
	KarpenterCapacityTypeLabel = "karpenter.sh/capacity-type"
	KarpenterSpot              = "spot"
	KarpenterOnDemand          = "on-demand"
	// KarpenterReserved is capacity in an On-Demand Capacity Reservation or
	// a Capacity Block (Karpenter v1.6 and later).
	KarpenterReserved = "reserved"
)

// Labels every node carries. NodePools, device plugins and policies select
// on them.
const (
	// LabelWorkloadType carries the NodeRole.
	LabelWorkloadType = "workload-type"
	// LabelAccelerator carries the catalog's accelerator kind ("none",
	// "nvidia-gpu", "aws-trainium", "aws-inferentia").
	LabelAccelerator = "accelerator"
	// LabelNodeLifecycle is "spot" or "on-demand".
	LabelNodeLifecycle = "node-lifecycle"
	// LabelEFA is "true" on nodes with EFA interfaces; the EFA device
	// plugin is scheduled on it.
	LabelEFA = "vpc.amazonaws.com/efa.present"
	// LabelNvidiaGPUPresent is the label the NVIDIA device plugin chart's
	// default affinity accepts when node feature discovery is not installed.
	LabelNvidiaGPUPresent = "nvidia.com/gpu.present"
	// KarpenterNodePoolLabel names the NodePool that launched a node.
	KarpenterNodePoolLabel = "karpenter.sh/nodepool"
	// LabelTeam names the team a namespace belongs to.
	LabelTeam = "ml-platform/team"
	// LabelEnvironment carries the stack's environment on the Kubernetes
	// objects policies judge per environment (they have no AWS tags).
	LabelEnvironment = "ml-platform/environment"
	// LabelAppName and LabelAppComponent are the Kubernetes recommended
	// labels; the LLM servers' pods carry component ComponentLLMServer,
	// their gateways' ComponentLLMGateway.
	LabelAppName        = "app.kubernetes.io/name"
	LabelAppComponent   = "app.kubernetes.io/component"
	ComponentLLMServer  = "llm-server"
	ComponentLLMGateway = "llm-gateway"
)

// Annotations of the LLM servers that the estimate and the policies read.
const (
	// AnnotationMinReplicas and AnnotationActiveHours say what KEDA keeps
	// running: the replicas are KEDA's, not in the spec.
	AnnotationMinReplicas = "ml-platform/min-replicas"
	AnnotationActiveHours = "ml-platform/active-hours-per-week"
	// AnnotationGuardrailOptOut holds the stated reason a server has no
	// guardrail in front.
	AnnotationGuardrailOptOut = "ml-platform/guardrail-opt-out"
)

// Node lifecycle label values.
const (
	LifecycleSpot     = "spot"
	LifecycleOnDemand = "on-demand"
)

// Taint keys that keep general pods off accelerator nodes. Each equals the
// extended resource its device plugin advertises.
const (
	TaintNvidiaGPU = "nvidia.com/gpu"
	TaintNeuron    = "aws.amazon.com/neuron"
)

// Extended resources the device plugins advertise.
const (
	ResourceNvidiaGPU = "nvidia.com/gpu"
	ResourceNeuron    = "aws.amazon.com/neuron"
	ResourceEFA       = "vpc.amazonaws.com/efa"
)

// The NoSchedule taint effect: EKS node groups spell it NO_SCHEDULE,
// Kubernetes (and Karpenter) NoSchedule.
const (
	EffectNoScheduleEKS = "NO_SCHEDULE"
	EffectNoSchedule    = "NoSchedule"
)

// Tag keys every taggable resource carries, and the ManagedBy value.
const (
	TagProject      = "Project"
	TagEnvironment  = "Environment"
	TagTeam         = "Team"
	TagCostCenter   = "CostCenter"
	TagManagedBy    = "ManagedBy"
	ManagedByPulumi = "pulumi"
)

// RequiredTagKeys are the tags every taggable resource carries: they drive
// cost allocation (Project, CostCenter, Team), environment scoping and the
// "who created this" question (ManagedBy).
var RequiredTagKeys = []string{TagProject, TagEnvironment, TagTeam, TagCostCenter, TagManagedBy}

// TagStack names the stack ("<project>-<stack>") on every taggable
// resource. It is the one tag whose value tells stacks apart, so the
// stack's budget and anomaly monitor filter on it: a budget's filter
// values for one tag are ORed, so Project and Environment together cannot
// select a stack. The platform sets it; stacks cannot override it.
const TagStack = "Stack"

// TagCapacityReservation, on a node group, names the capacity reservation
// its launch template targets: the policy pack sees the group launch into
// reserved capacity (not Spot, and not ordinary On-Demand).
const TagCapacityReservation = "ml-platform:capacity-reservation"

// TagReservedInstances and TagCapacityBlockUSDPerHour, on a node group in
// reserved capacity, say how many instances the reservation holds and what
// a Capacity Block cost per instance-hour: the estimate prices them.
const (
	TagReservedInstances       = "ml-platform:reserved-instances"
	TagCapacityBlockUSDPerHour = "ml-platform:capacity-block-usd-per-hour"
)

// PlatformTagKeys are the tags the platform sets on every taggable resource.
var PlatformTagKeys = append(append([]string{}, RequiredTagKeys...), TagStack)

// CostAllocationTagKeys are the tags worth activating as cost allocation
// tags: the ones that split the bill (ManagedBy has one value).
var CostAllocationTagKeys = []string{TagProject, TagEnvironment, TagTeam, TagCostCenter, TagStack}

// StackTagValue is the Stack tag's value for a project's stack.
func StackTagValue(project, stack string) string { return project + "-" + stack }

// Tags that wire subnets, security groups and nodes to a cluster.
const (
	// KarpenterDiscoveryTag marks the subnets Karpenter launches into.
	KarpenterDiscoveryTag = "karpenter.sh/discovery"
)

// ClusterTag is the kubernetes.io/cluster/<name> tag key EKS, its load
// balancer controller and Karpenter use to find what belongs to a cluster.
func ClusterTag(clusterName string) string { return "kubernetes.io/cluster/" + clusterName }

// Kubernetes versions. Older minors are out of EKS standard support and
// cost extended-support fees; the eks-minimum-version policy agrees.
const (
	MinKubernetesMinor       = 32
	MinKubernetesVersion     = "1.32"
	DefaultKubernetesVersion = "1.35"
)

// LogRetentionDays are the retention periods CloudWatch Logs accepts
// (PutRetentionPolicy retentionInDays).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Retention minimums: prod-like stacks keep logs a year for audits.
const (
	ProdMinLogRetentionDays = 365
	DevLogRetentionDays     = 30
)

// Instance metadata. Pods take AWS credentials from EKS Pod Identity, so
// the response hop limit stays 1: a container behind the node's network
// namespace cannot reach the node role's credentials. A node group that
// needs IMDS from pods opts in to PodIMDSHopLimit by name, and the
// imds-hop-limit policy flags it.
const (
	IMDSHopLimit    = 1
	PodIMDSHopLimit = 2
)

// Name patterns the configuration and the components both enforce.
var (
	// NodeGroupName is a node group's short name: 2-39 lowercase letters,
	// digits and dashes (the EKS node group name gets the stack prefix).
	NodeGroupName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,37}[a-z0-9]$`)
	// ClusterName is an EKS cluster name: 1-100 letters, digits and dashes.
	ClusterName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{0,99}$`)
)

// ComplianceProfile selects a set of policy-pack rules that a regulated
// workload must pass (ml-platform:compliance). The policy pack maps each
// profile to rule levels; policies/README.md maps each rule to the control
// it serves.
type ComplianceProfile string

// Compliance profiles.
const (
	ComplianceNone  ComplianceProfile = "none"
	ComplianceHIPAA ComplianceProfile = "hipaa"
	CompliancePCI   ComplianceProfile = "pci-dss"
)

// ComplianceProfiles lists the allowed profiles.
var ComplianceProfiles = []ComplianceProfile{ComplianceNone, ComplianceHIPAA, CompliancePCI}

// Valid reports whether p is one of ComplianceProfiles.
func (p ComplianceProfile) Valid() bool { return slices.Contains(ComplianceProfiles, p) }

// ModelsArchivePrefix is the prefix of the models bucket that the seed's
// archive rule moves to Glacier Flexible Retrieval: config refuses to
// serve from it and the storage component scopes the rule to it.
const ModelsArchivePrefix = "models/"
