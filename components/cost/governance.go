package cost

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/costexplorer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// Anomaly monitors the component can create.
const (
	// MonitorStack is a customer-managed monitor of the resources carrying
	// the filter tag (management or standalone account only).
	MonitorStack = "stack"
	// MonitorServices is the AWS-managed monitor of every service in the
	// account.
	MonitorServices = "services"
	// MonitorNone creates no monitor.
	MonitorNone = "none"
	// MonitorExisting subscribes to the account's monitor (AnomalyArgs.MonitorARN).
	MonitorExisting = "existing"
)

// Service principals that publish to the alert topic; the topic's key must
// grant them.
const (
	BudgetsPrincipal    = "budgets.amazonaws.com"
	CostAlertsPrincipal = "costalerts.amazonaws.com"
	// CloudWatchPrincipal publishes the stack's alarms and EventsPrincipal
	// its EventBridge rules' events (failed pipelines): the alert topic is
	// the stack's one place for what needs a human.
	CloudWatchPrincipal = "cloudwatch.amazonaws.com"
	EventsPrincipal     = "events.amazonaws.com"
)

// TopicPublishers are the service principals that publish to the alert
// topic: the topic's key policy must grant each of them (for CloudWatch,
// kms:Decrypt and kms:GenerateDataKey*: CloudWatch user guide, "Amazon SNS
// topic encryption for alarm actions").
var TopicPublishers = []string{BudgetsPrincipal, CloudWatchPrincipal, CostAlertsPrincipal, EventsPrincipal}

// TagFilter selects resources by one tag.
type TagFilter struct {
	Key, Value string
}

// AnomalyArgs configures Cost Anomaly Detection.
type AnomalyArgs struct {
	// Monitor is MonitorStack, MonitorServices, MonitorExisting or MonitorNone (required).
	Monitor string
	// MonitorARN is the monitor MonitorExisting subscribes to.
	MonitorARN string
	// ThresholdUSD is the total impact an anomaly must reach to alert
	// (required unless Monitor is MonitorNone).
	ThresholdUSD float64
	// Frequency is DAILY or WEEKLY (email) or IMMEDIATE (the alert topic)
	// (required unless Monitor is MonitorNone).
	Frequency string
}

// BudgetActionArgs configures the opt-in budget action.
type BudgetActionArgs struct {
	// RoleNames are IAM roles of the account that get the deny-new-compute
	// policy (required, at least one).
	RoleNames []string
	// ThresholdPercent of the budget, in actual spend, triggers the action
	// (required, above 0).
	ThresholdPercent float64
	// DependsOn are resources the action waits for: the roles it names
	// when the stack creates them. Defaults to none.
	DependsOn []pulumi.Resource
}

// GovernanceArgs configures a stack's cost governance.
type GovernanceArgs struct {
	// Name prefixes the physical names (budgets, topic, monitor, roles) and
	// must be unique in the account: project and stack (required).
	Name string
	// Budgets are the budgets and who they alert (spec.Budgets, as config
	// produces them; ActualAlertPercent 0 defaults to 80,
	// ForecastAlertPercent 0 to 100).
	spec.Budgets
	// BedrockBillingServices are the Cost Explorer SERVICE values the
	// Bedrock budget counts besides "Amazon Bedrock": the Marketplace
	// products of the third-party models the stack uses
	// (catalog.BedrockModel.BillingService). The Bedrock budget takes no
	// tag filter: on-demand model calls carry no tags, so a tag filter
	// would hide nearly all of it (catalog.BedrockBillingSource). Defaults
	// to none.
	BedrockBillingServices []string
	// Filter, when set, scopes budgets (and the stack monitor) to
	// resources carrying the tag; nil tracks the whole account.
	Filter *TagFilter
	// Anomaly configures anomaly detection (required).
	Anomaly AnomalyArgs
	// TopicKMSKeyARN encrypts the alert topic; its key policy must grant
	// TopicPublishers (required).
	TopicKMSKeyARN pulumi.StringInput
	// ActivateCostAllocationTagKeys are tag keys to activate as cost
	// allocation tags. Defaults to none.
	ActivateCostAllocationTagKeys []string
	// BudgetAction, when set, adds the deny-new-compute action. Defaults to none.
	BudgetAction *BudgetActionArgs
	// Partition, Region and AccountID place the ARNs the policies name (required).
	awsarn.Account
	// Tags are applied to every taggable resource (required: the stack's tags).
	Tags map[string]string
}

