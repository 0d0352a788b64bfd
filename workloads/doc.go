// Package workloads puts the Kubernetes objects the ML platform needs on
// its EKS cluster, always through the cluster's explicit provider (never an
// ambient kubeconfig):
//
//   - Accelerators (ml-platform:workloads:Accelerators): the NVIDIA device
//     plugin and DCGM exporter, the Neuron device plugin and scheduler
//     extension, and the EFA device plugin, each pinned in the catalog and
//     scheduled only onto the nodes that have the hardware.
//   - Namespaces (ml-platform:workloads:Namespaces): ml-training and
//     ml-inference with resource quotas that follow the Karpenter limits,
//     restricted pod security, and priority classes so inference preempts
//     training, never the reverse.
package workloads
