package offline

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// WriteJSON prints the result as one indented JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText prints the plan as people read it: the resource tree grouped by
// component, counts by type, the policy verdicts and the cost estimate.
func (r *Result) WriteText(w io.Writer) {
	fmt.Fprintf(w, "Offline preview of stack %q (project %s): %d resources to create\n\n", r.Stack, r.Project, len(r.Resources))
	if len(r.Warnings) > 0 {
		fmt.Fprintf(w, "Warnings (`pulumi up` refuses these until they are set):\n")
		for _, warning := range r.Warnings {
			fmt.Fprintf(w, "  %s\n", warning)
		}
		fmt.Fprintln(w)
	}
	for _, ref := range r.References {
		fmt.Fprintf(w, "Stack reference %s answered from the %s\n\n", ref.Stack, ref.Source)
	}
	if len(r.Advisories) > 0 {
		fmt.Fprintf(w, "Advisories (the plan is valid; these settings look wrong):\n")
		for _, a := range r.Advisories {
			fmt.Fprintf(w, "  %s\n", a)
		}
		fmt.Fprintln(w)
	}
	children := map[string][]Resource{}
	for _, res := range r.Resources {
		children[res.Parent] = append(children[res.Parent], res)
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := children[parent]
		sort.Slice(kids, func(i, j int) bool {
			if kids[i].Type != kids[j].Type {
				return kids[i].Type < kids[j].Type
			}
			return kids[i].Name < kids[j].Name
		})
		for _, k := range kids {
			mark := ""
			if k.Protect {
				mark = "  [protected]"
			}
			op := "+"
			if k.Import != "" {
				op, mark = "=", mark+"  [import "+k.Import+"]"
			}
			fmt.Fprintf(w, "%s%s %s  %s%s\n", indent, op, k.Type, k.Name, mark)
			walk(k.URN, indent+"    ")
		}
	}
	walk("", "  ")

	counts := map[string]int{}
	for _, res := range r.Resources {
		counts[res.Type]++
	}
	types := make([]string, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Fprintf(w, "\nResources by type:\n")
	for _, t := range types {
		fmt.Fprintf(w, "  %4d  %s\n", counts[t], t)
	}

	if len(r.Compliance.Rules) > 0 {
		fmt.Fprintf(w, "\nCompliance profile %s: these rules are mandatory (policies/README.md maps each to its controls):\n  %s\n",
			r.Compliance.Profile, strings.Join(r.Compliance.Rules, ", "))
	}
	WriteViolations(w, r.Violations)
	writeUnseen(w, r.Resources)

	writeCost(w, r.Cost)

	if len(r.Outputs) > 0 {
		fmt.Fprintf(w, "\nOutputs:\n")
		keys := make([]string, 0, len(r.Outputs))
		for k := range r.Outputs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, _ := json.Marshal(r.Outputs[k])
			fmt.Fprintf(w, "  %s: %s\n", k, v)
		}
	}
}

// writeUnseen says which resources the offline engine could not judge: the
// children that providers create inside remote components exist only
// under the Pulumi CLI, where the pack judges them.
func writeUnseen(w io.Writer, resources []Resource) {
	var remote []Resource
	for _, res := range resources {
		if res.Remote {
			remote = append(remote, res)
		}
	}
	if len(remote) == 0 {
		return
	}
	fmt.Fprintf(w, "\nNot judged offline: %d remote component(s) whose children their provider creates;\n", len(remote))
	fmt.Fprintf(w, "`pulumi preview --policy-pack policies` judges those children (the components reach the pack with empty inputs):\n")
	for _, res := range remote {
		fmt.Fprintf(w, "  %s  %s\n", res.Type, res.Name)
	}
}

// WriteViolations prints policy verdicts, mandatory first.
func WriteViolations(w io.Writer, v []rules.Violation) {
	mandatory, advisory, excepted := 0, 0, 0
	for _, x := range v {
		switch {
		case x.ExceptedBy != "":
			excepted++
		case x.EnforcementLevel == rules.Mandatory:
			mandatory++
		default:
			advisory++
		}
	}
	fmt.Fprintf(w, "\nPolicies: %d mandatory, %d advisory violation(s)", mandatory, advisory)
	if excepted > 0 {
		fmt.Fprintf(w, ", %d excepted", excepted)
	}
	fmt.Fprintln(w)
	for _, level := range []rules.Level{rules.Mandatory, rules.Advisory} {
		for _, x := range v {
			if x.EnforcementLevel == level {
				note := ""
				if x.ExceptedBy != "" {
					note = " (excepted: " + x.ExceptedBy + ")"
				}
				fmt.Fprintf(w, "  [%s] %s: %s%s\n      %s\n", level, x.Policy, x.Message, note, x.URN)
			}
		}
	}
}

// shortURN drops the urn:pulumi:stack::project:: prefix for display.
func shortURN(urn string) string {
	parts := strings.SplitN(urn, "::", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return urn
}

// writeCost prints the estimate per component, its items, and what spot,
// Savings Plans and Karpenter's limits mean for it.
func writeCost(w io.Writer, c estimate.Cost) {
	byComponent := map[string]float64{}
	for _, item := range c.Items {
		byComponent[componentOf(item.URN, item.Type)] += item.MonthlyUSD
	}
	fmt.Fprintf(w, "\nEstimated monthly cost: $%.2f\n", c.MonthlyUSD)
	for _, comp := range slices.Sorted(maps.Keys(byComponent)) {
		fmt.Fprintf(w, "  $%9.2f  %s\n", byComponent[comp], comp)
	}
	fmt.Fprintf(w, "  ----------\n  $%9.2f  total\n", c.MonthlyUSD)
	if c.SpotSavingsUSD > 0 {
		fmt.Fprintf(w, "  Spot saves $%.2f a month against on-demand ($%.2f with --on-demand; catalog.SpotDiscountsSource).\n",
			c.SpotSavingsUSD, c.MonthlyUSD+c.SpotSavingsUSD)
	}
	sp := catalog.EC2SavingsPlan
	if c.SteadyEC2USD > 0 {
		fmt.Fprintf(w, "  Steady on-demand EC2 $%.2f a month: a 1-year %s would save about $%.2f (%.0f%%), 3-year $%.2f (%.0f%%); "+
			"Compute Savings Plans save somewhat less (catalog.SavingsPlansSource).\n",
			c.SteadyEC2USD, sp.Plan, c.SteadyEC2USD*sp.OneYear, sp.OneYear*100, c.SteadyEC2USD*sp.ThreeYear, sp.ThreeYear*100)
	}
	if c.SteadySageMakerUSD > 0 {
		fmt.Fprintf(w, "  Steady SageMaker endpoint instances $%.2f a month: SageMaker Savings Plans apply (up to 64%%; no rate recorded).\n",
			c.SteadySageMakerUSD)
	}
	if c.WorstCaseUSD > 0 {
		fmt.Fprintf(w, "  Worst case: Karpenter's pools filled to their limits add $%.2f a month.\n", c.WorstCaseUSD)
	}
	fmt.Fprintf(w, "\nCost items:\n")
	for _, item := range c.Items {
		fmt.Fprintf(w, "  $%9.2f  %s  (%s)\n", item.MonthlyUSD, shortURN(item.URN), item.Basis)
	}
	fmt.Fprintf(w, "  Prices: %s\n", c.Basis)
}

// componentOf is the top-level component an item belongs to (the first
// type of its URN's type chain), or its own type.
func componentOf(urn, typ string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 3 {
		return typ
	}
	chain := strings.Split(parts[2], "$")
	if len(chain) > 1 {
		return chain[0]
	}
	return typ
}
