// Package cluster builds the platform's EKS compute layer:
//
//   - Cluster (ml-platform:cluster:Cluster): the control plane through
//     pulumi-eks (private subnets, private API in prod, secrets envelope
//     encryption, all control-plane logs to a KMS-encrypted log group, API
//     access entries, an OIDC provider), our own control-plane and node
//     security groups (the deployer networks admitted to the private
//     endpoint), the EKS managed add-ons (node agents before the nodes, the
//     rest after the system nodes), VPC CNI custom networking when pod
//     subnets are given, and a Kubernetes provider whose identity does not
//     change between runs. Everything that names the cluster takes its name
//     as an output of the control plane, so it is created after it.
//   - NodeGroup (ml-platform:cluster:NodeGroup): a raw managed node group and
//     launch template, so tests and policies see every setting. The
//     instance type alone (through the catalog) decides the AMI type,
//     labels (including the ones device plugins select on), taints and root
//     volume; `EFA: true` brings the placement group, an ENA primary and one
//     EFA-only interface per network card, and the security-group rules EFA
//     needs. Instance metadata answers one hop only (pods use Pod Identity).
//   - Karpenter (ml-platform:cluster:Karpenter): Karpenter v1.14 with the
//     reference controller policy, the controller role handed over by EKS Pod
//     Identity, the node role and access entry, the interruption queue and
//     its five EventBridge rules, the CRD and controller charts, an
//     EC2NodeClass and NodePools for EFA GPU training, GPU inference and EFA
//     Trainium training.
//
// pulumi-eks's cluster is a remote component: under mocks only its inputs
// are visible, and under the Pulumi CLI the policy pack sees its children
// (aws:eks/cluster:Cluster and the rest) but not its inputs. That is why
// node groups, security groups, add-ons and access entries are built here
// as plain AWS resources.
package cluster
