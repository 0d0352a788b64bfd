package offline

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/costexplorer"
	cetypes "github.com/aws/aws-sdk-go-v2/service/costexplorer/types"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/conventions"
)

// CostExplorer is the part of the Cost Explorer client the actual-spend
// command calls; tests answer it with a stub.
type CostExplorer interface {
	GetCostAndUsage(ctx context.Context, in *costexplorer.GetCostAndUsageInput, opts ...func(*costexplorer.Options)) (*costexplorer.GetCostAndUsageOutput, error)
}

// NewCostExplorer is the real client, with credentials from the usual AWS
// chain (environment, shared config and SSO, the instance or task role).
// Cost Explorer answers in us-east-1 whatever the stack's region.
func NewCostExplorer(ctx context.Context) (CostExplorer, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion("us-east-1"))
	if err != nil {
		return nil, fmt.Errorf("AWS credentials: %w", err)
	}
	return costexplorer.NewFromConfig(cfg), nil
}

const costUsage = `usage:
  cost actual --stack NAME [--days N] [--scope stack|account] [--dir DIR] [--json] [--reference ORG/PROJECT/STACK=FILE]
  cost actual --config FILE [--stack NAME] [...]

Reads the stack's spend over the last N days (default 30) from Cost Explorer,
grouped by service, scales it to a month and prints it beside the stack's
estimate with the difference. --scope stack (the budgets' default) counts
resources tagged Stack=<project>-<stack>, which must be an active cost
allocation tag; account counts the whole account. Needs ce:GetCostAndUsage;
each request costs $0.01.
`

// ActualSpend is the comparison the command prints.
type ActualSpend struct {
	Stack string `json:"stack"`
	// Start and End bound the period read, End excluded (YYYY-MM-DD).
	Start string `json:"start"`
	End   string `json:"end"`
	Days  int    `json:"days"`
	// Scope is "stack" (the Stack tag) or "account".
	Scope string `json:"scope"`
	// Tag is the cost allocation tag filter with scope stack.
	Tag      string          `json:"tag,omitempty"`
	Services []ServiceSpend  `json:"services"`
	Total    ServiceSpend    `json:"total"`
	Requests int             `json:"requests"`
	Notes    []string        `json:"notes"`
	Estimate []UnmatchedItem `json:"unmatchedEstimate,omitempty"`
}

// ServiceSpend is one Cost Explorer service's actual and estimated spend.
type ServiceSpend struct {
	Service string `json:"service"`
	// ActualUSD is the spend over the period; ActualMonthlyUSD scales it to
	// a month (catalog.HoursPerMonth).
	ActualUSD        float64 `json:"actualUSD"`
	ActualMonthlyUSD float64 `json:"actualMonthlyUSD"`
	// EstimateMonthlyUSD is the stack's estimate for the service.
	EstimateMonthlyUSD float64 `json:"estimateMonthlyUSD"`
	// DifferenceUSD is actual minus estimate, a month.
	DifferenceUSD float64 `json:"differenceUSD"`
}

// UnmatchedItem is an estimate item whose resource type the catalog does
// not map to a Cost Explorer service.
type UnmatchedItem struct {
	Type       string  `json:"type"`
	MonthlyUSD float64 `json:"monthlyUSD"`
}