// Governance is the stack's cost governance.
type Governance struct {
	pulumi.ResourceState

	Topic *sns.Topic
	// TopicPolicy admits the publishers: whatever publishes waits for it.
	TopicPolicy *sns.TopicPolicy
	// Budget is the stack's monthly budget.
	Budget *budgets.Budget
	// ServiceBudgets by catalog budget service key.
	ServiceBudgets map[string]*budgets.Budget
	// Monitor and Subscription are nil when Anomaly.Monitor is MonitorNone.
	Monitor      *costexplorer.AnomalyMonitor
	Subscription *costexplorer.AnomalySubscription
	// Action is nil unless BudgetAction is set.
	Action *budgets.BudgetAction
	// TopicARN is the alert topic's ARN, for integrations to subscribe to.
	TopicARN pulumi.StringOutput
}

// namePattern keeps physical names valid for every resource that carries
// one (SNS topics and IAM names are the strictest: letters, digits, - and _).
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

func (a *GovernanceArgs) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if !namePattern.MatchString(a.Name) {
		add("Name: %q must be 1-40 letters, digits, - or _", a.Name)
	}
	if a.Filter != nil && (a.Filter.Key == "" || a.Filter.Value == "") {
		add("Filter: key and value are required")
	}
	switch a.Anomaly.Monitor {
	case MonitorNone:
	case MonitorStack, MonitorServices, MonitorExisting:
		if a.Anomaly.Monitor == MonitorExisting && !strings.Contains(a.Anomaly.MonitorARN, ":anomalymonitor/") {
			add("Anomaly.MonitorARN: %q is not an anomaly monitor ARN", a.Anomaly.MonitorARN)
		}
		if a.Anomaly.Monitor == MonitorStack && a.Filter == nil {
			add("Anomaly.Monitor: %q needs Filter (the tag it monitors)", MonitorStack)
		}
		if a.Anomaly.ThresholdUSD <= 0 {
			add("Anomaly.ThresholdUSD: %g must be above 0", a.Anomaly.ThresholdUSD)
		}
		if !slices.Contains(catalog.AnomalyFrequencies, a.Anomaly.Frequency) {
			add("Anomaly.Frequency: %q; allowed: %v", a.Anomaly.Frequency, catalog.AnomalyFrequencies)
		} else if !catalog.AnomalyFrequencyUsesSNS(a.Anomaly.Frequency) {
			switch n := len(a.AlertEmails); {
			case n == 0:
				add("Anomaly.Frequency: %s alerts go by email and AlertEmails is empty", a.Anomaly.Frequency)
			case n > catalog.AnomalySubscriptionEmailsMax:
				add("AlertEmails: an anomaly subscription takes at most %d addresses", catalog.AnomalySubscriptionEmailsMax)
			}
		}
	default:
		add("Anomaly.Monitor: %q; allowed: %s, %s, %s, %s", a.Anomaly.Monitor, MonitorExisting, MonitorNone, MonitorServices, MonitorStack)
	}
	if a.TopicKMSKeyARN == nil {
		add("TopicKMSKeyARN: required (the alert topic is encrypted)")
	}
	if b := a.BudgetAction; b != nil {
		if len(b.RoleNames) == 0 {
			add("BudgetAction.RoleNames: at least one role is required")
		}
		if b.ThresholdPercent <= 0 {
			add("BudgetAction.ThresholdPercent: %g must be above 0", b.ThresholdPercent)
		}
		if n := len(a.AlertEmails) + 1; n > catalog.BudgetActionSubscribersMax {
			add("BudgetAction: %d subscribers (AlertEmails and the topic); a budget action takes at most %d", n, catalog.BudgetActionSubscribersMax)
		}
	}
	if a.Partition == "" || a.Region == "" || a.AccountID == "" {
		add("Partition, Region, AccountID: required")
	}
	return errors.Join(errs...)
}

