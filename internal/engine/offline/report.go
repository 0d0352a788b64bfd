package offline

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// ReportMarker starts every report, so a bot can find and replace its own
// pull request comment.
const ReportMarker = "<!-- ml-platform:offline-preview -->"

// DefaultReportBytes keeps a report under GitHub's comment limit (65,536
// characters) with room for the workflow's own lines.
const DefaultReportBytes = 60000

// Report is the Markdown summary of several previews and, optionally, the
// diff between two of them: the pull request comment.
type Report struct {
	Results []*Result
	Diff    *Diff
}

// Markdown renders the report within maxBytes (0: no limit). Lists are cut
// to fewer items until it fits, each cut saying how many it left out;
// past that the text is cut at a line with a note.
func (r *Report) Markdown(maxBytes int) string {
	for _, limit := range []int{-1, 50, 20, 10, 5, 0} {
		out := r.render(limit)
		if maxBytes <= 0 || len(out) <= maxBytes {
			return out
		}
	}
	out := r.render(0)
	note := "\n\n_Cut to fit a comment: the job summary has the full report._\n"
	cut := strings.LastIndex(out[:maxBytes-len(note)], "\n")
	if cut < 0 {
		cut = 0
	}
	return out[:cut] + note
}

func (r *Report) render(limit int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Offline preview\n\n", ReportMarker)
	b.WriteString("The real program under the offline engine, judged by the policy pack, with the monthly estimate (no credentials used).\n\n")
	b.WriteString("| Stack | Resources | Mandatory | Advisory | Monthly estimate | On-demand |\n|---|---:|---:|---:|---:|---:|\n")
	for _, res := range r.Results {
		m, a := counts(res.Violations)
		fmt.Fprintf(&b, "| `%s` | %d | %s | %d | $%.2f | $%.2f |\n", res.Stack, len(res.Resources), mark(m), a,
			res.Cost.MonthlyUSD, res.Cost.MonthlyUSD+res.Cost.SpotSavingsUSD)
	}
	for _, res := range r.Results {
		fmt.Fprintf(&b, "\n### `%s`\n\n", res.Stack)
		for _, ref := range res.References {
			fmt.Fprintf(&b, "Stack reference `%s` answered from the %s.\n\n", ref.Stack, ref.Source)
		}
		for _, level := range []rules.Level{rules.Mandatory, rules.Advisory} {
			var lines []string
			for _, v := range res.Violations {
				if v.EnforcementLevel == level {
					note := ""
					if v.ExceptedBy != "" {
						note = " excepted by " + v.ExceptedBy
					}
					lines = append(lines, fmt.Sprintf("- `%s`: %s (`%s`)%s", v.Policy, oneLine(v.Message), shortURN(v.URN), note))
				}
			}
			if len(lines) > 0 {
				fmt.Fprintf(&b, "**%s%s violations (%d)**\n\n%s\n", strings.ToUpper(string(level[:1])), level[1:], len(lines), list(lines, limit))
			}
		}
		if len(res.Warnings) > 0 {
			fmt.Fprintf(&b, "**Placeholders `pulumi up` refuses (%d)**\n\n%s\n", len(res.Warnings), list(bullets(res.Warnings), limit))
		}
		if len(res.Advisories) > 0 {
			fmt.Fprintf(&b, "**Configuration advisories (%d)**\n\n%s\n", len(res.Advisories), list(bullets(res.Advisories), limit))
		}
		costs := componentCosts(res)
		var rows []string
		for _, c := range slices.Sorted(maps.Keys(costs)) {
			if costs[c] > 0 {
				rows = append(rows, fmt.Sprintf("| %s | $%.2f |", c, costs[c]))
			}
		}
		if len(rows) > 0 && limit != 0 {
			fmt.Fprintf(&b, "<details><summary>Estimate by component: $%.2f a month</summary>\n\n| Component | Monthly |\n|---|---:|\n%s\n</details>\n\n",
				res.Cost.MonthlyUSD, strings.Join(rows, "\n"))
		}
		if res.Cost.WorstCaseUSD > 0 {
			fmt.Fprintf(&b, "Karpenter's pools filled to their limits would add $%.2f a month.\n", res.Cost.WorstCaseUSD)
		}
		if table := ceilingTable(res); table != "" {
			b.WriteString(table)
		}
	}
	if d := r.Diff; d != nil {
		fmt.Fprintf(&b, "\n### `%s` → `%s` (the promotion)\n\n", d.From, d.To)
		fmt.Fprintf(&b, "%d configuration difference(s); resources: %d added, %d removed, %d changed; estimate $%.2f → $%.2f (%+.2f); "+
			"%d new and %d resolved finding(s).\n\n", len(d.Config), len(d.Added), len(d.Removed), len(d.Changed),
			d.Cost.FromUSD, d.Cost.ToUSD, d.Cost.DeltaUSD, len(d.NewFindings), len(d.ResolvedFindings))
		if len(d.NewFindings) > 0 {
			var lines []string
			for _, f := range d.NewFindings {
				lines = append(lines, fmt.Sprintf("- [%s] `%s`: %s (`%s`)", f.Level, f.Policy, oneLine(f.Message), f.Resource))
			}
			fmt.Fprintf(&b, "**New findings in `%s`**\n\n%s\n", d.To, list(lines, limit))
		}
		if limit != 0 {
			var lines []string
			for _, e := range d.Added {
				lines = append(lines, "+ "+e.Key)
			}
			for _, e := range d.Removed {
				lines = append(lines, "- "+e.Key)
			}
			for _, c := range d.Changed {
				lines = append(lines, fmt.Sprintf("~ %s (%d input(s))", c.Key, len(c.Changes)))
			}
			if len(lines) > 0 {
				fmt.Fprintf(&b, "<details><summary>Resources that differ</summary>\n\n```\n%s\n```\n</details>\n", strings.Join(cut(lines, limit), "\n"))
			}
		}
	}
	b.WriteString("\nRun it yourself: `go run ./cmd/offline preview --stack <name>`; `go run ./cmd/offline diff --from dev --to prod`.\n")
	return b.String()
}

