package rules

import (
	"slices"
	"strings"

	bedrock "github.com/aws/aws-sdk-go-v2/service/bedrock/types"
	budgets "github.com/aws/aws-sdk-go-v2/service/budgets/types"
	costexplorer "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	ec2 "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	eks "github.com/aws/aws-sdk-go-v2/service/eks/types"
	fsx "github.com/aws/aws-sdk-go-v2/service/fsx/types"
	s3 "github.com/aws/aws-sdk-go-v2/service/s3/types"
	sagemaker "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// enumField is one enum-valued input the platform can produce, with the
// values AWS accepts: taken from the AWS SDK for Go v2's generated enums
// (service/<svc>/types, generated from AWS's API models), so an upgrade of
// those modules brings AWS's current lists.
type enumField struct {
	Types []string
	// Path walks nested maps; "[]" steps into every element of a list.
	Path []string
	// Enum names the source, for messages and docs.
	Enum   string
	Values []string
}

// values turns an SDK enum's Values() into strings.
func values[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// withExtra adds values the API accepts that its enum does not list.
func withExtra(list []string, extra ...string) []string { return append(slices.Clone(list), extra...) }

var (
	ec2InstanceTypes = values(ec2.InstanceType("").Values())
	ebsVolumeTypes   = values(ec2.VolumeType("").Values())
)

// enumFields is every enum-valued input the platform's components produce,
// and the ones its coming components will (SageMaker, FSx, S3 lifecycle,
// Bedrock guardrails, Budgets, Cost Explorer).
var enumFields = []enumField{
	{[]string{eksNodeGroupType}, []string{"amiType"}, "eks AMITypes", values(eks.AMITypes("").Values())},
	{[]string{eksNodeGroupType}, []string{"capacityType"}, "eks CapacityTypes", values(eks.CapacityTypes("").Values())},
	{[]string{eksNodeGroupType}, []string{"taints", "[]", "effect"}, "eks TaintEffect", values(eks.TaintEffect("").Values())},
	{[]string{eksNodeGroupType}, []string{"instanceTypes", "[]"}, "ec2 InstanceType", ec2InstanceTypes},
	{[]string{eksClusterType}, []string{"accessConfig", "authenticationMode"}, "eks AuthenticationMode", values(eks.AuthenticationMode("").Values())},
	{[]string{eksAddonType}, []string{"resolveConflictsOnCreate"}, "eks ResolveConflicts", values(eks.ResolveConflicts("").Values())},
	{[]string{eksAddonType}, []string{"resolveConflictsOnUpdate"}, "eks ResolveConflicts", values(eks.ResolveConflicts("").Values())},
	{[]string{eksAccessPolicyType}, []string{"accessScope", "type"}, "eks AccessScopeType", values(eks.AccessScopeType("").Values())},
	{[]string{launchTemplateType, ec2InstanceType}, []string{"instanceType"}, "ec2 InstanceType", ec2InstanceTypes},
	{[]string{launchTemplateType}, []string{"blockDeviceMappings", "[]", "ebs", "volumeType"}, "ec2 VolumeType", ebsVolumeTypes},
	{[]string{launchTemplateType}, []string{"networkInterfaces", "[]", "interfaceType"}, "ec2 NetworkInterfaceType",
		values(ec2.NetworkInterfaceType("").Values())},
	{[]string{ebsVolumeType}, []string{"type"}, "ec2 VolumeType", ebsVolumeTypes},
	{[]string{placementGroupType}, []string{"strategy"}, "ec2 PlacementStrategy", values(ec2.PlacementStrategy("").Values())},
	{[]string{flowLogType}, []string{"trafficType"}, "ec2 TrafficType", values(ec2.TrafficType("").Values())},
	{[]string{flowLogType}, []string{"logDestinationType"}, "ec2 LogDestinationType", values(ec2.LogDestinationType("").Values())},
	{nodePoolTypes, nil, "ec2 InstanceType", ec2InstanceTypes}, // instance-type requirements, read by nodePoolValues
	{nodeClassTypes, []string{"spec", "blockDeviceMappings", "[]", "ebs", "volumeType"}, "ec2 VolumeType", ebsVolumeTypes},
	{[]string{smEndpointConfigType}, []string{"productionVariants", "[]", "instanceType"}, "sagemaker ProductionVariantInstanceType",
		values(sagemaker.ProductionVariantInstanceType("").Values())},
	{[]string{smNotebookType}, []string{"instanceType"}, "sagemaker InstanceType", values(sagemaker.InstanceType("").Values())},
	{[]string{smNotebookType}, []string{"rootAccess"}, "sagemaker RootAccess", values(sagemaker.RootAccess("").Values())},
	{[]string{smNotebookType}, []string{"directInternetAccess"}, "sagemaker DirectInternetAccess", values(sagemaker.DirectInternetAccess("").Values())},
	{[]string{smDomainType}, []string{"appNetworkAccessType"}, "sagemaker AppNetworkAccessType", values(sagemaker.AppNetworkAccessType("").Values())},
	{[]string{fsxLustreType}, []string{"deploymentType"}, "fsx LustreDeploymentType", values(fsx.LustreDeploymentType("").Values())},
	{[]string{fsxLustreType}, []string{"storageType"}, "fsx StorageType", values(fsx.StorageType("").Values())},
	{[]string{fsxLustreType}, []string{"dataCompressionType"}, "fsx DataCompressionType", values(fsx.DataCompressionType("").Values())},
	{[]string{s3LifecycleType}, []string{"rules", "[]", "transitions", "[]", "storageClass"}, "s3 TransitionStorageClass",
		values(s3.TransitionStorageClass("").Values())},
	{[]string{s3LifecycleType}, []string{"rules", "[]", "noncurrentVersionTransitions", "[]", "storageClass"}, "s3 TransitionStorageClass",
		values(s3.TransitionStorageClass("").Values())},
	{[]string{s3LifecycleType}, []string{"rules", "[]", "status"}, "s3 ExpirationStatus", values(s3.ExpirationStatus("").Values())},
	{[]string{s3OwnershipType}, []string{"rule", "objectOwnership"}, "s3 ObjectOwnership", values(s3.ObjectOwnership("").Values())},
	{[]string{s3SSEConfigType}, []string{"rules", "[]", "applyServerSideEncryptionByDefault", "sseAlgorithm"}, "s3 ServerSideEncryption",
		values(s3.ServerSideEncryption("").Values())},
	// pulumi-aws also takes Disabled, for a bucket that never had versioning.
	{[]string{s3VersioningType}, []string{"versioningConfiguration", "status"}, "s3 BucketVersioningStatus",
		withExtra(values(s3.BucketVersioningStatus("").Values()), "Disabled")},
	{[]string{bedrockGuardrailType}, []string{"contentPolicyConfig", "filtersConfigs", "[]", "type"}, "bedrock GuardrailContentFilterType",
		values(bedrock.GuardrailContentFilterType("").Values())},
	{[]string{bedrockGuardrailType}, []string{"contentPolicyConfig", "filtersConfigs", "[]", "inputStrength"}, "bedrock GuardrailFilterStrength",
		values(bedrock.GuardrailFilterStrength("").Values())},
	{[]string{bedrockGuardrailType}, []string{"contentPolicyConfig", "filtersConfigs", "[]", "outputStrength"}, "bedrock GuardrailFilterStrength",
		values(bedrock.GuardrailFilterStrength("").Values())},
	{[]string{bedrockGuardrailType}, []string{"sensitiveInformationPolicyConfig", "piiEntitiesConfigs", "[]", "type"}, "bedrock GuardrailPiiEntityType",
		values(bedrock.GuardrailPiiEntityType("").Values())},
	{[]string{bedrockGuardrailType}, []string{"sensitiveInformationPolicyConfig", "piiEntitiesConfigs", "[]", "action"},
		"bedrock GuardrailSensitiveInformationAction", values(bedrock.GuardrailSensitiveInformationAction("").Values())},
	{[]string{bedrockGuardrailType}, []string{"sensitiveInformationPolicyConfig", "regexesConfigs", "[]", "action"},
		"bedrock GuardrailSensitiveInformationAction", values(bedrock.GuardrailSensitiveInformationAction("").Values())},
	{[]string{bedrockGuardrailType}, []string{"topicPolicyConfig", "topicsConfigs", "[]", "type"}, "bedrock GuardrailTopicType",
		values(bedrock.GuardrailTopicType("").Values())},
	{[]string{bedrockGuardrailType}, []string{"wordPolicyConfig", "managedWordListsConfigs", "[]", "type"}, "bedrock GuardrailManagedWordsType",
		values(bedrock.GuardrailManagedWordsType("").Values())},
	{[]string{bedrockGuardrailType}, []string{"contextualGroundingPolicyConfig", "filtersConfigs", "[]", "type"},
		"bedrock GuardrailContextualGroundingFilterType", values(bedrock.GuardrailContextualGroundingFilterType("").Values())},
	{[]string{budgetType}, []string{"budgetType"}, "budgets BudgetType", values(budgets.BudgetType("").Values())},
	{[]string{budgetType}, []string{"timeUnit"}, "budgets TimeUnit", values(budgets.TimeUnit("").Values())},
	{[]string{budgetType}, []string{"notifications", "[]", "notificationType"}, "budgets NotificationType", values(budgets.NotificationType("").Values())},
	{[]string{budgetType}, []string{"notifications", "[]", "comparisonOperator"}, "budgets ComparisonOperator", values(budgets.ComparisonOperator("").Values())},
	{[]string{budgetType}, []string{"notifications", "[]", "thresholdType"}, "budgets ThresholdType", values(budgets.ThresholdType("").Values())},
	{[]string{anomalyMonitorType}, []string{"monitorType"}, "costexplorer MonitorType", values(costexplorer.MonitorType("").Values())},
	{[]string{anomalyMonitorType}, []string{"monitorDimension"}, "costexplorer MonitorDimension", values(costexplorer.MonitorDimension("").Values())},
	{[]string{anomalySubType}, []string{"frequency"}, "costexplorer AnomalySubscriptionFrequency",
		values(costexplorer.AnomalySubscriptionFrequency("").Values())},
	{[]string{anomalySubType}, []string{"subscribers", "[]", "type"}, "costexplorer SubscriberType", values(costexplorer.SubscriberType("").Values())},
	{[]string{anomalySubType}, []string{"thresholdExpression", "dimension", "key"}, "costexplorer Dimension", values(costexplorer.Dimension("").Values())},
	{[]string{anomalySubType}, []string{"thresholdExpression", "dimension", "matchOptions", "[]"}, "costexplorer MatchOption",
		values(costexplorer.MatchOption("").Values())},
	{[]string{budgetActionType}, []string{"actionType"}, "budgets ActionType", values(budgets.ActionType("").Values())},
	{[]string{budgetActionType}, []string{"approvalModel"}, "budgets ApprovalModel", values(budgets.ApprovalModel("").Values())},
	{[]string{budgetActionType}, []string{"notificationType"}, "budgets NotificationType", values(budgets.NotificationType("").Values())},
	{[]string{budgetActionType}, []string{"actionThreshold", "actionThresholdType"}, "budgets ThresholdType", values(budgets.ThresholdType("").Values())},
	{[]string{budgetActionType}, []string{"subscribers", "[]", "subscriptionType"}, "budgets SubscriptionType", values(budgets.SubscriptionType("").Values())},
}

// EC2InstanceTypes returns the instance types the EC2 API accepts, for the
// catalog's tests.
func EC2InstanceTypes() []string { return slices.Clone(ec2InstanceTypes) }

// SageMakerInstanceTypes returns the ml.* types SageMaker accepts for
// hosting, training and processing, for the catalog's tests.
func SageMakerInstanceTypes() (hosting, training, processing []string) {
	return values(sagemaker.ProductionVariantInstanceType("").Values()),
		values(sagemaker.TrainingInstanceType("").Values()),
		values(sagemaker.ProcessingInstanceType("").Values())
}

// pipelineInstanceTypes are the instance-type arguments of SageMaker
// pipeline steps, by step type.
var pipelineInstanceTypes = map[string]struct {
	path []string
	enum string
	vals []string
}{
	"Training":   {[]string{"ResourceConfig", "InstanceType"}, "sagemaker TrainingInstanceType", values(sagemaker.TrainingInstanceType("").Values())},
	"Processing": {[]string{"ProcessingResources", "ClusterConfig", "InstanceType"}, "sagemaker ProcessingInstanceType", values(sagemaker.ProcessingInstanceType("").Values())},
	"Transform":  {[]string{"TransformResources", "InstanceType"}, "sagemaker TransformInstanceType", values(sagemaker.TransformInstanceType("").Values())},
}

// stringsAt returns the known strings at path ("[]" steps into every list
// element) and whether some step was unknown.
func stringsAt(m property.Map, path []string) (out []string, unknownSeen bool) {
	var walk func(v property.Value, rest []string)
	walk = func(v property.Value, rest []string) {
		switch {
		case v.IsComputed():
			unknownSeen = true
			return
		case len(rest) == 0:
			if v.IsString() {
				out = append(out, v.AsString())
			}
			return
		case rest[0] == "[]":
			if v.IsArray() {
				for _, e := range v.AsArray().AsSlice() {
					walk(e, rest[1:])
				}
			}
		case v.IsMap():
			if next, ok := v.AsMap().GetOk(rest[0]); ok {
				walk(next, rest[1:])
			}
		}
	}
	walk(property.New(m), path)
	return out, unknownSeen
}

// allowedList renders allowed values for a message: all of a short list,
// a few of a long one.
func allowedList(vals []string) string {
	if len(vals) <= 12 {
		return strings.Join(vals, ", ")
	}
	return strings.Join(vals[:6], ", ") + ", ... (" + itoa(len(vals)) + " values)"
}
