package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/conventions"
)

func TestCostDefaults(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	c := s.Cost
	require.Equal(t, 1000.0, c.MonthlyBudgetUSD)
	require.Equal(t, []string{"finops@corp.internal"}, c.AlertEmails)
	require.Equal(t, 80.0, c.ActualAlertPercent)
	require.Equal(t, 100.0, c.ForecastAlertPercent)
	require.Equal(t, BudgetScopeStack, c.Scope)
	// Dev leaves the account's one AWS-services monitor to prod; prod
	// creates it (a member account may; a tag monitor needs the
	// management account).
	require.Equal(t, Anomaly{Monitor: AnomalyMonitorNone, ThresholdUSD: 100, Frequency: "DAILY"}, c.Anomaly)
	prod, err := Parse("ml-platform", "prod", base())
	require.NoError(t, err)
	require.Equal(t, AnomalyMonitorServices, prod.Cost.Anomaly.Monitor)
	require.False(t, c.ActivateCostAllocationTags, "activation fails before the tags have been seen, so it is opt-in")
	require.Nil(t, c.BudgetAction, "budget actions are opt-in")
	require.Empty(t, s.Placeholders)
}

// TestCostWithoutEmails: addresses are optional; alerts then go to the
// topic only, anomaly alerts included.
func TestCostWithoutEmails(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyCost, costObj(map[string]any{"alertEmails": nil})))
	require.NoError(t, err)
	require.Empty(t, s.Cost.AlertEmails)
	require.Equal(t, "IMMEDIATE", s.Cost.Anomaly.Frequency)
}

func TestCostSettings(t *testing.T) {
	s, err := Parse("ml-platform", "dev", with(base(), KeyCost, costObj(map[string]any{
		"actualAlertPercent": 50, "forecastAlertPercent": 90, "budgetScope": "account",
		"serviceBudgetsUsd":          map[string]float64{"sagemaker": 400, "ec2": 500},
		"anomaly":                    map[string]any{"monitor": "services", "thresholdUsd": 25, "frequency": "IMMEDIATE"},
		"activateCostAllocationTags": true,
		"budgetAction":               map[string]any{"roleNames": []string{"ml-researchers"}, "thresholdPercent": 110},
		"expectedUsage":              map[string]any{"s3Gb": map[string]float64{"STANDARD": 100, "GLACIER_IR": 5000}, "logsGbPerMonth": 12},
	})))
	require.NoError(t, err)
	c := s.Cost
	require.Equal(t, ExpectedUsage{S3GB: map[string]float64{"STANDARD": 100, "GLACIER_IR": 5000}, LogsGBPerMonth: 12}, c.ExpectedUsage)
	require.Equal(t, 50.0, c.ActualAlertPercent)
	require.Equal(t, 90.0, c.ForecastAlertPercent)
	require.Equal(t, BudgetScopeAccount, c.Scope)
	require.Equal(t, map[string]float64{"sagemaker": 400, "ec2": 500}, c.ServiceBudgetsUSD)
	require.Equal(t, Anomaly{Monitor: AnomalyMonitorServices, ThresholdUSD: 25, Frequency: "IMMEDIATE"}, c.Anomaly)
	require.True(t, c.ActivateCostAllocationTags)
	require.Equal(t, &BudgetAction{RoleNames: []string{"ml-researchers"}, ThresholdPercent: 110}, c.BudgetAction)
}

