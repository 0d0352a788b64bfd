package catalog

import "sort"

// Chart is a Helm chart the platform installs, pinned to a version.
type Chart struct {
	// Name is the release name.
	Name string
	// Repository is the chart repository URL ("oci://..." for OCI registries).
	Repository string
	// Chart is the chart's name in the repository (empty for OCI, where the URL names it).
	Chart string
	// Version is the pinned chart version.
	Version string
	// Namespace is where the release goes.
	Namespace string
	// Scheduling is where the chart's node agent (a device plugin or
	// exporter DaemonSet) runs with its default values, and which values
	// change that; nil for charts without one.
	Scheduling *ChartScheduling
}

// Requirement is one node-affinity expression (In, NotIn, Exists, DoesNotExist).
type Requirement struct {
	Key      string
	Operator string
	Values   []string
}

// Toleration is one pod toleration. Effect "" tolerates every effect.
type Toleration struct {
	Key, Operator, Value, Effect string
}

// ChartScheduling records a chart's default placement of its node agent
// and the values paths that override it, with Helm's merge rules: maps
// (nodeSelector) merge with the defaults, lists (tolerations, affinity
// terms) replace them.
type ChartScheduling struct {
	// Workload names the pods judged, e.g. "the device plugin DaemonSet".
	Workload string
	// DefaultTerms are the default required nodeSelectorTerms: the node
	// must match one term, and every requirement of that term.
	DefaultTerms [][]Requirement
	// DefaultTolerations are the default tolerations values.
	DefaultTolerations []Toleration
	// FixedTolerations are written into the template itself: values
	// cannot remove them.
	FixedTolerations []Toleration
	// FixedRequirements are written into the template and added to the
	// last term (the EFA chart's compute-type expression).
	FixedRequirements []Requirement
	// NodeSelectorPath, AffinityTermsPath and TolerationsPath are the
	// values paths that set each (nil when the chart has no such value).
	NodeSelectorPath, AffinityTermsPath, TolerationsPath []string
	// InstanceLabelKeysPath and InstanceLabelValuesPath, when set, build the
	// terms instead: one term per key, each requiring key In values (the
	// EFA chart's supportedInstanceLabels).
	InstanceLabelKeysPath, InstanceLabelValuesPath []string
}

var criticalAddons = Toleration{Key: "CriticalAddonsOnly", Operator: "Exists"}

// neuronInstances is the Neuron chart 1.10.0 neuronInstances default.
var neuronInstances = []string{"trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.3xlarge", "trn2.48xlarge",
	"trn2u.48xlarge", "trn3.48xlarge", "trn3n.48xlarge", "trn3en.24xlarge", "trn3s-es.48xlarge", "inf1.xlarge",
	"inf1.2xlarge", "inf1.6xlarge", "inf1.24xlarge", "inf2.xlarge", "inf2.8xlarge", "inf2.24xlarge", "inf2.48xlarge",
	"ml.inf2.xlarge", "ml.inf2.8xlarge", "ml.inf2.24xlarge", "ml.inf2.48xlarge", "ml.trn1.2xlarge", "ml.trn1.32xlarge",
	"ml.trn1n.32xlarge"}

// efaChartInstances are the accelerated entries of the EFA chart v0.5.30
// supportedInstanceLabels.values default (its CPU entries are left out:
// the platform replaces the list with its own label anyway).
var efaChartInstances = []string{"dl2q.24xlarge", "f2.48xlarge", "g4dn.12xlarge", "g4dn.16xlarge", "g4dn.8xlarge",
	"g4dn.metal", "g5.12xlarge", "g5.16xlarge", "g5.24xlarge", "g5.48xlarge", "g5.8xlarge", "g6.12xlarge", "g6.16xlarge",
	"g6.24xlarge", "g6.48xlarge", "g6.8xlarge", "g6e.12xlarge", "g6e.16xlarge", "g6e.24xlarge", "g6e.48xlarge",
	"g6e.8xlarge", "gr6.8xlarge", "inf1.24xlarge", "p3dn.24xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge",
	"p5.4xlarge", "p5e.48xlarge", "p5en.48xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.3xlarge", "trn2.48xlarge"}

