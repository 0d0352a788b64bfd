package rules

// Type tokens the rules read. pulumi-aws tokens are
// aws:<module>/<resource>:<Type> as the SDK registers them; pulumi-eks
// components are eks:index:<Type>; Karpenter objects are Kubernetes custom
// resources, kubernetes:<group>/<version>:<Kind>.
const (
	budgetType            = "aws:budgets/budget:Budget"
	logGroupType          = "aws:cloudwatch/logGroup:LogGroup"
	appAutoscalingTarget  = "aws:appautoscaling/target:Target"
	bedrockGuardrailType  = "aws:bedrock/guardrail:Guardrail"
	defaultSGType         = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	ebsVolumeType         = "aws:ebs/volume:Volume"
	ec2InstanceType       = "aws:ec2/instance:Instance"
	launchTemplateType    = "aws:ec2/launchTemplate:LaunchTemplate"
	placementGroupType    = "aws:ec2/placementGroup:PlacementGroup"
	securityGroupType     = "aws:ec2/securityGroup:SecurityGroup"
	securityGroupRuleType = "aws:ec2/securityGroupRule:SecurityGroupRule"
	subnetType            = "aws:ec2/subnet:Subnet"
	vpcEndpointType       = "aws:ec2/vpcEndpoint:VpcEndpoint"
	sgIngressRuleType     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	eksAccessPolicyType   = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	eksClusterType        = "aws:eks/cluster:Cluster"
	eksNodeGroupType      = "aws:eks/nodeGroup:NodeGroup"
	fsxLustreType         = "aws:fsx/lustreFileSystem:LustreFileSystem"
	iamGroupPolicyType    = "aws:iam/groupPolicy:GroupPolicy"
	iamPolicyType         = "aws:iam/policy:Policy"
	iamRoleType           = "aws:iam/role:Role"
	iamRolePolicyType     = "aws:iam/rolePolicy:RolePolicy"
	iamUserPolicyType     = "aws:iam/userPolicy:UserPolicy"
	kmsKeyPolicyType      = "aws:kms/keyPolicy:KeyPolicy"
	s3BucketType          = "aws:s3/bucket:Bucket"
	s3BucketV2Type        = "aws:s3/bucketV2:BucketV2"
	s3SSEConfigType       = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	s3PublicAccessType    = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	s3OwnershipType       = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	s3VersioningType      = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	s3LifecycleType       = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	s3BucketPolicyType    = "aws:s3/bucketPolicy:BucketPolicy"
	smDomainType          = "aws:sagemaker/domain:Domain"
	smEndpointConfigType  = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
	smModelType           = "aws:sagemaker/model:Model"
	smNotebookType        = "aws:sagemaker/notebookInstance:NotebookInstance"
	smPipelineType        = "aws:sagemaker/pipeline:Pipeline"

	eksComponentType     = "eks:index:Cluster"
	eksManagedNGType     = "eks:index:ManagedNodeGroup"
	eksNodeGroupV2Type   = "eks:index:NodeGroupV2"
	eksNodeGroupCompType = "eks:index:NodeGroup"

	karpenterNodePoolType  = "kubernetes:karpenter.sh/v1:NodePool"
	karpenterNodeClassType = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
)

// isBucket reports whether typ is an S3 general-purpose bucket.
func isBucket(typ string) bool { return typ == s3BucketV2Type || typ == s3BucketType }

// isNodePool reports whether typ is a Karpenter NodePool, in the v1 API the
// platform uses or the v1beta1 API before it.
func isNodePool(typ string) bool {
	return typ == karpenterNodePoolType || typ == "kubernetes:karpenter.sh/v1beta1:NodePool"
}

// isNodeClass reports whether typ is a Karpenter EC2NodeClass (v1 or v1beta1),
// which holds the launch settings of Karpenter's nodes.
func isNodeClass(typ string) bool {
	return typ == karpenterNodeClassType || typ == "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"
}
