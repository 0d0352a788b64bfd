package cluster

import (
	"fmt"

	"github.com/ml-platform/ml-platform/internal/iamdoc"
)

// ManagedPolicyARN names an AWS managed policy in a partition.
func ManagedPolicyARN(partition, name string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", partition, name)
}

// NodePolicies are the AWS managed policies every node role gets: join the
// cluster, run the VPC CNI, pull images, and be reachable by SSM instead of SSH.
var NodePolicies = []string{
	"AmazonEC2ContainerRegistryReadOnly",
	"AmazonEKSWorkerNodePolicy",
	"AmazonEKS_CNI_Policy",
	"AmazonSSMManagedInstanceCore",
}

// EC2TrustPolicy lets EC2 instances of this account assume a node role.
func EC2TrustPolicy(account string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Sid:       "EC2NodesOfThisAccount",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"ec2.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{"StringEquals": {"aws:SourceAccount": {account}}},
	})
}

// PodIdentityTrustPolicy lets EKS Pod Identity hand the role to pods of
// this account's clusters.
func PodIdentityTrustPolicy(account string) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Sid:       "EKSPodIdentityOfThisAccount",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"pods.eks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: iamdoc.Condition{"StringEquals": {"aws:SourceAccount": {account}}},
	})
}

// KarpenterScope is what the controller policy is scoped to.
type KarpenterScope struct {
	Partition, Region, Account string
	ClusterName                string
	NodeRoleARN                string
	QueueARN                   string
}

// KarpenterControllerPolicy is the controller's least-privilege policy:
// it may launch instances and fleets in the region, but terminate, tag and
// manage instance profiles only for what it created for this cluster (the
// kubernetes.io/cluster/<name> and karpenter.sh/nodepool tags), pass only
// the node role, read only this cluster and this queue.
func KarpenterControllerPolicy(s KarpenterScope) iamdoc.Document {
	ec2ARN := func(kind string) string {
		return fmt.Sprintf("arn:%s:ec2:%s:*:%s/*", s.Partition, s.Region, kind)
	}
	clusterTag := "aws:ResourceTag/kubernetes.io/cluster/" + s.ClusterName
	requestClusterTag := "aws:RequestTag/kubernetes.io/cluster/" + s.ClusterName
	owned := iamdoc.Condition{
		"StringEquals": {clusterTag: {"owned"}},
		"StringLike":   {"aws:ResourceTag/karpenter.sh/nodepool": {"*"}},
	}
	return iamdoc.New(
		iamdoc.Statement{
			Sid:    "LaunchWithAnyImageAndNetwork",
			Effect: "Allow",
			Action: []string{"ec2:CreateFleet", "ec2:RunInstances"},
			Resource: []string{
				fmt.Sprintf("arn:%s:ec2:%s::image/*", s.Partition, s.Region),
				fmt.Sprintf("arn:%s:ec2:%s::snapshot/*", s.Partition, s.Region),
				ec2ARN("security-group"), ec2ARN("subnet"), ec2ARN("capacity-reservation"), ec2ARN("placement-group"),
			},
		},
		iamdoc.Statement{
			Sid:    "CreateOnlyTaggedForThisCluster",
			Effect: "Allow",
			Action: []string{"ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:RunInstances"},
			Resource: []string{
				ec2ARN("fleet"), ec2ARN("instance"), ec2ARN("volume"), ec2ARN("network-interface"),
				ec2ARN("launch-template"), ec2ARN("spot-instances-request"),
			},
			Condition: iamdoc.Condition{
				"StringEquals": {requestClusterTag: {"owned"}},
				"StringLike":   {"aws:RequestTag/karpenter.sh/nodepool": {"*"}},
			},
		},
		iamdoc.Statement{
			Sid:      "TagOnCreate",
			Effect:   "Allow",
			Action:   []string{"ec2:CreateTags"},
			Resource: []string{ec2ARN("fleet"), ec2ARN("instance"), ec2ARN("volume"), ec2ARN("network-interface"), ec2ARN("launch-template"), ec2ARN("spot-instances-request")},
			Condition: iamdoc.Condition{
				"StringEquals": {requestClusterTag: {"owned"}, "ec2:CreateAction": {"CreateFleet", "CreateLaunchTemplate", "RunInstances"}},
			},
		},
		iamdoc.Statement{
			Sid:       "TerminateOwnInstances",
			Effect:    "Allow",
			Action:    []string{"ec2:DeleteLaunchTemplate", "ec2:TerminateInstances"},
			Resource:  []string{ec2ARN("instance"), ec2ARN("launch-template")},
			Condition: owned,
		},
		iamdoc.Statement{
			Sid:      "Describe",
			Effect:   "Allow",
			Action:   []string{"ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeInstances", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ec2:DescribeCapacityReservations", "ec2:DescribePlacementGroups"},
			Resource: []string{"*"},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:RequestedRegion": {s.Region}},
			},
		},
		iamdoc.Allow("AMIParameters", []string{"ssm:GetParameter"}, fmt.Sprintf("arn:%s:ssm:%s::parameter/aws/service/*", s.Partition, s.Region)),
		iamdoc.Allow("Pricing", []string{"pricing:GetProducts"}, "*"),
		iamdoc.Allow("InterruptionQueue", []string{"sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"}, s.QueueARN),
		iamdoc.Statement{
			Sid:       "PassNodeRole",
			Effect:    "Allow",
			Action:    []string{"iam:PassRole"},
			Resource:  []string{s.NodeRoleARN},
			Condition: iamdoc.Condition{"StringEquals": {"iam:PassedToService": {"ec2.amazonaws.com"}}},
		},
		iamdoc.Statement{
			Sid:       "InstanceProfilesOfThisCluster",
			Effect:    "Allow",
			Action:    []string{"iam:AddRoleToInstanceProfile", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile"},
			Resource:  []string{fmt.Sprintf("arn:%s:iam::%s:instance-profile/*", s.Partition, s.Account)},
			Condition: iamdoc.Condition{"StringEquals": {clusterTag: {"owned"}, "aws:ResourceTag/topology.kubernetes.io/region": {s.Region}}},
		},
		iamdoc.Allow("ReadInstanceProfiles", []string{"iam:GetInstanceProfile"}, fmt.Sprintf("arn:%s:iam::%s:instance-profile/*", s.Partition, s.Account)),
		iamdoc.Allow("ReadThisCluster", []string{"eks:DescribeCluster"}, fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", s.Partition, s.Region, s.Account, s.ClusterName)),
	)
}

// QueuePolicy lets EventBridge and SQS deliver to the interruption queue and
// refuses any access without TLS.
func QueuePolicy(queueARN string) iamdoc.Document {
	return iamdoc.New(
		iamdoc.Statement{
			Sid:       "EventBridgeDelivers",
			Effect:    "Allow",
			Principal: &iamdoc.Principal{Service: []string{"events.amazonaws.com", "sqs.amazonaws.com"}},
			Action:    []string{"sqs:SendMessage"},
			Resource:  []string{queueARN},
		},
		iamdoc.Statement{
			Sid:       "DenyWithoutTLS",
			Effect:    "Deny",
			Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action:    []string{"sqs:*"},
			Resource:  []string{queueARN},
			Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	)
}