// NewGovernance creates the stack's cost governance.
func NewGovernance(ctx *pulumi.Context, name string, args *GovernanceArgs, opts ...pulumi.ResourceOption) (*Governance, error) {
	if args == nil {
		return nil, errors.New("cost governance: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("cost governance %q: %w", name, err)
	}
	a := *args
	if a.ActualAlertPercent == 0 {
		a.ActualAlertPercent = 80
	}
	if a.ForecastAlertPercent == 0 {
		a.ForecastAlertPercent = 100
	}

	g := &Governance{ServiceBudgets: map[string]*budgets.Budget{}}
	if err := ctx.RegisterComponentResource("ml-platform:cost:Governance", name, g, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(g)
	tag := func(kv ...string) pulumi.StringMap { return tags.With(a.Tags, kv...) }

	topicName := a.Name + "-cost-alerts"
	topicARN := TopicARN(a.Account, topicName)
	var err error
	g.Topic, err = sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		Name:           pulumi.String(topicName),
		KmsMasterKeyId: a.TopicKMSKeyARN,
		Tags:           tag("Name", topicName),
	}, parent)
	if err != nil {
		return nil, err
	}
	g.TopicARN = g.Topic.Arn
	g.TopicPolicy, err = sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{
		Arn:    g.Topic.Arn,
		Policy: pulumi.String(TopicPolicy(a.Account, topicARN).JSON()),
	}, parent)
	if err != nil {
		return nil, err
	}
	// Budgets and Cost Anomaly Detection publish only once the topic
	// policy lets them.
	afterPolicy := pulumi.DependsOn([]pulumi.Resource{g.TopicPolicy})

	var filters budgets.BudgetCostFilterArray
	if a.Filter != nil {
		filters = append(filters, budgets.BudgetCostFilterArgs{
			Name:   pulumi.String("TagKeyValue"),
			Values: pulumi.StringArray{pulumi.String(TagKeyValue(a.Filter.Key, a.Filter.Value))},
		})
	}
	notifications := func() budgets.BudgetNotificationArray {
		notify := func(kind string, percent float64) budgets.BudgetNotificationArgs {
			n := budgets.BudgetNotificationArgs{
				ComparisonOperator:     pulumi.String("GREATER_THAN"),
				NotificationType:       pulumi.String(kind),
				Threshold:              pulumi.Float64(percent),
				ThresholdType:          pulumi.String("PERCENTAGE"),
				SubscriberSnsTopicArns: pulumi.StringArray{g.Topic.Arn},
			}
			if len(a.AlertEmails) > 0 {
				n.SubscriberEmailAddresses = pulumi.ToStringArray(a.AlertEmails)
			}
			return n
		}
		return budgets.BudgetNotificationArray{notify("ACTUAL", a.ActualAlertPercent), notify("FORECASTED", a.ForecastAlertPercent)}
	}
	budgetName := a.Name + "-monthly"
	g.Budget, err = budgets.NewBudget(ctx, name+"-monthly", &budgets.BudgetArgs{
		Name:          pulumi.String(budgetName),
		BudgetType:    pulumi.String("COST"),
		TimeUnit:      pulumi.String("MONTHLY"),
		LimitAmount:   pulumi.String(usd(a.MonthlyBudgetUSD)),
		LimitUnit:     pulumi.String("USD"),
		CostFilters:   filters,
		Notifications: notifications(),
		Tags:          tag("Name", budgetName),
	}, parent, afterPolicy)
	if err != nil {
		return nil, err
	}
	for _, key := range slices.Sorted(maps.Keys(a.ServiceBudgetsUSD)) {
		svc, _ := catalog.LookupBudgetService(key)
		names := []string{svc.CostExplorerName}
		scope := filters
		if key == "bedrock" {
			for _, s := range a.BedrockBillingServices {
				if !slices.Contains(names, s) {
					names = append(names, s)
				}
			}
			scope = nil
		}
		svcFilters := append(budgets.BudgetCostFilterArray{budgets.BudgetCostFilterArgs{
			Name: pulumi.String("Service"), Values: pulumi.ToStringArray(names),
		}}, scope...)
		n := a.Name + "-" + key
		g.ServiceBudgets[key], err = budgets.NewBudget(ctx, name+"-"+key, &budgets.BudgetArgs{
			Name:          pulumi.String(n),
			BudgetType:    pulumi.String("COST"),
			TimeUnit:      pulumi.String("MONTHLY"),
			LimitAmount:   pulumi.String(usd(a.ServiceBudgetsUSD[key])),
			LimitUnit:     pulumi.String("USD"),
			CostFilters:   svcFilters,
			Notifications: notifications(),
			Tags:          tag("Name", n),
		}, parent, afterPolicy)
		if err != nil {
			return nil, err
		}
	}

	if a.Anomaly.Monitor != MonitorNone {
		monitorArgs := &costexplorer.AnomalyMonitorArgs{
			Name: pulumi.String(a.Name),
			Tags: tag("Name", a.Name),
		}
		if a.Anomaly.Monitor == MonitorStack {
			monitorArgs.MonitorType = pulumi.String("CUSTOM")
			monitorArgs.MonitorSpecification = pulumi.String(TagMonitorSpecification(a.Filter.Key, a.Filter.Value))
		} else {
			monitorArgs.MonitorType = pulumi.String("DIMENSIONAL")
			monitorArgs.MonitorDimension = pulumi.String("SERVICE")
		}
		monitorARN := pulumi.String(a.Anomaly.MonitorARN).ToStringOutput()
		if a.Anomaly.Monitor != MonitorExisting {
			g.Monitor, err = costexplorer.NewAnomalyMonitor(ctx, name+"-anomalies", monitorArgs, parent)
			if err != nil {
				return nil, err
			}
			monitorARN = g.Monitor.Arn
		}
		var subscribers costexplorer.AnomalySubscriptionSubscriberArray
		if catalog.AnomalyFrequencyUsesSNS(a.Anomaly.Frequency) {
			subscribers = append(subscribers, costexplorer.AnomalySubscriptionSubscriberArgs{Type: pulumi.String("SNS"), Address: g.Topic.Arn})
		} else {
			for _, addr := range a.AlertEmails {
				subscribers = append(subscribers, costexplorer.AnomalySubscriptionSubscriberArgs{Type: pulumi.String("EMAIL"), Address: pulumi.String(addr)})
			}
		}
		g.Subscription, err = costexplorer.NewAnomalySubscription(ctx, name+"-anomalies", &costexplorer.AnomalySubscriptionArgs{
			Name:            pulumi.String(a.Name),
			Frequency:       pulumi.String(a.Anomaly.Frequency),
			MonitorArnLists: pulumi.StringArray{monitorARN},
			Subscribers:     subscribers,
			ThresholdExpression: costexplorer.AnomalySubscriptionThresholdExpressionArgs{
				Dimension: costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs{
					Key:          pulumi.String("ANOMALY_TOTAL_IMPACT_ABSOLUTE"),
					MatchOptions: pulumi.StringArray{pulumi.String("GREATER_THAN_OR_EQUAL")},
					Values:       pulumi.StringArray{pulumi.String(strconv.FormatFloat(a.Anomaly.ThresholdUSD, 'f', -1, 64))},
				},
			},
			Tags: tag("Name", a.Name),
		}, parent, afterPolicy)
		if err != nil {
			return nil, err
		}
	}

	for _, key := range a.ActivateCostAllocationTagKeys {
		// The activation belongs to the account: other stacks rely on it.
		if _, err := costexplorer.NewCostAllocationTag(ctx, name+"-tag-"+key, &costexplorer.CostAllocationTagArgs{
			TagKey: pulumi.String(key),
			Status: pulumi.String("Active"),
		}, parent, pulumi.RetainOnDelete(true)); err != nil {
			return nil, err
		}
	}

	if b := a.BudgetAction; b != nil {
		if g.Action, err = g.budgetAction(ctx, name, &a, b, budgetName, parent, afterPolicy); err != nil {
			return nil, err
		}
	}

	if err := ctx.RegisterResourceOutputs(g, pulumi.Map{"topicArn": g.Topic.Arn, "budgetName": g.Budget.Name}); err != nil {
		return nil, err
	}
	return g, nil
}