// Charts the cluster installs, by key. Versions are pinned here, in one
// place, so an upgrade is one reviewed change.
var charts = map[string]Chart{
	"karpenter-crd": {
		Name: "karpenter-crd", Repository: "oci://public.ecr.aws/karpenter/karpenter-crd",
		Version: "1.14.1", Namespace: "kube-system",
	},
	"karpenter": {
		Name: "karpenter", Repository: "oci://public.ecr.aws/karpenter/karpenter",
		Version: "1.14.1", Namespace: "kube-system",
	},
	"nvidia-device-plugin": {
		Name: "nvidia-device-plugin", Repository: "https://nvidia.github.io/k8s-device-plugin", Chart: "nvidia-device-plugin",
		Version: "0.20.0", Namespace: "kube-system",
		Scheduling: &ChartScheduling{
			Workload: "the device plugin DaemonSet",
			// Node feature discovery's PCI vendor label, NVIDIA's CPU vendor
			// label (Tegra), or nvidia.com/gpu.present set by hand.
			DefaultTerms: [][]Requirement{
				{{Key: "feature.node.kubernetes.io/pci-10de.present", Operator: "In", Values: []string{"true"}}},
				{{Key: "feature.node.kubernetes.io/cpu-model.vendor_id", Operator: "In", Values: []string{"NVIDIA"}}},
				{{Key: "nvidia.com/gpu.present", Operator: "In", Values: []string{"true"}}},
			},
			DefaultTolerations: []Toleration{criticalAddons, {Key: "nvidia.com/gpu", Operator: "Exists", Effect: "NoSchedule"}},
			NodeSelectorPath:   []string{"nodeSelector"},
			AffinityTermsPath:  []string{"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"},
			TolerationsPath:    []string{"tolerations"},
		},
	},
	"dcgm-exporter": {
		Name: "dcgm-exporter", Repository: "https://nvidia.github.io/dcgm-exporter/helm-charts", Chart: "dcgm-exporter",
		Version: "4.8.2", Namespace: "kube-system",
		Scheduling: &ChartScheduling{
			Workload:           "the exporter DaemonSet",
			DefaultTolerations: []Toleration{{Key: "node-role.kubernetes.io/control-plane", Operator: "Exists", Effect: "NoSchedule"}},
			NodeSelectorPath:   []string{"nodeSelector"},
			AffinityTermsPath:  []string{"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"},
			TolerationsPath:    []string{"tolerations"},
		},
	},
	"neuron": {
		Name: "neuron", Repository: "oci://public.ecr.aws/neuron/neuron-helm-chart",
		Version: "1.10.0", Namespace: "kube-system",
		Scheduling: &ChartScheduling{
			Workload: "the device plugin DaemonSet",
			DefaultTerms: [][]Requirement{{
				{Key: "node.kubernetes.io/instance-type", Operator: "In", Values: neuronInstances},
				{Key: "eks.amazonaws.com/compute-type", Operator: "NotIn", Values: []string{"fargate", "hybrid", "auto"}},
			}},
			DefaultTolerations: []Toleration{criticalAddons,
				{Key: "aws.amazon.com/neuron", Operator: "Exists", Effect: "NoSchedule"},
				{Key: "sagemaker.amazonaws.com/node-health-status", Operator: "Equal", Value: "Unschedulable", Effect: "NoSchedule"}},
			NodeSelectorPath:  []string{"devicePlugin", "nodeSelector"},
			AffinityTermsPath: []string{"devicePlugin", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"},
			TolerationsPath:   []string{"devicePlugin", "tolerations"},
		},
	},
	"aws-efa-k8s-device-plugin": {
		Name: "aws-efa-k8s-device-plugin", Repository: "https://aws.github.io/eks-charts", Chart: "aws-efa-k8s-device-plugin",
		Version: "v0.5.30", Namespace: "kube-system",
		Scheduling: &ChartScheduling{
			Workload:                "the device plugin DaemonSet",
			DefaultTerms:            [][]Requirement{{{Key: "node.kubernetes.io/instance-type", Operator: "In", Values: efaChartInstances}}},
			FixedTolerations:        []Toleration{criticalAddons},
			FixedRequirements:       []Requirement{{Key: "eks.amazonaws.com/compute-type", Operator: "NotIn", Values: []string{"auto"}}},
			NodeSelectorPath:        []string{"nodeSelector"},
			TolerationsPath:         []string{"tolerations"},
			InstanceLabelKeysPath:   []string{"supportedInstanceLabels", "keys"},
			InstanceLabelValuesPath: []string{"supportedInstanceLabels", "values"},
		},
	},
	"ack-sagemaker": {
		Name: "ack-sagemaker-controller", Repository: "oci://public.ecr.aws/aws-controllers-k8s/sagemaker-chart",
		Version: "1.9.1", Namespace: "ack-system",
	},
	"kubeflow-trainer": {
		Name: "kubeflow-trainer", Repository: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
		Version: "2.3.0", Namespace: "kubeflow-system",
	},
	"kueue": {
		Name: "kueue", Repository: "oci://registry.k8s.io/kueue/charts/kueue",
		Version: "0.19.2", Namespace: "kueue-system",
	},
	"keda": {
		Name: "keda", Repository: "https://kedacore.github.io/charts", Chart: "keda",
		Version: "2.20.2", Namespace: "keda",
	},
	"grafana-operator": {
		Name: "grafana-operator", Repository: "oci://ghcr.io/grafana/helm-charts/grafana-operator",
		Version: "5.24.0", Namespace: "grafana-operator",
	},
	"lws": {
		Name: "lws", Repository: "oci://registry.k8s.io/lws/charts/lws",
		Version: "0.10.0", Namespace: "lws-system",
	},
}

// Kueue, as the platform uses it for the GPU queues (KueueSource).
const (
	// KueueAPIVersion is the ResourceFlavor, ClusterQueue, LocalQueue and
	// WorkloadPriorityClass API of the pinned chart (v1beta1 is served but
	// deprecated).
	KueueAPIVersion = "kueue.x-k8s.io/v1beta2"
	// KueueConfigAPIVersion is the controller configuration's API.
	KueueConfigAPIVersion = "config.kueue.x-k8s.io/v1beta2"
	// KueueQueueLabel binds a job to a LocalQueue; KueuePriorityLabel to
	// a WorkloadPriorityClass.
	KueueQueueLabel    = "kueue.x-k8s.io/queue-name"
	KueuePriorityLabel = "kueue.x-k8s.io/priority-class"
	// KueueTrainJobFramework is Kueue's integration name for Kubeflow
	// Trainer v2 TrainJobs.
	KueueTrainJobFramework = "trainer.kubeflow.org/trainjob"
)

// KueueSource says where the Kueue facts were read.
var KueueSource = Source{
	Description: "kubernetes-sigs/kueue tag v0.19.2 (2026-08-20): charts/kueue (chart 0.19.2, published at " +
		"oci://registry.k8s.io/kueue/charts/kueue per its README; CRDs in templates/crd, no Helm hooks, internal certificate " +
		"management by default, added to controllerManagerConfigYaml by templates/manager/manager-config.yaml unless the " +
		"config sets internalCertManagement; the namespace is not created by the chart); apis/kueue/v1beta2 (storage version; " +
		"ClusterQueue spec.namespaceSelector (null admits no namespace), resourceGroups[].coveredResources and flavors[].resources " +
		"in the same order, cohortName, preemption.withinClusterQueue Never|LowerPriority|LowerOrNewerEqualPriority; " +
		"ResourceFlavor spec.nodeLabels and tolerations (added to admitted pods); LocalQueue spec.clusterQueue immutable; " +
		"WorkloadPriorityClass value and description at the top level); pkg/controller/jobs/trainjob (framework " +
		"trainer.kubeflow.org/trainjob, on in the chart's default config; the webhook suspends a labelled TrainJob on create " +
		"and Kueue resumes it on admission; built against Trainer v2.2.1, the platform pins 2.3.0, whose API adds fields only); " +
		"cmd/kueue/main.go and pkg/scheduler/flavorassigner (quotaCheckStrategy BlockUndeclared by default: a requested resource " +
		"the ClusterQueue does not cover is never admitted; IgnoreUndeclared, beta and on in 0.19, skips it); " +
		"site/content/en/docs/reference/metrics.md (kueue_cluster_queue_resource_* need metrics.enableClusterQueueResources).",
	URL:      "https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/",
	Recorded: "2026-12-07",
}

// Kubeflow Trainer, as the platform uses it for the example training job.
const (
	// TrainerAPIVersion is the TrainJob and ClusterTrainingRuntime API of
	// the pinned chart.
	TrainerAPIVersion = "trainer.kubeflow.org/v1alpha1"
	// TrainerRuntime is the ClusterTrainingRuntime the platform creates
	// (the chart's own runtimes are installed by a Helm hook, which Pulumi
	// does not run).
	TrainerRuntime = "torch-distributed"
	// TrainerJobSetAPIVersion is the JobSet API the runtime template uses.
	TrainerJobSetAPIVersion = "jobset.x-k8s.io/v1alpha2"
	// TrainingImage is the example job's default image: PyTorch with CUDA
	// 12.8, which the EKS AL2023 NVIDIA AMI's driver runs (the pinned
	// runtime's own default moved to CUDA 13).
	TrainingImage = "pytorch/pytorch:2.10.0-cuda12.8-cudnn9-runtime"
)

// ChartsSource says where the pinned chart versions and their scheduling
// defaults were read.
var ChartsSource = Source{
	Description: "Helm charts at the pinned versions: Karpenter and karpenter-crd 1.14.1 (aws/karpenter-provider-aws tag " +
		"v1.14.1; the chart's crds/ are installed by karpenter-crd, as the v1.14 upgrade guide recommends); NVIDIA " +
		"k8s-device-plugin 0.20.0 (deployments/helm/nvidia-device-plugin/values.yaml: default affinity on " +
		"feature.node.kubernetes.io/pci-10de.present, cpu-model.vendor_id NVIDIA or nvidia.com/gpu.present; GFD and NFD off); " +
		"NVIDIA dcgm-exporter 4.8.2 (deployment/values.yaml: no node affinity, tolerates only the control-plane taint, " +
		"serviceMonitor on by default); AWS Neuron neuron-helm-chart 1.10.0 (devicePlugin affinity on instance-type In " +
		"neuronInstances, as quoted from `helm show values`; 1.9.0 read in aws-neuron/neuron-helm-charts; the npd " +
		"DaemonSet's affinity is fixed in its template and its namespace neuron-healthcheck-system is not created by the " +
		"chart); AWS eks-charts aws-efa-k8s-device-plugin v0.5.30 (templates/daemonset.yaml: affinity built from " +
		"supportedInstanceLabels keys and values, CriticalAddonsOnly toleration fixed, no hooks); Kubeflow Trainer " +
		"2.3.0 (kubeflow/trainer tag v2.3.0, charts/kubeflow-trainer: CRDs in templates/crd behind crds.enabled, JobSet " +
		"0.12.0 bundled as a dependency, certificates managed by the controller, ClusterTrainingRuntimes applied only by " +
		"a post-install hook Job, so the platform creates its runtime itself; API trainer.kubeflow.org/v1alpha1 with " +
		"runtimePatches since 2.2); ACK SageMaker controller 1.9.1 (aws-controllers-k8s/sagemaker-controller helm/: CRDs in crds/, " +
		"service account ack-sagemaker-controller, aws.region to set, recommended policy AmazonSageMakerFullAccess, EKS Pod " +
		"Identity supported). None of the other charts uses Helm hooks in the parts the platform enables; Pulumi's " +
		"helm/v4 Chart does not run hooks.",
	URL:      "https://karpenter.sh/docs/upgrading/upgrade-guide/",
	Recorded: recorded,
}

// LookupChart returns a pinned chart by key.
func LookupChart(key string) (Chart, bool) {
	c, ok := charts[key]
	return c, ok
}

// ChartKeys lists the chart keys, sorted.
func ChartKeys() []string {
	keys := make([]string, 0, len(charts))
	for k := range charts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// EKSAddons are the EKS managed add-ons every cluster gets. A stack may pin
// each one's version in config; unpinned, EKS installs its default version
// for the cluster's Kubernetes version.
var EKSAddons = []string{
	"amazon-cloudwatch-observability",
	"aws-ebs-csi-driver",
	"coredns",
	"eks-node-monitoring-agent",
	"eks-pod-identity-agent",
	"kube-proxy",
	"vpc-cni",
}

// OptionalEKSAddons are EKS managed add-ons a stack gets when it needs
// them: the FSx for Lustre CSI driver with a Lustre file system, the EFS
// CSI driver with a shared file system.
var OptionalEKSAddons = []string{EFSCSIAddon, FSxCSIAddon}

// LustreClientInstall installs the Lustre client (kernel module and tools)
// on an AL2023 node: the EKS AL2023 AMIs do not ship it and the FSx CSI
// driver mounts with the host's module (catalog.LustreFactsSource).
const LustreClientInstall = "dnf install -y lustre-client"

// LustreClientLoad loads the client's kernel module: a package that
// installs but has no module for the running kernel fails here, not at
// mount time.
const LustreClientLoad = "modprobe lustre"

// NodeAgentAddons are the add-ons that run only node agents (DaemonSets):
// they are healthy without nodes and must be configured before nodes join
// (the VPC CNI's custom networking applies only to nodes that join after
// it), so they are installed before the node groups. The others run
// Deployments that need nodes to become healthy.
var NodeAgentAddons = []string{"eks-node-monitoring-agent", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"}

// NodeHealthSource: what the node monitoring agent reports and what
// repairs nodes.
var NodeHealthSource = Source{
	Description: "Amazon EKS user guide, \"Detect node health issues and enable automatic node repair\" (the " +
		"eks-node-monitoring-agent add-on sets node conditions for accelerated hardware, storage, networking, kernel and " +
		"container runtime faults; managed node groups replace unhealthy nodes with nodeRepairConfig.enabled, off by " +
		"default); Karpenter v1.14 \"Disruption: Node Auto Repair\" (feature gate NodeRepair, alpha and off by default " +
		"in the chart's values.yaml; replaces a node after Ready False/Unknown 30 min, AcceleratedHardwareReady False " +
		"10 min, StorageReady, NetworkingReady, KernelReady or ContainerRuntimeReady False 30 min; no repair when more " +
		"than 20% of a NodePool's nodes are unhealthy; the node is terminated without draining).",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/node-health.html",
	Recorded: "2026-12-07",
}

// ControlPlaneLogTypes are the five EKS control-plane log types.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// NeuronSchedulerSource: what the Neuron scheduler extension does and
// when it applies.
var NeuronSchedulerSource = Source{
	Description: "AWS Neuron documentation, \"Neuron scheduler extension\" (neuron-helm-chart): the extension filters " +
		"nodes for pods that request Neuron devices or cores so the allocation is contiguous, and takes effect only for " +
		"pods whose schedulerName is my-scheduler (or with the default scheduler reconfigured, defaultScheduler.enabled); " +
		"the chart's scheduler.nodeSelector is applied by the defaultScheduler templates only (runtime review).",
	URL:      "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/containers/tutorials/k8s-neuron-scheduler.html",
	Recorded: "2026-12-07",
}