// CostMain runs `cost` with the given arguments; newClient makes the Cost
// Explorer client (NewCostExplorer, or a stub in tests); now is today.
func CostMain(args []string, stdout, stderr io.Writer, newClient func(context.Context) (CostExplorer, error), now time.Time) int {
	if len(args) == 0 || args[0] != "actual" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprint(stdout, costUsage)
			return exitClean
		}
		fmt.Fprint(stderr, costUsage)
		return exitBadInput
	}
	fs := flag.NewFlagSet("actual", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStackFlags(fs)
	days := fs.Int("days", 30, "how many days back to read, ending yesterday (1 to 365)")
	scope := fs.String("scope", "", "stack (the Stack tag) or account; defaults to the stack's ml-platform:cost.budgetScope")
	if !sf.parse("actual", fs, args[1:], stderr) {
		return exitBadInput
	}
	if *days < 1 || *days > catalog.CostExplorerMaxDailyDays {
		fmt.Fprintf(stderr, "--days %d; allowed: 1 to %d\n", *days, catalog.CostExplorerMaxDailyDays)
		return exitBadInput
	}
	if *scope != "" && *scope != string(config.BudgetScopeStack) && *scope != string(config.BudgetScopeAccount) {
		fmt.Fprintf(stderr, "--scope %q; allowed: %q, %q\n", *scope, config.BudgetScopeStack, config.BudgetScopeAccount)
		return exitBadInput
	}
	res, _, code := previewStack(sf.input(), *sf.dir, sf.refs, stderr)
	if code != exitClean {
		return code
	}
	if *scope == "" {
		*scope = string(res.Config.Cost.Scope)
	}
	ctx := context.Background()
	client, err := newClient(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitEngine
	}
	spend, err := actualSpend(ctx, client, res, *scope, *days, now)
	if err != nil {
		fmt.Fprintf(stderr, "Cost Explorer: %v\n", err)
		return exitEngine
	}
	if *sf.asJSON {
		return writeJSON(stdout, stderr, spend)
	}
	spend.writeText(stdout)
	return exitClean
}

// unblendedCost is the metric GetCostAndUsage takes and answers by this
// name (its Metrics parameter; the SDK's Metric enum, UNBLENDED_COST, is
// the forecast API's spelling).
const unblendedCost = "UnblendedCost"

// actualSpend reads the period's spend by service and sets it beside the
// estimate.
func actualSpend(ctx context.Context, client CostExplorer, res *Result, scope string, days int, now time.Time) (*ActualSpend, error) {
	end := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -days)
	out := &ActualSpend{Stack: res.Config.StackTag(), Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly), Days: days, Scope: scope}
	in := &costexplorer.GetCostAndUsageInput{
		TimePeriod:  &cetypes.DateInterval{Start: aws.String(out.Start), End: aws.String(out.End)},
		Granularity: cetypes.GranularityDaily,
		Metrics:     []string{unblendedCost},
		GroupBy:     []cetypes.GroupDefinition{{Type: cetypes.GroupDefinitionTypeDimension, Key: aws.String(string(cetypes.DimensionService))}},
	}
	if scope == string(config.BudgetScopeStack) {
		out.Tag = conventions.TagStack + "=" + res.Config.StackTag()
		in.Filter = &cetypes.Expression{Tags: &cetypes.TagValues{Key: aws.String(conventions.TagStack),
			Values: []string{res.Config.StackTag()}, MatchOptions: []cetypes.MatchOption{cetypes.MatchOptionEquals}}}
	}
	actual := map[string]float64{}
	for {
		page, err := client.GetCostAndUsage(ctx, in)
		if err != nil {
			return nil, err
		}
		out.Requests++
		for _, period := range page.ResultsByTime {
			for _, g := range period.Groups {
				if len(g.Keys) == 0 {
					continue
				}
				m, ok := g.Metrics[unblendedCost]
				if !ok || m.Amount == nil {
					continue
				}
				usd, err := strconv.ParseFloat(*m.Amount, 64)
				if err != nil {
					return nil, fmt.Errorf("amount %q for %s: %w", *m.Amount, g.Keys[0], err)
				}
				actual[g.Keys[0]] += usd
			}
		}
		if page.NextPageToken == nil || *page.NextPageToken == "" {
			break
		}
		in.NextPageToken = page.NextPageToken
	}

	estimated := map[string]float64{}
	unmatched := map[string]float64{}
	for _, item := range res.Cost.Items {
		if svc := catalog.CostExplorerServiceOf(item.Type); svc != "" {
			estimated[svc] += item.MonthlyUSD
		} else if item.MonthlyUSD > 0 {
			unmatched[item.Type] += item.MonthlyUSD
		}
	}
	scale := catalog.HoursPerMonth / 24 / float64(days)
	services := slices.Sorted(maps.Keys(actual))
	for svc := range estimated {
		if _, ok := actual[svc]; !ok {
			services = append(services, svc)
		}
	}
	slices.Sort(services)
	for _, svc := range services {
		s := ServiceSpend{Service: svc, ActualUSD: round2(actual[svc]), ActualMonthlyUSD: round2(actual[svc] * scale),
			EstimateMonthlyUSD: round2(estimated[svc])}
		s.DifferenceUSD = round2(s.ActualMonthlyUSD - s.EstimateMonthlyUSD)
		out.Services = append(out.Services, s)
		out.Total.ActualUSD += actual[svc]
		out.Total.EstimateMonthlyUSD += estimated[svc]
	}
	out.Total.Service = "Total"
	out.Total.ActualMonthlyUSD = round2(out.Total.ActualUSD * scale)
	out.Total.ActualUSD = round2(out.Total.ActualUSD)
	out.Total.EstimateMonthlyUSD = round2(out.Total.EstimateMonthlyUSD)
	out.Total.DifferenceUSD = round2(out.Total.ActualMonthlyUSD - out.Total.EstimateMonthlyUSD)
	for _, t := range slices.Sorted(maps.Keys(unmatched)) {
		out.Estimate = append(out.Estimate, UnmatchedItem{Type: t, MonthlyUSD: round2(unmatched[t])})
	}

	out.Notes = append(out.Notes, fmt.Sprintf("Cost Explorer's data lags by up to a day and the period ends yesterday; %d request(s), $%.2f each.",
		out.Requests, catalog.CostExplorerRequestUSD))
	out.Notes = append(out.Notes, "The estimate prices fixed monthly charges and spot at the catalog's discount; requests, "+
		"data transfer, GB processed and usage it was not told to expect (ml-platform:cost.expectedUsage) show only in the actual spend.")
	if scope == string(config.BudgetScopeStack) {
		out.Notes = append(out.Notes, "Scope stack counts what carries the Stack tag, once it is an active cost allocation tag "+
			"(ml-platform:cost.activateCostAllocationTags): untagged spend, such as on-demand Bedrock model calls, is left out; "+
			"--scope account counts the whole account.")
	}
	return out, nil
}