// budgetAction creates the deny policy, the role Budgets assumes to attach
// it, and the action.
func (g *Governance) budgetAction(ctx *pulumi.Context, name string, a *GovernanceArgs, b *BudgetActionArgs, budgetName string,
	parent, afterPolicy pulumi.ResourceOption) (*budgets.BudgetAction, error) {
	policyName := a.Name + "-deny-new-compute"
	deny, err := iam.NewPolicy(ctx, name+"-deny-new-compute", &iam.PolicyArgs{
		Name:        pulumi.String(policyName),
		Description: pulumi.String("Attached by the " + budgetName + " budget action: denies launching new compute"),
		Policy:      pulumi.String(DenyNewComputePolicy().JSON()),
		Tags:        tags.With(a.Tags, "Name", policyName),
	}, parent)
	if err != nil {
		return nil, err
	}
	roleName := a.Name + "-budget-action"
	role, err := iam.NewRole(ctx, name+"-budget-action", &iam.RoleArgs{
		Name:             pulumi.String(roleName),
		Description:      pulumi.String("Assumed by AWS Budgets to run the " + budgetName + " budget action"),
		AssumeRolePolicy: pulumi.String(BudgetsTrustPolicy(a.Account, budgetName).JSON()),
		Tags:             tags.With(a.Tags, "Name", roleName),
	}, parent)
	if err != nil {
		return nil, err
	}
	policyARN := a.Policy(policyName)
	rolePolicy, err := iam.NewRolePolicy(ctx, name+"-budget-action", &iam.RolePolicyArgs{
		Role:   role.ID(),
		Policy: pulumi.String(ActionExecutionPolicy(a.Account, policyARN, b.RoleNames).JSON()),
	}, parent, pulumi.DependsOn([]pulumi.Resource{deny}))
	if err != nil {
		return nil, err
	}
	subscribers := budgets.BudgetActionSubscriberArray{budgets.BudgetActionSubscriberArgs{
		SubscriptionType: pulumi.String("SNS"), Address: g.Topic.Arn,
	}}
	for _, addr := range a.AlertEmails {
		subscribers = append(subscribers, budgets.BudgetActionSubscriberArgs{SubscriptionType: pulumi.String("EMAIL"), Address: pulumi.String(addr)})
	}
	deps := append([]pulumi.Resource{rolePolicy}, b.DependsOn...)
	return budgets.NewBudgetAction(ctx, name+"-deny-new-compute", &budgets.BudgetActionArgs{
		BudgetName:       g.Budget.Name,
		ActionType:       pulumi.String("APPLY_IAM_POLICY"),
		ApprovalModel:    pulumi.String("AUTOMATIC"),
		NotificationType: pulumi.String("ACTUAL"),
		ActionThreshold: budgets.BudgetActionActionThresholdArgs{
			ActionThresholdType:  pulumi.String("PERCENTAGE"),
			ActionThresholdValue: pulumi.Float64(b.ThresholdPercent),
		},
		Definition: budgets.BudgetActionDefinitionArgs{
			IamActionDefinition: budgets.BudgetActionDefinitionIamActionDefinitionArgs{
				PolicyArn: deny.Arn,
				Roles:     pulumi.ToStringArray(b.RoleNames),
			},
		},
		ExecutionRoleArn: role.Arn,
		Subscribers:      subscribers,
		Tags:             tags.With(a.Tags, "Name", policyName),
	}, parent, afterPolicy, pulumi.DependsOn(deps))
}

