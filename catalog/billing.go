package catalog

import (
	"slices"
	"sort"
)

// BudgetService is an AWS service a per-service budget can track.
type BudgetService struct {
	// Key is the name used in configuration ("sagemaker").
	Key string
	// CostExplorerName is the service's value in the Cost Explorer SERVICE
	// dimension, which a budget's "Service" cost filter matches exactly.
	CostExplorerName string
	// Note says what the filter misses, if anything.
	Note string
}

var budgetServices = []BudgetService{
	{Key: "bedrock", CostExplorerName: "Amazon Bedrock",
		Note: "third-party models sold through AWS Marketplace (such as Anthropic's) bill under their own service names " +
			"(BedrockModel.BillingService), which the stack adds for its models; on-demand calls carry no tags, so the " +
			"budget counts the whole account's use of those services"},
	{Key: "ec2", CostExplorerName: "Amazon Elastic Compute Cloud - Compute",
		Note: "instances only: EBS volumes, NAT gateways and data transfer bill under \"EC2 - Other\""},
	{Key: "sagemaker", CostExplorerName: "Amazon SageMaker"},
}

// BudgetServices returns the services per-service budgets can track,
// sorted by Key.
func BudgetServices() []BudgetService {
	out := slices.Clone(budgetServices)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// LookupBudgetService returns a budget service by Key.
func LookupBudgetService(key string) (BudgetService, bool) {
	i := slices.IndexFunc(budgetServices, func(s BudgetService) bool { return s.Key == key })
	if i < 0 {
		return BudgetService{}, false
	}
	return budgetServices[i], true
}

// BudgetServicesSource says where the Cost Explorer service names come from.
var BudgetServicesSource = Source{
	Description: "AWS Budgets user guide, \"Budget filters\" (the Service filter takes Cost Explorer SERVICE dimension " +
		"values) and the Cost Explorer GetDimensionValues API (SERVICE values as billed: \"Amazon Elastic Compute Cloud - " +
		"Compute\", \"Amazon SageMaker\", \"Amazon Bedrock\").",
	URL:      "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create-filters.html",
	Recorded: recorded,
}

// Limits and rules of AWS Budgets and Cost Anomaly Detection that the API
// enforces at `pulumi up` or that decide whether an alert ever arrives.
const (
	// BudgetNotificationEmailsMax is the most email subscribers one budget
	// notification takes (besides one SNS topic).
	BudgetNotificationEmailsMax = 10
	// BudgetActionSubscribersMax is the most subscribers a budget action
	// takes (CreateBudgetAction Subscribers: 1 to 11).
	BudgetActionSubscribersMax = 11
	// AnomalySubscriptionEmailsMax is the most email recipients of one
	// anomaly alert subscription; it takes one SNS topic instead.
	AnomalySubscriptionEmailsMax = 10
	// CostAllocationTagDelayHours is how long after a tag is first applied
	// it can take to appear for activation; activating it earlier fails.
	CostAllocationTagDelayHours = 24
)

// Anomaly alert frequencies and the channel each delivers through: the API
// accepts only SNS subscribers for IMMEDIATE and only EMAIL subscribers for
// DAILY and WEEKLY.
const (
	AnomalyFrequencyDaily     = "DAILY"
	AnomalyFrequencyWeekly    = "WEEKLY"
	AnomalyFrequencyImmediate = "IMMEDIATE"
)

// AnomalyFrequencies are the alert frequencies, in the API's spelling.
var AnomalyFrequencies = []string{AnomalyFrequencyDaily, AnomalyFrequencyImmediate, AnomalyFrequencyWeekly}

// AnomalyFrequencyUsesSNS says whether alerts of a frequency go to an SNS
// topic (true) or to email addresses (false).
func AnomalyFrequencyUsesSNS(frequency string) bool { return frequency == AnomalyFrequencyImmediate }

// BillingSource says where the Budgets and Cost Anomaly Detection limits
// and rules come from.
var BillingSource = Source{
	Description: "AWS Budgets: \"Quotas and restrictions\" (10 email subscribers and one SNS topic per notification), " +
		"\"Creating an Amazon SNS topic for budget notifications\" (topic policy for budgets.amazonaws.com with " +
		"aws:SourceAccount and aws:SourceArn arn:<partition>:budgets::<account>:*; topic in the budget's account), " +
		"CreateBudgetAction API (1-11 subscribers; APPLY_IAM_POLICY, APPLY_SCP_POLICY and RUN_SSM_DOCUMENTS are the only " +
		"action types, SSM stopping only EC2 and RDS instances). Cost Anomaly Detection: AnomalySubscription API (DAILY and " +
		"WEEKLY deliver by EMAIL, IMMEDIATE by SNS), FAQ (10 email recipients or one SNS topic per subscription), " +
		"\"Getting started\" (monitors for cost allocation tags, linked accounts and cost categories can only be created " +
		"in the management account), \"Creating an Amazon SNS topic for anomaly notifications\" (costalerts.amazonaws.com " +
		"publishes). Cost allocation tags: user guide \"Activating user-defined cost allocation tags\" (keys appear up to " +
		"24 hours after first use; in an organization only the management account activates them) and the pulumi-aws " +
		"costexplorer.CostAllocationTag note. Amazon SNS developer guide, \"Key management\" (an AWS service publishing to " +
		"an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt in the key policy).",
	URL:      "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html",
	Recorded: recorded,
}

// BudgetDataLagHours is how long spend can go unseen by a budget: AWS
// billing data, which Budgets evaluates, is refreshed at least once a day,
// and budget alerts and actions follow that refresh.
const BudgetDataLagHours = 24

// BudgetDataLagSource says where the lag comes from.
var BudgetDataLagSource = Source{
	Description: "AWS Budgets user guide, \"Best practices for AWS Budgets\" (AWS billing data, which Budgets uses to " +
		"monitor resources, is updated at least once per day; budget information and alerts follow that refresh cadence, " +
		"up to three times a day). A budget action therefore acts on spend that is already up to a day old.",
	URL:      "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-best-practices.html",
	Recorded: "2026-12-07",
}
