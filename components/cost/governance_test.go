package cost_test

import (
	"encoding/json"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cost"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
	"github.com/ml-platform/ml-platform/spec"
)

const keyARN = "arn:aws:kms:us-east-1:123456789012:key/alerts"

// args is a valid stack-scoped configuration; tests override fields.
func args() *cost.GovernanceArgs {
	return &cost.GovernanceArgs{
		Name:           "ml-platform-test",
		Budgets:        spec.Budgets{MonthlyBudgetUSD: 2500, AlertEmails: []string{"finops@corp.internal", "ml-lead@corp.internal"}},
		Filter:         &cost.TagFilter{Key: "Stack", Value: "ml-platform-test"},
		Anomaly:        cost.AnomalyArgs{Monitor: cost.MonitorStack, ThresholdUSD: 100, Frequency: "DAILY"},
		TopicKMSKeyARN: pulumi.String(keyARN),
		Account:        awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID},
		Tags:           map[string]string{"Project": "ml-platform", "Stack": "ml-platform-test"},
	}
}

func build(t *testing.T, a *cost.GovernanceArgs) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	err := rec.Run(func(ctx *pulumi.Context) error {
		_, err := cost.NewGovernance(ctx, "cost", a)
		return err
	}, nil)
	return rec, err
}

func notifications(t *testing.T, r *mock.Registered) map[string]resource.PropertyMap {
	t.Helper()
	out := map[string]resource.PropertyMap{}
	for _, n := range r.Inputs["notifications"].ArrayValue() {
		m := n.ObjectValue()
		out[m["notificationType"].StringValue()] = m
	}
	return out
}

func filters(r *mock.Registered) map[string][]string {
	out := map[string][]string{}
	if v, ok := r.Inputs["costFilters"]; ok {
		for _, f := range v.ArrayValue() {
			m := f.ObjectValue()
			out[m["name"].StringValue()] = mock.Strings(m, "values")
		}
	}
	return out
}

func TestBudgetNotificationsAndFilters(t *testing.T) {
	a := args()
	a.ServiceBudgetsUSD = map[string]float64{"sagemaker": 800, "ec2": 1200}
	rec, err := build(t, a)
	require.NoError(t, err)

	topic := rec.ByType("aws:sns/topic:Topic")
	require.Len(t, topic, 1)
	require.Equal(t, keyARN, mock.String(topic[0].Inputs, "kmsMasterKeyId"), "the alert topic is encrypted with the given key")
	topicARN := mock.String(topic[0].Outputs, "arn")

	all := rec.ByType("aws:budgets/budget:Budget")
	require.Len(t, all, 3, "the monthly budget and one per configured service")
	budgets := map[string]*mock.Registered{}
	for _, b := range all {
		budgets[mock.String(b.Inputs, "name")] = b
		require.Equal(t, "COST", mock.String(b.Inputs, "budgetType"))
		require.Equal(t, "MONTHLY", mock.String(b.Inputs, "timeUnit"))
		require.Equal(t, "USD", mock.String(b.Inputs, "limitUnit"))
		n := notifications(t, b)
		require.Len(t, n, 2)
		require.Equal(t, 80.0, n["ACTUAL"]["threshold"].NumberValue())
		require.Equal(t, 100.0, n["FORECASTED"]["threshold"].NumberValue())
		for _, kind := range []string{"ACTUAL", "FORECASTED"} {
			require.Equal(t, "PERCENTAGE", n[kind]["thresholdType"].StringValue())
			require.Equal(t, "GREATER_THAN", n[kind]["comparisonOperator"].StringValue())
			require.Equal(t, a.AlertEmails, mock.Strings(n[kind], "subscriberEmailAddresses"))
			require.Equal(t, []string{topicARN}, mock.Strings(n[kind], "subscriberSnsTopicArns"))
		}
		require.Contains(t, b.Dependencies, rec.ByType("aws:sns/topicPolicy:TopicPolicy")[0].URN,
			"budgets publish only once the topic policy lets them")
	}
	monthly := budgets["ml-platform-test-monthly"]
	require.NotNil(t, monthly)
	require.Equal(t, "2500.00", mock.String(monthly.Inputs, "limitAmount"))
	require.Equal(t, map[string][]string{"TagKeyValue": {"user:Stack$ml-platform-test"}}, filters(monthly))

	sm := budgets["ml-platform-test-sagemaker"]
	require.NotNil(t, sm)
	require.Equal(t, "800.00", mock.String(sm.Inputs, "limitAmount"))
	require.Equal(t, map[string][]string{"Service": {"Amazon SageMaker"}, "TagKeyValue": {"user:Stack$ml-platform-test"}}, filters(sm),
		"a service budget is the service AND the stack (filters of different names are ANDed)")
	ec2 := budgets["ml-platform-test-ec2"]
	require.Equal(t, []string{"Amazon Elastic Compute Cloud - Compute"}, filters(ec2)["Service"])
}