func counts(v []rules.Violation) (mandatory, advisory int) {
	for _, x := range v {
		switch {
		case x.ExceptedBy != "":
			// reported, counted as neither: it fails nothing
		case x.EnforcementLevel == rules.Mandatory:
			mandatory++
		default:
			advisory++
		}
	}
	return mandatory, advisory
}

// mark flags a non-zero mandatory count.
func mark(n int) string {
	if n > 0 {
		return fmt.Sprintf("**%d** ❌", n)
	}
	return "0"
}

func bullets(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "- " + oneLine(s)
	}
	return out
}

// list joins Markdown list lines, cut to limit items (-1: all).
func list(lines []string, limit int) string {
	return strings.Join(cut(lines, limit), "\n") + "\n"
}

func cut(lines []string, limit int) []string {
	if limit < 0 || len(lines) <= limit {
		return lines
	}
	return append(slices.Clone(lines[:limit]), fmt.Sprintf("- … and %d more (the job summary has them all)", len(lines)-limit))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func report(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var stacks stringList
	fs.Var(&stacks, "stack", "a stack to preview (repeatable; reads Pulumi.NAME.yaml)")
	diffPair := fs.String("diff", "", "FROM:TO: add the diff between two of the stacks")
	dir := fs.String("dir", ".", "project directory holding Pulumi.yaml")
	maxBytes := fs.Int("max-bytes", DefaultReportBytes, "cut the report to this size (a pull request comment)")
	full := fs.Bool("full", false, "no size limit (the job summary)")
	var refs referenceFlags
	fs.Var(&refs, "reference", "ORG/PROJECT/STACK=FILE: answer a stack reference from a file (repeatable)")
	if err := fs.Parse(args); err != nil {
		return exitBadInput
	}
	if len(stacks) == 0 {
		fmt.Fprintf(stderr, "report needs at least one --stack NAME\n%s", usage)
		return exitBadInput
	}
	rep := &Report{}
	values := map[string]map[string]string{}
	for _, name := range stacks {
		res, v, code := previewStack(stackInput{name: name}, *dir, refs, stderr)
		if code != exitClean {
			return code
		}
		rep.Results = append(rep.Results, res)
		values[name] = v
	}
	if *diffPair != "" {
		from, to, ok := strings.Cut(*diffPair, ":")
		ia := slices.Index(stacks, from)
		ib := slices.Index(stacks, to)
		if !ok || ia < 0 || ib < 0 {
			fmt.Fprintf(stderr, "--diff %q: want FROM:TO, two of the --stack names\n", *diffPair)
			return exitBadInput
		}
		rep.Diff = DiffStacks(rep.Results[ia], rep.Results[ib], values[from], values[to], true)
	}
	limit := *maxBytes
	if *full {
		limit = 0
	}
	fmt.Fprint(stdout, rep.Markdown(limit))
	for _, res := range rep.Results {
		if rules.HasMandatory(res.Violations) {
			return exitMandatory
		}
	}
	return exitClean
}

// stringList collects a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// ceilingTable shows what each pool and node group can spend before the
// budget sees it, beside the budget.
func ceilingTable(res *Result) string {
	if len(res.Cost.Ceilings) == 0 || res.Config == nil {
		return ""
	}
	budget := res.Config.Cost.MonthlyBudgetUSD
	lag := float64(catalog.BudgetDataLagHours)
	var b strings.Builder
	hourly := res.Cost.CeilingUSDPerHour()
	fmt.Fprintf(&b, "\nWorst case before the budget sees it (%.0f h of billing lag, catalog.BudgetDataLagSource): $%.2f, %.0f%% of the "+
		"$%.2f monthly budget.\n\n| Pool or node group | Bound | Per hour | Over %.0f h | Of budget |\n|---|---|---:|---:|---:|\n",
		lag, hourly*lag, 100*hourly*lag/budget, budget, lag)
	for _, c := range res.Cost.Ceilings {
		name := c.URN[strings.LastIndex(c.URN, "::")+2:]
		fmt.Fprintf(&b, "| %s | %s | $%.2f | $%.2f | %.0f%% |\n", name, c.Basis, c.HourlyUSD, c.HourlyUSD*lag, 100*c.HourlyUSD*lag/budget)
	}
	return b.String()
}
