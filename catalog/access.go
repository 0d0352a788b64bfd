package catalog

import "fmt"

// Facts about who AWS services act as, and from where, that the access
// flows and the policies depend on.

// PodIdentityTrustSource: EKS Pod Identity tags the role session with the
// cluster, namespace and service account, and a role's trust policy can
// require them.
var PodIdentityTrustSource = Source{
	Description: "EKS user guide, \"Create IAM role with trust policy required by EKS Pod Identity\" and \"Grant Pods access " +
		"to AWS resources based on tags\": pods.eks.amazonaws.com assumes with sts:AssumeRole and sts:TagSession and sets " +
		"the session tags eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account and " +
		"kubernetes-pod-name/-uid, usable as aws:RequestTag/<key> in the trust policy.",
	URL:      "https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html",
	Recorded: "2026-12-07",
}

// PipelinesJsonGetSource: SageMaker Pipelines resolves JsonGet from its
// own network with the pipeline's role.
var PipelinesJsonGetSource = Source{
	Description: "SageMaker developer guide, \"Access management\" for Pipelines: a JsonGet on a property file reads the " +
		"object from Amazon S3 outside your VPC with the pipeline's execution role, so a bucket policy that requires " +
		"aws:SourceVpce denies it.",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html",
	Recorded: "2026-12-07",
}

// StudioUserActions are what the default execution role of a Studio
// domain needs for a user to open a private space and run JupyterLab or
// Code Editor in it (SageMaker developer guide,
// "studio-updated-jl-admin-guide-permissions"): spaces and apps of its
// own user profile, the Describe calls the UI makes, and tagging what it
// creates.
var StudioUserActions = []string{
	"sagemaker:AddTags", "sagemaker:CreateApp", "sagemaker:CreateSpace",
	"sagemaker:DeleteApp", "sagemaker:DeleteSpace", "sagemaker:DescribeApp", "sagemaker:DescribeDomain",
	"sagemaker:DescribeSpace", "sagemaker:DescribeUserProfile", "sagemaker:ListTags", "sagemaker:UpdateSpace",
}

// StudioUserListActions are the List calls of StudioUserActions' kind,
// which take no resource-level permissions.
var StudioUserListActions = []string{"sagemaker:ListApps", "sagemaker:ListSpaces"}

// StudioPermissionsSource says where StudioUserActions come from.
var StudioPermissionsSource = Source{
	Description: "SageMaker developer guide, \"Set up permissions for JupyterLab\" / private spaces: the execution role " +
		"needs CreateSpace, UpdateSpace, DeleteSpace, DescribeSpace, ListSpaces, CreateApp, DeleteApp, DescribeApp, " +
		"ListApps, the Describe calls on domain and user profile, and AddTags/ListTags on the space and app it creates.",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html",
	Recorded: "2026-12-07",
}

// BudgetsSourceARNs are the aws:SourceArn values AWS Budgets presents
// when it assumes a budget action's role: the documented pattern is every
// budget of the account; this platform names its own budget and that
// budget's actions, which the documented pattern covers.
func BudgetsSourceARNs(partition, account, budgetName string) []string {
	return []string{
		fmt.Sprintf("arn:%s:budgets::%s:budget/%s", partition, account, budgetName),
		fmt.Sprintf("arn:%s:budgets::%s:budget/%s/action/*", partition, account, budgetName),
	}
}

// BudgetsConfusedDeputySource says where BudgetsSourceARNs come from.
var BudgetsConfusedDeputySource = Source{
	Description: "Cost Management user guide, \"Cross-service confused deputy prevention\": the example trust policy for " +
		"budgets.amazonaws.com conditions on aws:SourceAccount and ArnLike aws:SourceArn arn:aws:budgets::<account>:budget/*. " +
		"The guide does not say whether the ARN is the budget's or an action's: the trust admits both for the stack's " +
		"own budget (unverified against a live action).",
	URL:      "https://docs.aws.amazon.com/cost-management/latest/userguide/cross-service-confused-deputy-prevention.html",
	Recorded: "2026-12-07",
}

// AWSOwnedBucketObjects are the objects in AWS-owned buckets that nodes
// read through the VPC's S3 gateway endpoint, so its policy must admit
// them: ECR's image layers and the Amazon Linux 2023 package
// repositories.
func AWSOwnedBucketObjects(partition, region string) []string {
	return []string{
		fmt.Sprintf("arn:%s:s3:::prod-%s-starport-layer-bucket/*", partition, region),
		fmt.Sprintf("arn:%s:s3:::al2023-repos-%s-de612dc2/*", partition, region),
	}
}

// AWSOwnedBucketsSource says where AWSOwnedBucketObjects come from.
var AWSOwnedBucketsSource = Source{
	Description: "ECR user guide, \"Amazon ECR interface VPC endpoints\" (the S3 gateway endpoint policy must allow " +
		"s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*); Amazon Linux 2023 user guide, \"Package " +
		"repository\" behind an S3 gateway endpoint (arn:aws:s3:::al2023-repos-<region>-de612dc2/*).",
	URL:      "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
	Recorded: "2026-12-07",
}

// EndpointPolicyServices are the interface endpoint services (names after
// com.amazonaws.<region>.) that take an endpoint policy and that only this
// account's principals call through the VPC: the network component admits
// only them. The others keep the default full-access policy: STS (web
// identity calls are unsigned: a principal-account condition would refuse
// IRSA) and services whose endpoint policy support is not recorded here.
var EndpointPolicyServices = []string{
	"autoscaling", "bedrock-runtime", "ec2", "ecr.api", "ecr.dkr", "eks", "elasticloadbalancing", "kms", "logs",
	"monitoring", "sagemaker.api", "sagemaker.runtime", "secretsmanager", "sqs", "ssm",
}

// EndpointPolicySource says where EndpointPolicyServices come from.
var EndpointPolicySource = Source{
	Description: "VPC user guide, \"Control access to VPC endpoints using endpoint policies\" (not every service supports " +
		"endpoint policies; one that does not allows full access), and each listed service's PrivateLink page describing " +
		"endpoint policies (ECR, CloudWatch Logs and metrics, KMS, SQS, SageMaker API and runtime, EC2, Auto Scaling, " +
		"ELB, EKS, Systems Manager, Secrets Manager, Bedrock runtime). describe-vpc-endpoint-services reports " +
		"VpcEndpointPolicySupported per service and region: re-check a service before adding it.",
	URL:      "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
	Recorded: "2026-12-07",
}

// VPNCryptoSource says where the VPN tunnels' Diffie-Hellman groups come
// from.
var VPNCryptoSource = Source{
	Description: "RFC 8247 (Algorithm Implementation Requirements for IKEv2), section 2.4: group 14 MUST, 19 SHOULD, " +
		"15-18, 20 and 21 MAY; 22, 23 and 24 SHOULD NOT (MODP groups with small subgroups); 1, 2 MUST NOT and 5 SHOULD " +
		"NOT. Site-to-Site VPN user guide, \"Tunnel options\": the groups a tunnel may negotiate are 2, 5 and 14-24.",
	URL:      "https://www.rfc-editor.org/rfc/rfc8247#section-2.4",
	Recorded: "2026-12-07",
}