func (a *ActualSpend) writeText(w io.Writer) {
	filter := "the whole account"
	if a.Tag != "" {
		filter = "tag " + a.Tag
	}
	fmt.Fprintf(w, "Stack %s: actual spend %s to %s (%d days, %s) beside the estimate, a month\n\n", a.Stack, a.Start, a.End, a.Days, filter)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Service\tActual, %d days\tActual, a month\tEstimate, a month\tDifference\t\n", a.Days)
	for _, s := range append(slices.Clone(a.Services), a.Total) {
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%s\t\n", s.Service, s.ActualUSD, s.ActualMonthlyUSD, s.EstimateMonthlyUSD, difference(s))
	}
	_ = tw.Flush()
	if len(a.Estimate) > 0 {
		fmt.Fprintln(w, "\nEstimated, but not mapped to a Cost Explorer service (catalog.CostExplorerServiceOf):")
		for _, u := range a.Estimate {
			fmt.Fprintf(w, "  %s: %.2f a month\n", u.Type, u.MonthlyUSD)
		}
	}
	fmt.Fprintln(w)
	for _, n := range a.Notes {
		fmt.Fprintln(w, "- "+n)
	}
}

// difference renders actual minus estimate with its share of the estimate.
func difference(s ServiceSpend) string {
	d := fmt.Sprintf("%+.2f", s.DifferenceUSD)
	if s.EstimateMonthlyUSD > 0 {
		d += fmt.Sprintf(" (%+.0f%%)", 100*s.DifferenceUSD/s.EstimateMonthlyUSD)
	} else if s.ActualMonthlyUSD > 0 {
		d += " (not estimated)"
	}
	return strings.TrimSpace(d)
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