// TopicARN is the alert topic's ARN, known before the topic exists.
func TopicARN(a awsarn.Account, topicName string) string {
	return a.ARN("sns", ""+topicName)
}

// TagKeyValue is a budget TagKeyValue filter value: "user:<key>$<value>"
// (user-defined cost allocation tags carry the user: prefix in billing).
func TagKeyValue(key, value string) string { return "user:" + key + "$" + value }

// TopicPolicy lets AWS Budgets (for budgets of this account), Cost
// Anomaly Detection (for this account), CloudWatch alarms and EventBridge
// rules of this account and region publish to the alert topic, and refuses
// publishing without TLS. Same-account principals need no grant here:
// their IAM policies decide.
func TopicPolicy(a awsarn.Account, topicARN string) iamdoc.Document {
	account := a.AccountID
	publish := []string{"SNS:Publish"}
	return iamdoc.New(
		iamdoc.Statement{
			Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{CloudWatchPrincipal}},
			Action: publish, Resource: []string{topicARN},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:SourceAccount": {account}},
				"ArnLike":      {"aws:SourceArn": {a.ARN("cloudwatch", "alarm:*")}},
			},
		},
		iamdoc.Statement{
			Sid: "EventBridgeRulesPublish", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{EventsPrincipal}},
			Action: publish, Resource: []string{topicARN},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:SourceAccount": {account}},
				"ArnLike":      {"aws:SourceArn": {a.ARN("events", "rule/*")}},
			},
		},
		iamdoc.Statement{
			Sid: "AWSBudgetsPublish", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{BudgetsPrincipal}},
			Action: publish, Resource: []string{topicARN},
			Condition: iamdoc.Condition{
				"StringEquals": {"aws:SourceAccount": {account}},
				"ArnLike":      {"aws:SourceArn": {a.Global("budgets", "*")}},
			},
		},
		iamdoc.Statement{
			Sid: "CostAnomalyDetectionPublish", Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{CostAlertsPrincipal}},
			Action: publish, Resource: []string{topicARN},
			Condition: iamdoc.Condition{"StringEquals": {"aws:SourceAccount": {account}}},
		},
		iamdoc.Statement{
			Sid: "DenyPublishWithoutTLS", Effect: "Deny", Principal: &iamdoc.Principal{AWS: []string{"*"}},
			Action: publish, Resource: []string{topicARN},
			Condition: iamdoc.Condition{"Bool": {"aws:SecureTransport": {"false"}}},
		},
	)
}

