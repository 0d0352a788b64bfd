package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
)

// stubCE answers GetCostAndUsage from pages of (service, amount) per day,
// and records what it was asked.
type stubCE struct {
	pages [][]map[string]string
	asked []*costexplorer.GetCostAndUsageInput
	err   error
}

func (s *stubCE) GetCostAndUsage(_ context.Context, in *costexplorer.GetCostAndUsageInput, _ ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error) {
	copied := *in
	s.asked = append(s.asked, &copied)
	if s.err != nil {
		return nil, s.err
	}
	i := 0
	if in.NextPageToken != nil {
		i = int((*in.NextPageToken)[0] - '0')
	}
	out := &costexplorer.GetCostAndUsageOutput{}
	for _, day := range s.pages[i] {
		var r cetypes.ResultByTime
		for svc, amount := range day {
			r.Groups = append(r.Groups, cetypes.Group{Keys: []string{svc},
				Metrics: map[string]cetypes.MetricValue{"UnblendedCost": {Amount: aws.String(amount), Unit: aws.String("USD")}}})
		}
		out.ResultsByTime = append(out.ResultsByTime, r)
	}
	if i+1 < len(s.pages) {
		out.NextPageToken = aws.String(string(rune('0' + i + 1)))
	}
	return out, nil
}

func runCost(t *testing.T, ce *stubCE, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	now := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	code := offline.CostMain(args, &stdout, &stderr, func(context.Context) (offline.CostExplorer, error) { return ce, nil }, now)
	return code, stdout.String(), stderr.String()
}

// TestCostActual: the command reads every page of the stack's spend by
// service for the tag and the period, scales it to a month and sets it
// beside the estimate, service by service.
func TestCostActual(t *testing.T) {
	ce := &stubCE{pages: [][]map[string]string{
		{{catalog.CEServiceEC2Compute: "10.00", catalog.CEServiceEKS: "2.40"}, {catalog.CEServiceEC2Compute: "14.00"}},
		{{catalog.CEServiceEC2Compute: "6.00", "AWS Data Transfer": "1.5"}},
	}}
	code, out, stderr := runCost(t, ce, "actual", "--dir", root, "--stack", "dev", "--days", "10", "--json")
	require.Equal(t, 0, code, stderr)
	var spend offline.ActualSpend
	require.NoError(t, json.Unmarshal([]byte(out), &spend))

	require.Len(t, ce.asked, 2, "both pages are read")
	in := ce.asked[0]
	require.Equal(t, "2026-11-27", *in.TimePeriod.Start, "ten days ending yesterday")
	require.Equal(t, "2026-12-07", *in.TimePeriod.End, "the end is excluded")
	require.Equal(t, cetypes.GranularityDaily, in.Granularity)
	require.Equal(t, []string{"UnblendedCost"}, in.Metrics)
	require.Equal(t, "SERVICE", *in.GroupBy[0].Key)
	require.Equal(t, "Stack", *in.Filter.Tags.Key, "the budgets' scope: the stack's tag")
	require.Equal(t, []string{"ml-platform-dev"}, in.Filter.Tags.Values)
	require.Equal(t, "1", *ce.asked[1].NextPageToken)

	byService := map[string]offline.ServiceSpend{}
	for _, s := range spend.Services {
		byService[s.Service] = s
	}
	scale := catalog.HoursPerMonth / 24 / 10
	ec2 := byService[catalog.CEServiceEC2Compute]
	require.InDelta(t, 30.0, ec2.ActualUSD, 1e-9)
	require.InDelta(t, 30*scale, ec2.ActualMonthlyUSD, 0.01)
	require.Positive(t, ec2.EstimateMonthlyUSD, "dev's node groups are estimated under EC2 compute")
	require.InDelta(t, ec2.ActualMonthlyUSD-ec2.EstimateMonthlyUSD, ec2.DifferenceUSD, 0.01)
	require.InDelta(t, catalog.Prices.EKSClusterUSDPerHour*catalog.HoursPerMonth, byService[catalog.CEServiceEKS].EstimateMonthlyUSD, 0.01)
	transfer := byService["AWS Data Transfer"]
	require.InDelta(t, 1.5, transfer.ActualUSD, 1e-9)
	require.Zero(t, transfer.EstimateMonthlyUSD, "spend the estimate does not price shows on its own row")
	require.InDelta(t, 33.9, spend.Total.ActualUSD, 1e-9)
	require.Empty(t, spend.Estimate, "every priced resource type maps to a Cost Explorer service")
	require.Equal(t, 2, spend.Requests)

	// The text report says the same.
	code, text, stderr := runCost(t, &stubCE{pages: ce.pages}, "actual", "--dir", root, "--stack", "dev", "--days", "10")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, text, "Stack ml-platform-dev: actual spend 2026-11-27 to 2026-12-07 (10 days, tag Stack=ml-platform-dev)")
	require.Contains(t, text, "AWS Data Transfer")
	require.Contains(t, text, "(not estimated)")
}

// TestCostActualScopes: --scope account reads the whole account; prod,
// whose budgets track the stack, maps every priced resource too.
func TestCostActualScopes(t *testing.T) {
	ce := &stubCE{pages: [][]map[string]string{{{catalog.CEServiceS3: "1"}}}}
	code, out, stderr := runCost(t, ce, "actual", "--dir", root, "--stack", "prod", "--scope", "account", "--json")
	require.Equal(t, 0, code, stderr)
	require.Nil(t, ce.asked[0].Filter, "the whole account")
	var spend offline.ActualSpend
	require.NoError(t, json.Unmarshal([]byte(out), &spend))
	require.Equal(t, "account", spend.Scope)
	require.Empty(t, spend.Estimate, "every priced resource type of prod maps to a Cost Explorer service")
	require.Equal(t, 30, spend.Days)
}

// TestCostActualErrors: bad flags are refused before Cost Explorer is
// asked; its failure is the command's.
func TestCostActualErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"actual", "--dir", root, "--stack", "dev", "--days", "0"}, "--days 0; allowed: 1 to 365"},
		{[]string{"actual", "--dir", root, "--stack", "dev", "--scope", "org"}, `--scope "org"; allowed: "stack", "account"`},
		{[]string{"actual", "--dir", root}, "actual needs --stack NAME or --config FILE"},
		{[]string{"estimate"}, "cost actual --stack NAME"},
	} {
		ce := &stubCE{}
		code, _, stderr := runCost(t, ce, c.args...)
		require.Equal(t, 2, code, c.args)
		require.Contains(t, stderr, c.want)
		require.Empty(t, ce.asked, "nothing is read for bad input")
	}
	code, _, stderr := runCost(t, &stubCE{err: errors.New("AccessDeniedException: ce:GetCostAndUsage")}, "actual", "--dir", root, "--stack", "dev")
	require.Equal(t, 3, code)
	require.Contains(t, stderr, "Cost Explorer: AccessDeniedException")
}
