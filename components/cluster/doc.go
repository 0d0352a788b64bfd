// Package cluster builds the platform's EKS compute layer:
//
//   - Cluster (ml-platform:cluster:Cluster): the control plane through
//     pulumi-eks (private subnets, private API in prod, secrets envelope
//     encryption, all control-plane logs to a KMS-encrypted log group, API
//     access entries, an OIDC provider), our own control-plane and node
//     security groups, the EKS managed add-ons, and a Kubernetes provider
//     whose identity does not change between runs.
//   - NodeGroup (ml-platform:cluster:NodeGroup): a raw managed node group and
//     launch template, so tests and policies see every setting. The
//     instance type alone (through the catalog) decides the AMI type,
//     labels, taints and root volume; `EFA: true` brings the placement group,
//     one interface per network card and the security-group rules EFA needs.
//   - Karpenter (ml-platform:cluster:Karpenter): controller role (EKS Pod
//     Identity), node role and access entry, the spot-interruption queue and
//     its EventBridge rules, the Helm release, and NodePools for GPU spot
//     training, GPU on-demand inference and Neuron.
//
// pulumi-eks's cluster is a remote component: under mocks only its inputs
// are visible. That is why node groups, security groups, add-ons and
// access entries are built here as plain AWS resources.
package cluster
