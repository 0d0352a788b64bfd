package rules

// Type tokens the rules read, all in one place. pulumi-aws tokens are
// aws:<module>/<resource>:<Type> as the SDK registers them; Karpenter
// objects are Kubernetes custom resources, kubernetes:<group>/<version>:<Kind>.
// pulumi-eks components (eks:index:*) are not judged: see opaqueComponent.
const (
	appAutoscalingTarget        = "aws:appautoscaling/target:Target"
	bedrockGuardrailType        = "aws:bedrock/guardrail:Guardrail"
	bedrockGuardrailVersionType = "aws:bedrock/guardrailVersion:GuardrailVersion"
	bedrockInvocationLogType    = "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration"
	bedrockProfileType          = "aws:bedrock/inferenceProfile:InferenceProfile"
	bedrockThroughputType       = "aws:bedrock/provisionedModelThroughput:ProvisionedModelThroughput"
	bedrockKnowledgeBaseType    = "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"
	bedrockDataSourceType       = "aws:bedrock/agentDataSource:AgentDataSource"
	aossCollectionType          = "aws:opensearch/serverlessCollection:ServerlessCollection"
	aossSecurityPolicyType      = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
	aossAccessPolicyType        = "aws:opensearch/serverlessAccessPolicy:ServerlessAccessPolicy"
	aossVpcEndpointType         = "aws:opensearch/serverlessVpcEndpoint:ServerlessVpcEndpoint"
	budgetType                  = "aws:budgets/budget:Budget"
	budgetActionType            = "aws:budgets/budgetAction:BudgetAction"
	anomalyMonitorType          = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
	anomalySubType              = "aws:costexplorer/anomalySubscription:AnomalySubscription"
	eventRuleType               = "aws:cloudwatch/eventRule:EventRule"
	eventTargetType             = "aws:cloudwatch/eventTarget:EventTarget"
	metricAlarmType             = "aws:cloudwatch/metricAlarm:MetricAlarm"
	logGroupType                = "aws:cloudwatch/logGroup:LogGroup"
	ampWorkspaceType            = "aws:amp/workspace:Workspace"
	ampScraperType              = "aws:amp/scraper:Scraper"
	vpnConnectionType           = "aws:ec2/vpnConnection:VpnConnection"
	dynamoTableType             = "aws:dynamodb/table:Table"
	ebsVolumeType               = "aws:ebs/volume:Volume"
	defaultSGType               = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
	flowLogType                 = "aws:ec2/flowLog:FlowLog"
	ec2InstanceType             = "aws:ec2/instance:Instance"
	launchTemplateType          = "aws:ec2/launchTemplate:LaunchTemplate"
	placementGroupType          = "aws:ec2/placementGroup:PlacementGroup"
	securityGroupType           = "aws:ec2/securityGroup:SecurityGroup"
	securityGroupRuleType       = "aws:ec2/securityGroupRule:SecurityGroupRule"
	subnetType                  = "aws:ec2/subnet:Subnet"
	vpcType                     = "aws:ec2/vpc:Vpc"
	vpcEndpointType             = "aws:ec2/vpcEndpoint:VpcEndpoint"
	ecrRepositoryType           = "aws:ecr/repository:Repository"
	efsFileSystemType           = "aws:efs/fileSystem:FileSystem"
	eksAccessEntryType          = "aws:eks/accessEntry:AccessEntry"
	eksAccessPolicyType         = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	eksAddonType                = "aws:eks/addon:Addon"
	eksClusterType              = "aws:eks/cluster:Cluster"
	eksNodeGroupType            = "aws:eks/nodeGroup:NodeGroup"
	eksPodIdentityType          = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
	fsxDRAType                  = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation"
	fsxLustreType               = "aws:fsx/lustreFileSystem:LustreFileSystem"
	iamGroupPolicyType          = "aws:iam/groupPolicy:GroupPolicy"
	iamPolicyType               = "aws:iam/policy:Policy"
	iamRoleType                 = "aws:iam/role:Role"
	iamRolePolicyType           = "aws:iam/rolePolicy:RolePolicy"
	iamUserPolicyType           = "aws:iam/userPolicy:UserPolicy"
	iamSLRType                  = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
	kmsKeyType                  = "aws:kms/key:Key"
	kmsKeyPolicyType            = "aws:kms/keyPolicy:KeyPolicy"
	lbListenerType              = "aws:lb/listener:Listener"
	s3BucketType                = "aws:s3/bucket:Bucket"
	s3BucketV2Type              = "aws:s3/bucketV2:BucketV2"
	s3SSEConfigType             = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	s3PublicAccessType          = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	s3OwnershipType             = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	s3VersioningType            = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	s3LifecycleType             = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	s3LoggingType               = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	s3BucketPolicyType          = "aws:s3/bucketPolicy:BucketPolicy"
	smDomainType                = "aws:sagemaker/domain:Domain"
	smEndpointType              = "aws:sagemaker/endpoint:Endpoint"
	smEndpointConfigType        = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
	smModelType                 = "aws:sagemaker/model:Model"
	smModelPackageType          = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
	smFeatureGroupType          = "aws:sagemaker/featureGroup:FeatureGroup"
	smNotebookType              = "aws:sagemaker/notebookInstance:NotebookInstance"
	smPipelineType              = "aws:sagemaker/pipeline:Pipeline"
	smUserProfileType           = "aws:sagemaker/userProfile:UserProfile"
	snsTopicType                = "aws:sns/topic:Topic"
	snsTopicPolicyType          = "aws:sns/topicPolicy:TopicPolicy"
	sqsQueueType                = "aws:sqs/queue:Queue"
	sqsQueuePolicyType          = "aws:sqs/queuePolicy:QueuePolicy"
	sgIngressRuleType           = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	sgEgressRuleType            = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	karpenterNodePoolType       = "kubernetes:karpenter.sh/v1:NodePool"
	karpenterNodeClassType      = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
	nodePoolV1beta1Type         = "kubernetes:karpenter.sh/v1beta1:NodePool"
	nodeClassV1beta1Type        = "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"
)

// Groups of types several rules share.
var (
	bucketTypes     = []string{s3BucketV2Type, s3BucketType}
	nodeGroupTypes  = []string{eksNodeGroupType}
	nodePoolTypes   = []string{karpenterNodePoolType, nodePoolV1beta1Type}
	nodeClassTypes  = []string{karpenterNodeClassType, nodeClassV1beta1Type}
	identityPolicyT = []string{iamPolicyType, iamRolePolicyType, iamUserPolicyType, iamGroupPolicyType, iamRoleType}
)

// isBucket reports whether typ is an S3 general-purpose bucket.
func isBucket(typ string) bool { return typ == s3BucketV2Type || typ == s3BucketType }

// isNodePool reports whether typ is a Karpenter NodePool, in the v1 API the
// platform uses or the v1beta1 API before it.
func isNodePool(typ string) bool { return typ == karpenterNodePoolType || typ == nodePoolV1beta1Type }

// isNodeClass reports whether typ is a Karpenter EC2NodeClass (v1 or
// v1beta1), which holds the launch settings of Karpenter's nodes.
func isNodeClass(typ string) bool {
	return typ == karpenterNodeClassType || typ == nodeClassV1beta1Type
}

// concat joins type lists.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