func TestAccountScopeHasNoTagFilter(t *testing.T) {
	a := args()
	a.Filter = nil
	a.Anomaly.Monitor = cost.MonitorServices
	a.ActualAlertPercent, a.ForecastAlertPercent = 50, 120
	rec, err := build(t, a)
	require.NoError(t, err)
	b := rec.ByType("aws:budgets/budget:Budget")
	require.Len(t, b, 1)
	require.Empty(t, filters(b[0]))
	n := notifications(t, b[0])
	require.Equal(t, 50.0, n["ACTUAL"]["threshold"].NumberValue())
	require.Equal(t, 120.0, n["FORECASTED"]["threshold"].NumberValue())

	m := rec.ByType("aws:costexplorer/anomalyMonitor:AnomalyMonitor")
	require.Len(t, m, 1)
	require.Equal(t, "DIMENSIONAL", mock.String(m[0].Inputs, "monitorType"))
	require.Equal(t, "SERVICE", mock.String(m[0].Inputs, "monitorDimension"))
	require.Empty(t, mock.String(m[0].Inputs, "monitorSpecification"))
}

func TestAnomalyMonitorAndSubscription(t *testing.T) {
	for _, tc := range []struct {
		frequency string
		wantType  string
	}{{"DAILY", "EMAIL"}, {"WEEKLY", "EMAIL"}, {"IMMEDIATE", "SNS"}} {
		t.Run(tc.frequency, func(t *testing.T) {
			a := args()
			a.Anomaly.Frequency = tc.frequency
			a.Anomaly.ThresholdUSD = 250
			rec, err := build(t, a)
			require.NoError(t, err)
			monitors := rec.ByType("aws:costexplorer/anomalyMonitor:AnomalyMonitor")
			require.Len(t, monitors, 1)
			m := monitors[0]
			require.Equal(t, "CUSTOM", mock.String(m.Inputs, "monitorType"))
			var spec map[string]any
			require.NoError(t, json.Unmarshal([]byte(mock.String(m.Inputs, "monitorSpecification")), &spec))
			require.Equal(t, map[string]any{"Key": "Stack", "MatchOptions": []any{"EQUALS"}, "Values": []any{"ml-platform-test"}}, spec["Tags"])

			subs := rec.ByType("aws:costexplorer/anomalySubscription:AnomalySubscription")
			require.Len(t, subs, 1)
			s := subs[0]
			require.Equal(t, tc.frequency, mock.String(s.Inputs, "frequency"))
			require.Equal(t, []string{mock.String(m.Outputs, "arn")}, mock.Strings(s.Inputs, "monitorArnLists"))
			var addrs []string
			for _, sub := range s.Inputs["subscribers"].ArrayValue() {
				require.Equal(t, tc.wantType, sub.ObjectValue()["type"].StringValue(), "%s alerts go by %s only", tc.frequency, tc.wantType)
				addrs = append(addrs, sub.ObjectValue()["address"].StringValue())
			}
			if tc.wantType == "SNS" {
				require.Equal(t, []string{mock.String(rec.ByType("aws:sns/topic:Topic")[0].Outputs, "arn")}, addrs)
			} else {
				require.Equal(t, a.AlertEmails, addrs)
			}
			dim := mock.Object(mock.Object(s.Inputs, "thresholdExpression"), "dimension")
			require.Equal(t, "ANOMALY_TOTAL_IMPACT_ABSOLUTE", mock.String(dim, "key"))
			require.Equal(t, []string{"GREATER_THAN_OR_EQUAL"}, mock.Strings(dim, "matchOptions"))
			require.Equal(t, []string{"250"}, mock.Strings(dim, "values"))
		})
	}
}

// TestTopicOnly: without addresses every alert goes to the topic.
func TestTopicOnly(t *testing.T) {
	a := args()
	a.AlertEmails = nil
	a.Anomaly.Frequency = "IMMEDIATE"
	rec, err := build(t, a)
	require.NoError(t, err)
	topic := mock.String(rec.ByType("aws:sns/topic:Topic")[0].Outputs, "arn")
	for kind, n := range notifications(t, rec.ByType("aws:budgets/budget:Budget")[0]) {
		require.Empty(t, mock.Strings(n, "subscriberEmailAddresses"), kind)
		require.Equal(t, []string{topic}, mock.Strings(n, "subscriberSnsTopicArns"), kind)
	}
}

