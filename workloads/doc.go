// Package workloads will hold the Kubernetes objects the platform puts on
// its EKS cluster: device plugins (NVIDIA, Neuron, EFA), Karpenter node
// pools, FSx volumes, namespaces with quotas and training jobs, each through
// the cluster's explicit Kubernetes provider. It arrives with the cluster
// component (issue #4); nothing here is built yet.
package workloads