// monitorSpecification is a Cost Explorer expression over one tag, with
// every field the API returns spelled out, so the provider sees no drift.
type monitorSpecification struct {
	And            []any    `json:"And"`
	CostCategories any      `json:"CostCategories"`
	Dimensions     any      `json:"Dimensions"`
	Not            any      `json:"Not"`
	Or             []any    `json:"Or"`
	Tags           tagValue `json:"Tags"`
}

type tagValue struct {
	Key          string   `json:"Key"`
	MatchOptions []string `json:"MatchOptions"`
	Values       []string `json:"Values"`
}

// TagMonitorSpecification is the anomaly monitor's expression: the spend
// of resources whose tag key equals value.
func TagMonitorSpecification(key, value string) string {
	out, err := json.Marshal(monitorSpecification{Tags: tagValue{Key: key, MatchOptions: []string{"EQUALS"}, Values: []string{value}}})
	if err != nil {
		panic(fmt.Sprintf("cost: %v", err))
	}
	return string(out)
}

// denyNewCompute are the actions that start new billable capacity. Running
// instances, endpoints and jobs are untouched: a budget action cannot stop
// them (see the package comment).
var denyNewCompute = []string{
	"bedrock:CreateModelCustomizationJob",
	"bedrock:CreateProvisionedModelThroughput",
	"ec2:CreateFleet",
	"ec2:RequestSpotFleet",
	"ec2:RequestSpotInstances",
	"ec2:RunInstances",
	"ec2:StartInstances",
	"sagemaker:CreateEndpoint",
	"sagemaker:CreateHyperParameterTuningJob",
	"sagemaker:CreateNotebookInstance",
	"sagemaker:CreateProcessingJob",
	"sagemaker:CreateTrainingJob",
	"sagemaker:CreateTransformJob",
	"sagemaker:StartNotebookInstance",
	"sagemaker:UpdateEndpoint",
}

// DenyNewComputePolicy is the policy the budget action attaches.
func DenyNewComputePolicy() iamdoc.Document {
	return iamdoc.New(iamdoc.Statement{Sid: "DenyNewCompute", Effect: "Deny", Action: slices.Clone(denyNewCompute), Resource: []string{"*"}})
}

// BudgetsTrustPolicy lets AWS Budgets assume the execution role for the
// stack's budget only: aws:SourceArn is the budget (the Cost Management
// guide's confused-deputy example allows budget/*) or one of its actions
// (catalog.BudgetsConfusedDeputySource).
func BudgetsTrustPolicy(a awsarn.Account, budgetName string) iamdoc.Document {
	partition, account := a.Partition, a.AccountID
	return iamdoc.New(iamdoc.Statement{
		Effect: "Allow", Principal: &iamdoc.Principal{Service: []string{BudgetsPrincipal}},
		Action: []string{"sts:AssumeRole"},
		Condition: iamdoc.Condition{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": catalog.BudgetsSourceARNs(partition, account, budgetName)},
		},
	})
}

// ActionExecutionPolicy lets the execution role attach and detach exactly
// the deny policy, on exactly the named roles.
func ActionExecutionPolicy(a awsarn.Account, policyARN string, roleNames []string) iamdoc.Document {
	roles := make([]string, len(roleNames))
	for i, r := range roleNames {
		roles[i] = a.Role(r)
	}
	sort.Strings(roles)
	return iamdoc.New(iamdoc.Statement{
		Sid: "AttachDenyPolicy", Effect: "Allow",
		Action:    []string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"},
		Resource:  roles,
		Condition: iamdoc.Condition{"ArnEquals": {"iam:PolicyARN": {policyARN}}},
	})
}

func usd(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