func TestNoMonitor(t *testing.T) {
	a := args()
	a.Anomaly = cost.AnomalyArgs{Monitor: cost.MonitorNone}
	rec, err := build(t, a)
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:costexplorer/anomalyMonitor:AnomalyMonitor"))
	require.Empty(t, rec.ByType("aws:costexplorer/anomalySubscription:AnomalySubscription"))
	require.Len(t, rec.ByType("aws:budgets/budget:Budget"), 1)
}

// TestExistingMonitor: an account has one AWS-services monitor; a stack
// beside the one that owns it subscribes to it instead of creating a
// second (CreateAnomalyMonitor refuses).
func TestExistingMonitor(t *testing.T) {
	const arn = "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-1234-5678-9abc-def012345678"
	a := args()
	a.Anomaly.Monitor = cost.MonitorExisting
	a.Anomaly.MonitorARN = arn
	rec, err := build(t, a)
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:costexplorer/anomalyMonitor:AnomalyMonitor"))
	subs := rec.ByType("aws:costexplorer/anomalySubscription:AnomalySubscription")
	require.Len(t, subs, 1)
	require.Equal(t, []string{arn}, mock.Strings(subs[0].Inputs, "monitorArnLists"))
}

func TestTopicPolicy(t *testing.T) {
	rec, err := build(t, args())
	require.NoError(t, err)
	policies := rec.ByType("aws:sns/topicPolicy:TopicPolicy")
	require.Len(t, policies, 1)
	topicARN := cost.TopicARN(awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, "ml-platform-test-cost-alerts")
	require.Equal(t, topicARN, mock.String(rec.ByType("aws:sns/topic:Topic")[0].Outputs, "arn"), "the ARN the policy names is the topic's")
	got := mock.String(policies[0].Inputs, "policy")
	golden.AssertJSON(t, "topic-policy.json", got)
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(got), &doc))
	published := map[string]bool{}
	for _, st := range doc.Statement {
		require.Equal(t, []string{topicARN}, st.Resource)
		if st.Effect == "Allow" {
			published[st.Principal.Service[0]] = true
			require.Equal(t, []string{mock.AccountID}, st.Condition["StringEquals"]["aws:SourceAccount"], "confused-deputy guard")
		}
	}
	for _, svc := range cost.TopicPublishers {
		require.True(t, published[svc], "%s may publish", svc)
	}
}

func TestCostAllocationTags(t *testing.T) {
	a := args()
	a.ActivateCostAllocationTagKeys = []string{"Project", "Stack"}
	rec, err := build(t, a)
	require.NoError(t, err)
	tags := rec.ByType("aws:costexplorer/costAllocationTag:CostAllocationTag")
	require.Len(t, tags, 2)
	for i, key := range a.ActivateCostAllocationTagKeys {
		require.Equal(t, key, mock.String(tags[i].Inputs, "tagKey"))
		require.Equal(t, "Active", mock.String(tags[i].Inputs, "status"))
		require.True(t, tags[i].RetainOnDelete, "activation belongs to the account")
	}

	rec, err = build(t, args())
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:costexplorer/costAllocationTag:CostAllocationTag"), "activation is opt-in")
}

