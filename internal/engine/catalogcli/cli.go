// Package catalogcli is `go run ./cmd/catalog`: the catalog as a table and
// the instance selector (the seed's AWSInstanceSelector).
package catalogcli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ml-platform/ml-platform/catalog"
)

const usage = `usage:
  catalog list [--json]
  catalog recommend --workload training|inference --model-size-gb N [--max-usd-per-hour X] [--distributed] [--spot] [--region R] [--top N] [--json]
`

// Main runs the command and returns its exit code: 0 done, 2 bad input.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "list":
		return list(args[1:], stdout, stderr)
	case "recommend":
		return recommend(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
	return 2
}

func list(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if fs.Parse(args) != nil {
		return 2
	}
	types := catalog.InstanceTypes()
	if *asJSON {
		return writeJSON(stdout, stderr, map[string]any{"instanceTypes": types, "sources": sources()})
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "TYPE\tACCELERATORS\tvCPU\tMEMORY GiB\tEFA\tCARDS\tGBPS\tUSD/H\tREGIONS (recorded)")
	for _, t := range types {
		acc := "-"
		if t.IsAccelerated() {
			acc = fmt.Sprintf("%d x %s %.0f GB", t.AcceleratorCount, t.AcceleratorModel, t.AcceleratorMemoryGiB)
		}
		bw := fmt.Sprint(t.NetworkBandwidthGbps)
		if t.NetworkBandwidthBurst {
			bw = "up to " + bw
		}
		price := fmt.Sprintf("%.3f", t.OnDemandUSDPerHour)
		if t.OnDemandUSDPerHour == 0 {
			price = "unpriced"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", t.Name, acc, t.VCPUs, t.MemoryGiB, t.MaxEFAInterfaces, t.NetworkCards,
			bw, price, strings.Join(t.Regions, " "))
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "\n%d instance types, %d regions. Sources:\n", len(types), len(catalog.Regions()))
	for _, s := range sources() {
		fmt.Fprintf(stdout, "  %s (recorded %s): %s\n", s.Name, s.Recorded, s.URL)
	}
	return 0
}

type namedSource struct {
	Name string
	catalog.Source
}

func sources() []namedSource {
	return []namedSource{
		{"hardware", catalog.InstanceTypesSource}, {"prices", catalog.InstancePricesSource},
		{"regions per type", catalog.InstanceRegionsSource}, {"regions", catalog.RegionsSource},
		{"spot discounts", catalog.SpotDiscountsSource}, {"fit rule", catalog.FitRuleSource},
	}
}

func recommend(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("recommend", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workload := fs.String("workload", "", "training or inference")
	size := fs.Float64("model-size-gb", 0, "the model's 16-bit weights in GB (2 x billions of parameters)")
	maxUSD := fs.Float64("max-usd-per-hour", 0, "the most all nodes may cost an hour (0: no limit)")
	distributed := fs.Bool("distributed", false, "allow several EFA-connected nodes (training)")
	spot := fs.Bool("spot", false, "rank by spot price (the catalog's recorded discount)")
	region := fs.String("region", "", "keep types the catalog records in this region")
	top := fs.Int("top", 10, "how many ranked types to print (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if fs.Parse(args) != nil {
		return 2
	}
	w := catalog.Workload(*workload)
	switch {
	case w != catalog.Training && w != catalog.Inference:
		fmt.Fprintf(stderr, "--workload %q; allowed: training, inference\n", *workload)
		return 2
	case *size <= 0:
		fmt.Fprintln(stderr, "--model-size-gb: required, the 16-bit weights in GB (a 7B model is 14)")
		return 2
	case *region != "" && !catalog.KnownRegion(*region):
		fmt.Fprintf(stderr, "--region %q is not a commercial region; closest: %s\n", *region, strings.Join(catalog.Closest(*region, catalog.Regions(), 3), ", "))
		return 2
	}
	req := catalog.FitRequest{Workload: w, ModelSizeGB: *size, Distributed: *distributed, Spot: *spot, Region: *region, MaxUSDPerHour: *maxUSD}
	ranked, skipped, rule := catalog.Recommend(req)
	if *asJSON {
		return writeJSON(stdout, stderr, map[string]any{"rule": rule, "ranked": ranked, "skipped": skipped})
	}
	fmt.Fprintf(stdout, "Rule: %s.\n", rule)
	if len(ranked) == 0 {
		fmt.Fprintln(stdout, "\nNo catalogued type holds it under these constraints; why each was skipped:")
	} else {
		fmt.Fprintf(stdout, "\nRanked by %s price an hour (all nodes):\n", map[bool]string{true: "spot", false: "on-demand"}[*spot])
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tTYPE\tNODES\tON-DEMAND\tSPOT\tWHY")
		for i, c := range ranked {
			if *top > 0 && i == *top {
				break
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", i+1, c.Name, c.Nodes, usd(c.USDPerHour), usd(c.SpotUSDPerHour), c.Why)
		}
		if err := tw.Flush(); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if *top > 0 && len(ranked) > *top {
			fmt.Fprintf(stdout, "  ... %d more (--top 0 shows all)\n", len(ranked)-*top)
		}
		fmt.Fprintln(stdout, "\nSkipped:")
	}
	for _, c := range skipped {
		fmt.Fprintf(stdout, "  %-18s %s\n", c.Name, c.Why)
	}
	fmt.Fprintf(stdout, "\nPrices: us-east-1 on-demand (%s), spot at the recorded discount (%s).\n",
		catalog.InstancePricesSource.Recorded, catalog.SpotDiscountsSource.Recorded)
	return 0
}

func usd(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("$%.2f", v)
}

func writeJSON(stdout, stderr io.Writer, v any) int {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	return 0
}
