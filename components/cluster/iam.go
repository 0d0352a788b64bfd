package cluster

import (
	"fmt"

	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
)

// ManagedPolicyARN names an AWS managed policy in a partition.
func ManagedPolicyARN(partition, name string) string {
	return fmt.Sprintf("arn:%s:iam::aws:policy/%s", partition, name)
}

// NodePolicies are the AWS managed policies every node role gets: join the
// cluster, run the VPC CNI, pull images (AmazonEC2ContainerRegistryPullOnly,
// which the EKS node role documentation and Karpenter's reference node role
// now use instead of ReadOnly), and be reachable by SSM instead of SSH.
var NodePolicies = []string{
	"AmazonEC2ContainerRegistryPullOnly",
	"AmazonEKSWorkerNodePolicy",
	"AmazonEKS_CNI_Policy",
	"AmazonSSMManagedInstanceCore",
}

// EC2TrustPolicy lets EC2 instances assume a node role. It carries no
// aws:SourceAccount condition: the EKS node role documentation and
// Karpenter's reference node role use none, and no AWS documentation says
// EC2 supplies that key when an instance profile's role is assumed.
func EC2TrustPolicy() iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Sid:       "EC2Nodes",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"ec2.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole"},
	})
}

// PodIdentity names the one service account of one cluster that may
// assume a role through EKS Pod Identity.
type PodIdentity struct {
	awsarn.Account
	ClusterName               string
	Namespace, ServiceAccount string
}

// ClusterARN is the cluster's ARN.
func (p PodIdentity) ClusterARN() string {
	return p.ARN("eks", "cluster/"+p.ClusterName)
}

// PodIdentityTrustPolicy lets EKS Pod Identity hand the role to that
// service account's pods only: EKS tags the session with the cluster ARN,
// namespace and service account, and the trust requires them (EKS user
// guide, "pod-id-role"; catalog.PodIdentityTrustSource). Without them any
// pod of any cluster in the account that an association names could get
// the role.
func PodIdentityTrustPolicy(p PodIdentity) iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{
		Sid:       "EKSPodIdentityOfOneServiceAccount",
		Effect:    "Allow",
		Principal: &iamdoc.Principal{Service: []string{"pods.eks.amazonaws.com"}},
		Action:    []string{"sts:AssumeRole", "sts:TagSession"},
		Condition: iamdoc.Condition{"StringEquals": {
			"aws:SourceAccount":                         {p.AccountID},
			"aws:RequestTag/eks-cluster-arn":            {p.ClusterARN()},
			"aws:RequestTag/kubernetes-namespace":       {p.Namespace},
			"aws:RequestTag/kubernetes-service-account": {p.ServiceAccount},
		}},
	})
}

// KarpenterScope is what the controller policy is scoped to. Every field is
// known before anything is created (names, not outputs), so a first
// preview already shows and judges the whole document.
type KarpenterScope struct {
	Partition, Region, Account string
	ClusterName                string
	// NodeRoleName is the role of the nodes Karpenter launches.
	NodeRoleName string
	// QueueName is the interruption queue.
	QueueName string
	// VolumeKeyAlias is the alias ("alias/...") of the key that encrypts
	// node volumes.
	VolumeKeyAlias string
	// QueueKeyAlias is the alias of the key that encrypts the interruption
	// queue; "" when SQS manages the encryption.
	QueueKeyAlias string
}