func TestCostErrors(t *testing.T) {
	tooMany := make([]string, 11)
	for i := range tooMany {
		tooMany[i] = "a" + strings.Repeat("b", i) + "@corp.internal"
	}
	tests := []struct {
		name  string
		stack string
		cost  string
		want  string
	}{
		{"cost absent", "dev", "<delete>", "ml-platform:cost.monthlyBudgetUsd: required: the stack's monthly cost budget in USD"},
		{"no budget", "dev", costObj(map[string]any{"monthlyBudgetUsd": nil}), "ml-platform:cost.monthlyBudgetUsd: required"},
		{"negative budget", "dev", costObj(map[string]any{"monthlyBudgetUsd": -5}), "ml-platform:cost.monthlyBudgetUsd: -5 is not a budget; allowed: a positive amount in USD"},
		{"email frequency without emails", "prod", costObj(map[string]any{"alertEmails": []string{}, "anomaly": map[string]any{"frequency": "WEEKLY"}}),
			`ml-platform:cost.anomaly.frequency: WEEKLY alerts go by email and alertEmails is empty; allowed: "IMMEDIATE"`},
		{"too many emails", "dev", costObj(map[string]any{"alertEmails": tooMany}), "ml-platform:cost.alertEmails: 11 addresses; a budget notification takes at most 10"},
		{"bad email", "dev", costObj(map[string]any{"alertEmails": []string{"finops"}}), `ml-platform:cost.alertEmails[0]: "finops" is not an email address`},
		{"duplicate email", "dev", costObj(map[string]any{"alertEmails": []string{"a@corp.internal", "A@corp.internal"}}), `ml-platform:cost.alertEmails[1]: "A@corp.internal" is listed twice`},
		{"bad percent", "dev", costObj(map[string]any{"actualAlertPercent": 0}), "ml-platform:cost.actualAlertPercent: 0 is not a threshold"},
		{"unknown service", "dev", costObj(map[string]any{"serviceBudgetsUsd": map[string]float64{"s3": 10}}), "ml-platform:cost.serviceBudgetsUsd.s3: unknown service; allowed: bedrock, ec2, sagemaker"},
		{"service above stack", "dev", costObj(map[string]any{"serviceBudgetsUsd": map[string]float64{"ec2": 5000}}), "ml-platform:cost.serviceBudgetsUsd.ec2: 5000 is above the stack's monthly budget 1000"},
		{"bad scope", "dev", costObj(map[string]any{"budgetScope": "org"}), `ml-platform:cost.budgetScope: "org" is not a scope; allowed: "account", "stack"`},
		{"bad monitor", "dev", costObj(map[string]any{"anomaly": map[string]any{"monitor": "tags"}}), `ml-platform:cost.anomaly.monitor: "tags" is not a monitor; allowed: "existing", "none", "services", "stack"`},
		{"existing without ARN", "prod", costObj(map[string]any{"anomaly": map[string]any{"monitor": "existing"}}),
			`ml-platform:cost.anomaly.monitorArn: "" is not an anomaly monitor ARN (arn:aws:ce::<account>:anomalymonitor/<id>)`},
		{"existing with a budget ARN", "prod", costObj(map[string]any{"anomaly": map[string]any{"monitor": "existing", "monitorArn": "arn:aws:budgets::123456789012:budget/x"}}),
			`ml-platform:cost.anomaly.monitorArn: "arn:aws:budgets::123456789012:budget/x" is not an anomaly monitor ARN`},
		{"ARN without existing", "prod", costObj(map[string]any{"anomaly": map[string]any{"monitorArn": "arn:aws:ce::123456789012:anomalymonitor/0a1b2c3d-1234-5678-9abc-def012345678"}}),
			`ml-platform:cost.anomaly.monitorArn: applies to monitor "existing" only`},
		{"bad frequency", "dev", costObj(map[string]any{"anomaly": map[string]any{"frequency": "HOURLY"}}), `ml-platform:cost.anomaly.frequency: "HOURLY" is not a frequency; allowed: "DAILY", "IMMEDIATE", "WEEKLY"`},
		{"bad threshold", "dev", costObj(map[string]any{"anomaly": map[string]any{"thresholdUsd": 0}}), "ml-platform:cost.anomaly.thresholdUsd: 0 is not a threshold"},
		{"unknown key", "dev", costObj(map[string]any{"budget": 5}), "ml-platform:cost.budget: unknown key"},
		{"unknown storage class", "dev", costObj(map[string]any{"expectedUsage": map[string]any{"s3Gb": map[string]float64{"COLD": 5}}}),
			"ml-platform:cost.expectedUsage.s3Gb.COLD: unknown storage class; allowed: DEEP_ARCHIVE, GLACIER, GLACIER_IR, INTELLIGENT_TIERING, STANDARD, STANDARD_IA"},
		{"negative logs", "dev", costObj(map[string]any{"expectedUsage": map[string]any{"logsGbPerMonth": -1}}),
			"ml-platform:cost.expectedUsage.logsGbPerMonth: -1; allowed: 0 or more GB"},
		{"action in prod", "prod", costObj(map[string]any{"budgetAction": map[string]any{"roleNames": []string{"r"}}}), "ml-platform:cost.budgetAction: not allowed in prod"},
		{"action bad role", "dev", costObj(map[string]any{"budgetAction": map[string]any{"roleNames": []string{"no spaces"}}}), `ml-platform:cost.budgetAction.roleNames[0]: "no spaces" is not an IAM role name`},
		{"action without roles or Karpenter", "dev", costObj(map[string]any{"budgetAction": map[string]any{}}), "ml-platform:cost.budgetAction.roleNames: required when Karpenter is off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := with(base(), KeyCost, tt.cost)
			if tt.name == "action without roles or Karpenter" {
				values[KeyCluster] = clusterObj(map[string]any{"karpenter": map[string]any{"enabled": false}})
			}
			_, err := Parse("ml-platform", tt.stack, values)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestCostBudgetActionWithKarpenter: with Karpenter on, the action needs no
// listed roles (the controller role gets the policy).
func TestCostBudgetActionWithKarpenter(t *testing.T) {
	s, err := Parse("ml-platform", "dev", with(base(), KeyCost, costObj(map[string]any{"budgetAction": map[string]any{}})))
	require.NoError(t, err)
	require.True(t, s.Cluster.Karpenter.Enabled)
	require.Equal(t, &BudgetAction{ThresholdPercent: 100}, s.Cost.BudgetAction)
}

// TestCostExampleAddressesArePlaceholders: an address at an RFC 2606
// domain validates (the shipped stack files use one) but is a placeholder.
func TestCostExampleAddressesArePlaceholders(t *testing.T) {
	s, err := Parse("ml-platform", "prod", with(base(), KeyCost, costObj(map[string]any{
		"alertEmails": []string{"finops@corp.internal", "ml-alerts@example.com", "x@team.test"}})))
	require.NoError(t, err)
	var keys []string
	for _, ph := range s.Placeholders {
		keys = append(keys, ph.Key)
	}
	require.Equal(t, []string{"ml-platform:cost.alertEmails[1]", "ml-platform:cost.alertEmails[2]"}, keys)
	require.Contains(t, s.Placeholders[0].Message, "reserved example domain (RFC 2606)")
}

func TestStackTag(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Equal(t, "ml-platform-dev", s.Tags()[conventions.TagStack])
	_, err = Parse("ml-platform", "dev", with(base(), KeyTags, obj(map[string]string{"Stack": "other"})))
	require.ErrorContains(t, err, "ml-platform:tags.Stack: is set by the platform and cannot be overridden")
}
