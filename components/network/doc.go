// Package network builds the platform's VPC: public and private subnets in
// every availability zone (plus optional pod subnets from a secondary
// block), NAT gateways (one, or one per AZ), an S3 gateway endpoint,
// PrivateLink interface endpoints with private DNS behind a security group
// that admits HTTPS from the VPC only, and VPC flow logs to a KMS-encrypted
// log group. Subnets carry the tags EKS load balancers and Karpenter use to
// discover them.
//
// Layout: the primary block is cut into eight equal blocks; AZ i's private
// subnet is block i (i < 6), block 7 is cut again into eight public subnets.
// A /16 gives /19 private subnets (8,187 usable addresses) and /22 public
// ones. The pod block, when given, is cut into eight per-AZ pod subnets.
package network
