package estimate

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/ml-platform/ml-platform/catalog"
)

// pipelineRunBasis states what one run of a pipeline costs at most: each
// training or tuning job's instances for its maximum runtime, at the
// catalog's training price, managed spot at the EC2 spot discount the
// catalog records for the family (an approximation: SageMaker publishes
// managed spot savings only as "up to 90%").
func pipelineRunBasis(definition string, onDemand bool) string {
	var def struct {
		Parameters []struct {
			Name         string
			DefaultValue any
		}
		Steps []map[string]any
	}
	if json.Unmarshal([]byte(definition), &def) != nil {
		return "usage: billed per job instance-hour when it runs"
	}
	params := map[string]any{}
	for _, p := range def.Parameters {
		params["Parameters."+p.Name] = p.DefaultValue
	}
	resolve := func(v any) any {
		if m, ok := v.(map[string]any); ok {
			if path, ok := m["Get"].(string); ok {
				return params[path]
			}
		}
		return v
	}
	var parts []string
	var total, hourly float64
	var visit func(steps []map[string]any)
	visit = func(steps []map[string]any) {
		for _, step := range steps {
			args, _ := step["Arguments"].(map[string]any)
			jobs := 1.0
			switch step["Type"] {
			case "Training":
			case "Tuning":
				cfg, _ := args["HyperParameterTuningJobConfig"].(map[string]any)
				limits, _ := cfg["ResourceLimits"].(map[string]any)
				if n, ok := limits["MaxNumberOfTrainingJobs"].(float64); ok {
					jobs = n
				}
				args, _ = args["TrainingJobDefinition"].(map[string]any)
			case "Transform":
				tr, _ := args["TransformResources"].(map[string]any)
				typ, _ := resolve(tr["InstanceType"]).(string)
				count, _ := resolve(tr["InstanceCount"]).(float64)
				if t, ok := catalog.LookupSageMakerInstance(typ); ok && t.HostingUSDPerHour > 0 {
					hourly += count * t.HostingUSDPerHour
					parts = append(parts, fmt.Sprintf("%s %.0f x %s x $%.3f/h for as long as it runs (the catalog's real-time rate; "+
						"batch transform has no time limit and no managed spot)", step["Name"], count, typ, t.HostingUSDPerHour))
				} else {
					parts = append(parts, fmt.Sprintf("%s on %s: no catalog price", step["Name"], typ))
				}
				continue
			case "Condition":
				for _, branch := range []string{"IfSteps", "ElseSteps"} {
					nested, _ := args[branch].([]any)
					var ms []map[string]any
					for _, n := range nested {
						if m, ok := n.(map[string]any); ok {
							ms = append(ms, m)
						}
					}
					visit(ms)
				}
				continue
			default:
				continue
			}
			rc, _ := args["ResourceConfig"].(map[string]any)
			typ, _ := resolve(rc["InstanceType"]).(string)
			count, _ := resolve(rc["InstanceCount"]).(float64)
			stop, _ := args["StoppingCondition"].(map[string]any)
			seconds, _ := resolve(stop["MaxRuntimeInSeconds"]).(float64)
			t, ok := catalog.LookupSageMakerInstance(typ)
			if !ok || t.TrainingUSDPerHour == 0 {
				parts = append(parts, fmt.Sprintf("%s on %s: no catalog training price", step["Name"], typ))
				continue
			}
			usd := jobs * count * seconds / 3600 * t.TrainingUSDPerHour
			what := fmt.Sprintf("%s %.0f x %s x %.0f h x $%.3f/h", step["Name"], count, typ, seconds/3600, t.TrainingUSDPerHour)
			if jobs > 1 {
				what = fmt.Sprintf("%s %.0f jobs x %.0f x %s x %.0f h x $%.3f/h", step["Name"], jobs, count, typ, seconds/3600, t.TrainingUSDPerHour)
			}
			family, _, _ := strings.Cut(strings.TrimPrefix(typ, "ml."), ".")
			spot, _ := args["EnableManagedSpotTraining"].(bool)
			switch d, known := catalog.LookupSpotDiscount(family); {
			case spot && onDemand:
				what += " (managed spot priced on-demand: --on-demand)"
			case spot && known:
				usd *= 1 - d.Discount
				what += fmt.Sprintf(" less %.0f%% on managed spot", d.Discount*100)
			case spot:
				what += " on-demand (managed spot: less; no recorded discount for " + family + ")"
			}
			total += usd
			parts = append(parts, what)
		}
	}
	visit(def.Steps)
	if len(parts) == 0 {
		return "usage: billed per processing job instance-hour when it runs"
	}
	if hourly > 0 && total == 0 {
		return fmt.Sprintf("usage, per run $%.2f an hour while it runs: %s", math.Round(hourly*1000)/1000, strings.Join(parts, "; "))
	}
	return fmt.Sprintf("usage, per run at most $%.2f: %s, plus processing jobs", math.Round(total*100)/100, strings.Join(parts, "; "))
}