func TestBudgetAction(t *testing.T) {
	a := args()
	a.BudgetAction = &cost.BudgetActionArgs{RoleNames: []string{"ml-researchers", "ml-platform-test-karpenter-controller"}, ThresholdPercent: 100}
	rec, err := build(t, a)
	require.NoError(t, err)

	actions := rec.ByType("aws:budgets/budgetAction:BudgetAction")
	require.Len(t, actions, 1)
	act := actions[0]
	require.Equal(t, "APPLY_IAM_POLICY", mock.String(act.Inputs, "actionType"))
	require.Equal(t, "AUTOMATIC", mock.String(act.Inputs, "approvalModel"))
	require.Equal(t, "ACTUAL", mock.String(act.Inputs, "notificationType"))
	require.Equal(t, "ml-platform-test-monthly", mock.String(act.Inputs, "budgetName"))
	def := mock.Object(mock.Object(act.Inputs, "definition"), "iamActionDefinition")
	require.ElementsMatch(t, a.BudgetAction.RoleNames, mock.Strings(def, "roles"))
	deny := rec.ByType("aws:iam/policy:Policy")
	require.Len(t, deny, 1)
	require.Equal(t, mock.String(deny[0].Outputs, "arn"), mock.String(def, "policyArn"))
	require.Len(t, act.Inputs["subscribers"].ArrayValue(), len(a.AlertEmails)+1)

	var denyDoc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(deny[0].Inputs, "policy")), &denyDoc))
	require.Len(t, denyDoc.Statement, 1)
	require.Equal(t, "Deny", denyDoc.Statement[0].Effect)
	require.Contains(t, denyDoc.Statement[0].Action, "ec2:CreateFleet", "Karpenter launches through CreateFleet")
	require.Contains(t, denyDoc.Statement[0].Action, "sagemaker:CreateTrainingJob")

	role := rec.ByType("aws:iam/role:Role")
	require.Len(t, role, 1)
	golden.AssertJSON(t, "budget-action-trust.json", mock.String(role[0].Inputs, "assumeRolePolicy"))
	rp := rec.ByType("aws:iam/rolePolicy:RolePolicy")
	require.Len(t, rp, 1)
	golden.AssertJSON(t, "budget-action-execution.json", mock.String(rp[0].Inputs, "policy"))
	var exec iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(rp[0].Inputs, "policy")), &exec))
	require.Equal(t, []string{mock.String(deny[0].Outputs, "arn")}, exec.Statement[0].Condition["ArnEquals"]["iam:PolicyARN"],
		"the role attaches only the deny policy (its ARN is known before it exists)")
	require.Contains(t, act.Dependencies, rp[0].URN, "the role can act before the action exists")
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*cost.GovernanceArgs)
		want   string
	}{
		{"bad name", func(a *cost.GovernanceArgs) { a.Name = "has spaces" }, `Name: "has spaces" must be 1-40 letters`},
		{"email alerts without emails", func(a *cost.GovernanceArgs) { a.AlertEmails = nil }, "Anomaly.Frequency: DAILY alerts go by email and AlertEmails is empty"},
		{"stack monitor without filter", func(a *cost.GovernanceArgs) { a.Filter = nil }, `Anomaly.Monitor: "stack" needs Filter`},
		{"bad frequency", func(a *cost.GovernanceArgs) { a.Anomaly.Frequency = "HOURLY" }, `Anomaly.Frequency: "HOURLY"`},
		{"bad monitor", func(a *cost.GovernanceArgs) { a.Anomaly.Monitor = "tags" }, `Anomaly.Monitor: "tags"`},
		{"existing without ARN", func(a *cost.GovernanceArgs) { a.Anomaly.Monitor = cost.MonitorExisting }, `Anomaly.MonitorARN: "" is not an anomaly monitor ARN`},
		{"no key", func(a *cost.GovernanceArgs) { a.TopicKMSKeyARN = nil }, "TopicKMSKeyARN: required"},
		{"action without roles", func(a *cost.GovernanceArgs) { a.BudgetAction = &cost.BudgetActionArgs{ThresholdPercent: 100} }, "BudgetAction.RoleNames: at least one role"},
		{"no account", func(a *cost.GovernanceArgs) { a.AccountID = "" }, "Partition, Region, AccountID: required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := args()
			tt.mutate(a)
			rec, err := build(t, a)
			require.ErrorContains(t, err, tt.want)
			require.Empty(t, rec.Resources(), "nothing is registered before the args are valid")
		})
	}
}

func TestCatalogServicesHaveNames(t *testing.T) {
	for _, s := range catalog.BudgetServices() {
		require.NotEmpty(t, s.CostExplorerName, s.Key)
	}
}

// TestBedrockBudgetSeesWhatBedrockBills: Anthropic's models bill under
// their Marketplace products, and on-demand model calls carry no tags: the
// Bedrock budget counts Amazon Bedrock and the stack's model products,
// without the Stack tag filter the other service budgets keep.
func TestBedrockBudgetSeesWhatBedrockBills(t *testing.T) {
	a := args()
	a.ServiceBudgetsUSD = map[string]float64{"bedrock": 500, "sagemaker": 800}
	a.BedrockBillingServices = []string{"Claude Sonnet 4 (Amazon Bedrock Edition)", "Amazon Bedrock"}
	rec, err := build(t, a)
	require.NoError(t, err)
	br := rec.ByName("aws:budgets/budget:Budget", "cost-bedrock")
	require.Equal(t, map[string][]string{"Service": {"Amazon Bedrock", "Claude Sonnet 4 (Amazon Bedrock Edition)"}}, filters(br),
		"each service once; no tag filter: untagged calls would be invisible")
	sm := rec.ByName("aws:budgets/budget:Budget", "cost-sagemaker")
	require.Contains(t, filters(sm), "TagKeyValue", "other service budgets stay per stack")
}