// KarpenterControllerPolicy is the controller's policy, statement by
// statement the reference policy of Karpenter v1.14.1 (the getting-started
// CloudFormation template, website/content/en/preview/getting-started/
// getting-started-with-karpenter/cloudformation.yaml at tag v1.14.1, whose
// five managed policies NodeLifecycle, IAMIntegration, EKSIntegration,
// Interruption and ResourceDiscovery are merged into one document here).
//
// Deliberate differences:
//   - The ZonalShift policy is left out: it serves settings.enableZonalShift,
//     which the platform does not turn on.
//   - Two statements are added so that nodes whose volumes are encrypted with
//     the cluster key can launch (Karpenter's troubleshooting entry "Node
//     terminates before ready on failed encrypted EBS volume"): the
//     controller may use that key, found by its alias, only through EC2.
//   - With a customer-managed key on the queue, one statement lets the
//     controller decrypt the messages it receives, only through SQS.
func KarpenterControllerPolicy(s KarpenterScope) iamdoc.Document {
	ec2ARN := func(kind string) string { return fmt.Sprintf("arn:%s:ec2:%s:*:%s/*", s.Partition, s.Region, kind) }
	instanceProfiles := fmt.Sprintf("arn:%s:iam::%s:instance-profile/*", s.Partition, s.Account)
	clusterARN := fmt.Sprintf("arn:%s:eks:%s:%s:cluster/%s", s.Partition, s.Region, s.Account, s.ClusterName)
	owned := conventions.ClusterTag(s.ClusterName)
	launched := []string{ec2ARN("fleet"), ec2ARN("instance"), ec2ARN("volume"), ec2ARN("network-interface"),
		ec2ARN("launch-template"), ec2ARN("spot-instances-request")}
	ec2Via := fmt.Sprintf("ec2.%s.amazonaws.com", s.Region)
	keys := fmt.Sprintf("arn:%s:kms:%s:%s:key/*", s.Partition, s.Region, s.Account)
	doc := iamdoc.New(
		// NodeLifecyclePolicy
		iamdoc.Statement{
			Sid:    "AllowScopedEC2InstanceAccessActions",
			Effect: "Allow",
			Resource: []string{
				fmt.Sprintf("arn:%s:ec2:%s::image/*", s.Partition, s.Region),
				fmt.Sprintf("arn:%s:ec2:%s::snapshot/*", s.Partition, s.Region),
				ec2ARN("security-group"), ec2ARN("subnet"), ec2ARN("capacity-reservation"), ec2ARN("placement-group"),
			},
			Action: []string{"ec2:RunInstances", "ec2:CreateFleet"},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedEC2LaunchTemplateAccessActions",
			Effect:   "Allow",
			Resource: []string{ec2ARN("launch-template")},
			Action:   []string{"ec2:RunInstances", "ec2:CreateFleet"},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:ResourceTag/" + owned: {"owned"}},
				"StringLike":   {"aws:ResourceTag/karpenter.sh/nodepool": {"*"}},
			},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedEC2InstanceActionsWithTags",
			Effect:   "Allow",
			Resource: launched,
			Action:   []string{"ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:RequestTag/" + owned: {"owned"}, "aws:RequestTag/eks:eks-cluster-name": {s.ClusterName}},
				"StringLike":   {"aws:RequestTag/karpenter.sh/nodepool": {"*"}},
			},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedResourceCreationTagging",
			Effect:   "Allow",
			Resource: launched,
			Action:   []string{"ec2:CreateTags"},
			Condition: iamdoc.Condition{
				"StringEquals": {
					"aws:RequestTag/" + owned:             {"owned"},
					"aws:RequestTag/eks:eks-cluster-name": {s.ClusterName},
					"ec2:CreateAction":                    {"RunInstances", "CreateFleet", "CreateLaunchTemplate"},
				},
				"StringLike": {"aws:RequestTag/karpenter.sh/nodepool": {"*"}},
			},
		},
		iamdoc.Statement{
			// Karpenter tags running instances with their node and claim.
			Sid:      "AllowScopedResourceTagging",
			Effect:   "Allow",
			Resource: []string{ec2ARN("instance")},
			Action:   []string{"ec2:CreateTags"},
			Condition: iamdoc.Condition{
				"StringEquals":              {"aws:ResourceTag/" + owned: {"owned"}},
				"StringLike":                {"aws:ResourceTag/karpenter.sh/nodepool": {"*"}},
				"StringEqualsIfExists":      {"aws:RequestTag/eks:eks-cluster-name": {s.ClusterName}},
				"ForAllValues:StringEquals": {"aws:TagKeys": {"eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"}},
			},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedDeletion",
			Effect:   "Allow",
			Resource: []string{ec2ARN("instance"), ec2ARN("launch-template")},
			Action:   []string{"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:ResourceTag/" + owned: {"owned"}},
				"StringLike":   {"aws:ResourceTag/karpenter.sh/nodepool": {"*"}},
			},
		},
		// IAMIntegrationPolicy
		iamdoc.Statement{
			Sid:       "AllowPassingInstanceRole",
			Effect:    "Allow",
			Resource:  []string{fmt.Sprintf("arn:%s:iam::%s:role/%s", s.Partition, s.Account, s.NodeRoleName)},
			Action:    []string{"iam:PassRole"},
			Condition: iamdoc.Condition{"StringEquals": {"iam:PassedToService": {"ec2.amazonaws.com", "ec2.amazonaws.com.cn"}}},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedInstanceProfileCreationActions",
			Effect:   "Allow",
			Resource: []string{instanceProfiles},
			Action:   []string{"iam:CreateInstanceProfile"},
			Condition: iamdoc.Condition{
				"StringEquals": {
					"aws:RequestTag/" + owned:                      {"owned"},
					"aws:RequestTag/eks:eks-cluster-name":          {s.ClusterName},
					"aws:RequestTag/topology.kubernetes.io/region": {s.Region},
				},
				"StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": {"*"}},
			},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedInstanceProfileTagActions",
			Effect:   "Allow",
			Resource: []string{instanceProfiles},
			Action:   []string{"iam:TagInstanceProfile"},
			Condition: iamdoc.Condition{
				"StringEquals": {
					"aws:ResourceTag/" + owned:                      {"owned"},
					"aws:ResourceTag/topology.kubernetes.io/region": {s.Region},
					"aws:RequestTag/" + owned:                       {"owned"},
					"aws:RequestTag/eks:eks-cluster-name":           {s.ClusterName},
					"aws:RequestTag/topology.kubernetes.io/region":  {s.Region},
				},
				"StringLike": {
					"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": {"*"},
					"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass":  {"*"},
				},
			},
		},
		iamdoc.Statement{
			Sid:      "AllowScopedInstanceProfileActions",
			Effect:   "Allow",
			Resource: []string{instanceProfiles},
			Action:   []string{"iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"},
			Condition: iamdoc.Condition{
				"StringEquals": {
					"aws:ResourceTag/" + owned:                      {"owned"},
					"aws:ResourceTag/topology.kubernetes.io/region": {s.Region},
				},
				"StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": {"*"}},
			},
		},
		// EKSIntegrationPolicy
		iamdoc.Allow("AllowAPIServerEndpointDiscovery", []string{"eks:DescribeCluster"}, clusterARN),
		// InterruptionPolicy
		iamdoc.Allow("AllowInterruptionQueueActions", []string{"sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"},
			QueueARN(awsarn.Account{Partition: s.Partition, Region: s.Region, AccountID: s.Account}, s.QueueName)),
		// ResourceDiscoveryPolicy
		iamdoc.Statement{
			Sid:      "AllowRegionalReadActions",
			Effect:   "Allow",
			Resource: []string{"*"},
			Action: []string{"ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances",
				"ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes",
				"ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups",
				"ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"},
			Condition: iamdoc.Condition{"StringEquals": {"aws:RequestedRegion": {s.Region}}},
		},
		iamdoc.Allow("AllowSSMReadActions", []string{"ssm:GetParameter"}, fmt.Sprintf("arn:%s:ssm:%s::parameter/aws/service/*", s.Partition, s.Region)),
		iamdoc.Allow("AllowPricingReadActions", []string{"pricing:GetProducts"}, "*"),
		iamdoc.Allow("AllowUnscopedInstanceProfileListAction", []string{"iam:ListInstanceProfiles"}, "*"),
		iamdoc.Allow("AllowInstanceProfileReadActions", []string{"iam:GetInstanceProfile"}, instanceProfiles),
		// Added: the volume key, only through EC2 and only by its alias.
		iamdoc.Statement{
			Sid:      "UseVolumeKeyThroughEC2",
			Effect:   "Allow",
			Resource: []string{keys},
			Action:   []string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Condition: iamdoc.Condition{
				"StringEquals":             {"kms:ViaService": {ec2Via}},
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {s.VolumeKeyAlias}},
			},
		},
		iamdoc.Statement{
			Sid:      "GrantVolumeKeyToEC2",
			Effect:   "Allow",
			Resource: []string{keys},
			Action:   []string{"kms:CreateGrant"},
			Condition: iamdoc.Condition{
				"StringEquals":             {"kms:ViaService": {ec2Via}},
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {s.VolumeKeyAlias}},
				"Bool":                     {"kms:GrantIsForAWSResource": {"true"}},
			},
		},
	)
	if s.QueueKeyAlias != "" {
		doc.Statement = append(doc.Statement, iamdoc.Statement{
			Sid:      "DecryptInterruptionQueue",
			Effect:   "Allow",
			Resource: []string{keys},
			Action:   []string{"kms:Decrypt"},
			Condition: iamdoc.Condition{
				"StringEquals":             {"kms:ViaService": {fmt.Sprintf("sqs.%s.amazonaws.com", s.Region)}},
				"ForAnyValue:StringEquals": {"kms:ResourceAliases": {s.QueueKeyAlias}},
			},
		})
	}
	return doc
}

// QueueARN is an SQS queue's ARN from its name.
func QueueARN(a awsarn.Account, name string) string {
	return a.ARN("sqs", ""+name)
}

// QueuePolicy lets EventBridge (and SQS) deliver to the interruption queue
// and refuses any access without TLS, as Karpenter's reference queue
// policy does.
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
			Sid:       "DenyHTTP",
			Effect:    "Deny",
			Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action:    []string{"sqs:*"},
			Resource:  []string{queueARN},
			Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	)
}
