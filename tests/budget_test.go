package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// previewWithKey previews a shipped stack with one config object changed.
func previewWithKey(t *testing.T, stack, key string, change func(map[string]any)) *offline.Result {
	t.Helper()
	project, values := shipped(t, stack)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(values[key]), &v))
	change(v)
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	values[key] = string(raw)
	refs := map[string]map[string]any(nil)
	if stack == "prod" {
		refs = devReference(t)
	}
	res, err := offline.Preview(offline.Options{Project: project, Stack: stack, Values: values, Dir: root, References: refs})
	require.NoError(t, err)
	return res
}

func worstCaseFindings(res *offline.Result) []rules.Violation {
	var out []rules.Violation
	for _, v := range res.Violations {
		if strings.HasPrefix(v.Policy, "budgets-worst-case-within-budget") {
			out = append(out, v)
		}
	}
	return out
}

// TestWorstCaseWithinBudget: what the pools and node groups can spend
// during the day the budget cannot see stays within the monthly budget in
// both shipped stacks; Karpenter's default limits in dev (the $489,847 a
// month the issue found) outrun dev's $3,000 budget (advisory), and prod
// with a budget too small for its groups is refused (mandatory).
func TestWorstCaseWithinBudget(t *testing.T) {
	for _, stack := range stacks {
		res := preview(t, stack)
		require.Empty(t, worstCaseFindings(res), stack)
		hourly := res.Cost.CeilingUSDPerHour()
		require.Positive(t, hourly, stack)
		require.LessOrEqual(t, hourly*catalog.BudgetDataLagHours, res.Config.Cost.MonthlyBudgetUSD, stack)
		var pools, groups int
		for _, c := range res.Cost.Ceilings {
			switch {
			case strings.Contains(c.URN, "karpenter.sh/v1:NodePool"):
				pools++
			case strings.Contains(c.URN, "eks/nodeGroup:NodeGroup"):
				groups++
			}
		}
		require.Equal(t, len(byType(res, "kubernetes:karpenter.sh/v1:NodePool")), pools, "%s: every pool has a ceiling", stack)
		require.Positive(t, groups, stack)
	}

	defaults := previewWithKey(t, "dev", "ml-platform:cluster", func(c map[string]any) { delete(c, "karpenter") })
	found := worstCaseFindings(defaults)
	require.Len(t, found, 1)
	require.Equal(t, rules.Advisory, found[0].EnforcementLevel)
	require.Contains(t, found[0].Message, "of the $3000.00 monthly budget (at most 100%)")
	require.Contains(t, found[0].Message, "karpenter-gpu-training")

	small := previewWithKey(t, "prod", "ml-platform:cost", func(c map[string]any) {
		c["monthlyBudgetUsd"] = 15000
		delete(c, "serviceBudgetsUsd")
	})
	found = worstCaseFindings(small)
	require.Len(t, found, 1)
	require.Equal(t, "budgets-worst-case-within-budget-prod", found[0].Policy)
	require.Equal(t, rules.Mandatory, found[0].EnforcementLevel)
}

// TestReportShowsWorstCaseBesideBudget: the PR report lists each pool and
// node group with what it can spend over the billing lag and its share of
// the budget.
func TestReportShowsWorstCaseBesideBudget(t *testing.T) {
	code, out, errOut := cli(t, "report", "--dir", root, "--stack", "dev")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "Worst case before the budget sees it (24 h of billing lag")
	require.Contains(t, out, "of the $3000.00 monthly budget")
	require.Contains(t, out, "| karpenter-gpu-training | nvidia.com/gpu limit 8 as p5en.48xlarge, spot |")
	require.Contains(t, out, "| cluster-gpu-training | 4 more g5.12xlarge up to maxSize 4, spot |")
}

// TestProdBedrockBudgetCountsClaude: prod uses Claude Sonnet 4 through a
// cross-Region profile; its Marketplace product is in the Bedrock budget.
func TestProdBedrockBudgetCountsClaude(t *testing.T) {
	res := preview(t, "prod")
	var br *mock.Registered
	for _, b := range byType(res, "aws:budgets/budget:Budget") {
		if b.Name == "cost-bedrock" {
			br = b
		}
	}
	require.NotNil(t, br)
	f := mock.Array(br.Inputs, "costFilters")
	require.Len(t, f, 1, "the Service filter only")
	m, _, _ := catalog.LookupBedrockModel("us.anthropic.claude-sonnet-4-20250514-v1:0")
	require.Equal(t, []string{catalog.BedrockService, m.BillingService}, mock.Strings(f[0].ObjectValue(), "values"))
}

// TestProdP5InACapacityBlock: prod's p5 group moved into a Capacity Block
// plans without a mandatory finding, in the block's zone, without a
// placement group, and the estimate says the block is prepaid.
func TestProdP5InACapacityBlock(t *testing.T) {
	res := previewWithKey(t, "prod", "ml-platform:cluster", func(c map[string]any) {
		for _, g := range c["nodeGroups"].([]any) {
			if g := g.(map[string]any); g["name"] == "p5-training" {
				g["maxSize"] = 1
				g["capacityReservation"] = map[string]any{"id": "cr-0123456789abcdef0", "availabilityZone": "us-east-1a", "capacityBlock": true,
					"instances": 1, "usdPerHour": 31.5}
			}
		}
	})
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	var ng *mock.Registered
	for _, r := range byType(res, "aws:eks/nodeGroup:NodeGroup") {
		if r.Name == "cluster-p5-training" {
			ng = r
		}
	}
	require.Equal(t, "CAPACITY_BLOCK", str(ng.Inputs, "capacityType"))
	for _, pg := range byType(res, "aws:ec2/placementGroup:PlacementGroup") {
		require.NotContains(t, pg.Name, "p5", "the block decides placement")
	}
	priced := false
	for _, item := range res.Cost.Items {
		if strings.HasSuffix(item.URN, "::cluster-p5-training") && strings.Contains(item.Type, "nodeGroup") {
			require.Contains(t, item.Basis, "1 x p5.48xlarge in a Capacity Block for ML (prepaid at purchase) x 730 h x $31.500/h")
			priced = true
		}
	}
	require.True(t, priced, "the block is in the estimate")
}
