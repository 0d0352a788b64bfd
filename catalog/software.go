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
}

// Charts the cluster installs, by key. Versions are pinned here, in one
// place, so an upgrade is one reviewed change.
var charts = map[string]Chart{
	"karpenter": {
		Name: "karpenter", Repository: "oci://public.ecr.aws/karpenter/karpenter",
		Version: "1.8.1", Namespace: "kube-system",
	},
	"nvidia-device-plugin": {
		Name: "nvidia-device-plugin", Repository: "https://nvidia.github.io/k8s-device-plugin", Chart: "nvidia-device-plugin",
		Version: "0.18.2", Namespace: "kube-system",
	},
	"dcgm-exporter": {
		Name: "dcgm-exporter", Repository: "https://nvidia.github.io/dcgm-exporter/helm-charts", Chart: "dcgm-exporter",
		Version: "3.5.0", Namespace: "kube-system",
	},
	"neuron": {
		Name: "neuron", Repository: "oci://public.ecr.aws/neuron/neuron-helm-chart",
		Version: "1.9.0", Namespace: "kube-system",
	},
	"aws-efa-k8s-device-plugin": {
		Name: "aws-efa-k8s-device-plugin", Repository: "https://aws.github.io/eks-charts", Chart: "aws-efa-k8s-device-plugin",
		Version: "v0.5.7", Namespace: "kube-system",
	},
}

// ChartsSource says where the pinned chart versions were read.
var ChartsSource = Source{
	Description: "Helm chart versions as published by their projects: Karpenter chart README (1.8.1), NVIDIA k8s-device-plugin " +
		"chart index (0.18.2), NVIDIA dcgm-exporter charts (3.5.0), AWS Neuron neuron-helm-charts release 1.9.0 (Neuron SDK 2.31.0), " +
		"AWS eks-charts aws-efa-k8s-device-plugin (v0.5.7, as used by terraform-aws-eks-blueprints). Newer releases exist for some; " +
		"these are the versions recorded as seen, bump them deliberately.",
	URL:      "https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/",
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
	"eks-pod-identity-agent",
	"kube-proxy",
	"vpc-cni",
}

// ControlPlaneLogTypes are the five EKS control-plane log types.
var ControlPlaneLogTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}
