package rules

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
)

// DefaultAcceleratorTypes are the accelerated instance types (patterns; a
// trailing * matches any size) the platform runs: current NVIDIA, Trainium
// and Inferentia generations. Older ones (p3, g4dn) cost more per unit of
// work.
var DefaultAcceleratorTypes = []string{
	"g5.*", "g6.*", "g6e.*", "p4d.*", "p4de.*", "p5.*", "p5e.*", "p5en.*",
	"trn1.*", "trn1n.*", "trn2.*", "inf2.*",
}

// costBearingTypes are the resources whose presence makes a stack's spend
// worth a budget: clusters, nodes, file systems and SageMaker compute.
var costBearingTypes = concat([]string{eksClusterType, eksNodeGroupType, ec2InstanceType, fsxLustreType,
	smDomainType, smNotebookType, smEndpointType}, nodePoolTypes)

func init() {
	register(ConcernCost,
		Rule{
			Name: "eks-training-nodes-spot",
			Description: "Node groups and Karpenter NodePools labelled workload-type: training run on spot " +
				"(training checkpoints and retries; spot is 60-90% cheaper). A NodePool that allows spot " +
				"and on-demand (a fallback pool) passes.",
			Checks: "Node groups (`aws:eks/nodeGroup`: `capacityType: SPOT`) and Karpenter NodePools " +
				"(`kubernetes:karpenter.sh/v1:NodePool`: a `karpenter.sh/capacity-type` requirement that allows `spot`; " +
				"none means on-demand) labelled `workload-type: training` may run on spot. A node group in reserved capacity " +
				"(`capacityType: CAPACITY_BLOCK`, or tagged `ml-platform:capacity-reservation` by the platform when its launch " +
				"template targets a reservation) passes: the capacity is paid for.",
			Level: Mandatory,
			Types: concat(nodeGroupTypes, nodePoolTypes),
			Check: spotCheck(conventions.RoleTraining, false),
		},
		Rule{
			Name:        "eks-batch-nodes-spot",
			Description: "CPU node groups and NodePools labelled workload-type: batch run on spot.",
			Checks:      "The same for `workload-type: batch` pools without accelerators (`accelerator: none`, or CPU instance types when unlabelled).",
			Level:       Advisory,
			Types:       concat(nodeGroupTypes, nodePoolTypes),
			Check:       spotCheck(conventions.RoleBatch, true),
		},
		Rule{
			Name: "sagemaker-pipeline-training-spot",
			Description: "Training steps of SageMaker pipelines use managed spot training with a " +
				"checkpoint location, so an interruption resumes instead of restarting.",
			Checks: "In `aws:sagemaker/pipeline:Pipeline` `pipelineDefinition`, every `Training` step (also inside `Condition` " +
				"steps, and `Tuning` training job definitions) sets `EnableManagedSpotTraining: true` and " +
				"`CheckpointConfig.S3Uri`. Values given as pipeline parameters are not judged.",
			Level: Mandatory,
			Types: []string{smPipelineType},
			Check: checkPipelineSpotTraining,
		},
		Rule{
			Name: "ec2-accelerator-type-allowed",
			Description: "Accelerated instance types (GPU, Trainium, Inferentia) come from an allow-list: " +
				"node groups, NodePools, launch templates, instances, notebooks and endpoint configurations.",
			Checks: "Accelerated instance types (families p, g, gr, trn, inf, dl, f, vt) named by node groups, NodePools " +
				"(`node.kubernetes.io/instance-type` and `karpenter.k8s.aws/instance-family` requirements), launch templates, " +
				"instances, notebooks and endpoint variants match the allow-list (`ml.` prefixes ignored).",
			Level: Advisory,
			Types: concat(nodeGroupTypes, nodePoolTypes, []string{launchTemplateType, ec2InstanceType, smNotebookType, smEndpointConfigType}),
			ConfigSchema: map[string]map[string]any{
				"allowedInstanceTypes": stringList("Allowed accelerated instance types; a trailing * matches any size (\"p5.*\"). ml. prefixes are ignored."),
			},
			Defaults: map[string]any{"allowedInstanceTypes": toAnySlice(DefaultAcceleratorTypes)},
			Check:    checkAcceleratorAllowList,
		},
		Rule{
			Name: "eks-accelerator-nodes-scale-to-zero",
			Description: "Outside prod and staging, accelerated node groups scale to zero (minSize 0) so " +
				"idle GPUs are not paid for.",
			Checks: "Outside prod and staging, node groups with accelerators (by `accelerator` label, else instance types) " +
				"have `scalingConfig.minSize` 0.",
			Level: Advisory,
			Types: nodeGroupTypes,
			Scope: ScopeNonProd,
			Check: checkGPUScaleToZero,
		},
	)
	registerStack(ConcernCost,
		StackRule{
			Name: "budgets-budget-present",
			Description: "A stack that runs billable compute (EKS, node groups, FSx, SageMaker) has an " +
				"aws:budgets/budget:Budget, so overspend is noticed.",
			Checks: "Outside prod and staging, a stack with billable compute (EKS cluster or node groups, NodePools, " +
				"instances, FSx, SageMaker domain, notebooks or endpoints) has an `aws:budgets/budget:Budget`. Reported on the " +
				"first such resource by URN.",
			Level: Advisory,
			Types: costBearingTypes,
			Scope: ScopeNonProd,
			Check: checkBudgetExists,
		},
		StackRule{
			Name:        "budgets-budget-present-prod",
			Description: "A prod or staging stack with billable compute has a budget: unnoticed overspend there is real money.",
			Checks:      "The same as budgets-budget-present, for stacks whose first billable resource is tagged prod or staging.",
			Level:       Mandatory,
			Types:       costBearingTypes,
			Scope:       ScopeProdLike,
			Check:       checkBudgetExists,
		},
		StackRule{
			Name: "budgets-budget-covers-estimate",
			Description: "Outside prod and staging: the stack's monthly budget is at least its estimated fixed monthly cost, " +
				"else it alerts every month and nobody reads the alerts.",
			Checks: budgetCoversChecks,
			Level:  Advisory,
			Types:  []string{budgetType},
			Scope:  ScopeNonProd,
			Check:  checkBudgetCoversEstimate,
		},
		StackRule{
			Name:        "budgets-budget-covers-estimate-prod",
			Description: "In prod and staging the stack's monthly budget is at least its estimated fixed monthly cost.",
			Checks:      budgetCoversChecks,
			Level:       Mandatory,
			Types:       []string{budgetType},
			Scope:       ScopeProdLike,
			Check:       checkBudgetCoversEstimate,
		},
		StackRule{
			Name: "budgets-worst-case-within-budget",
			Description: "Outside prod and staging: what Karpenter's pools at their limits and node groups at their " +
				"maximum size can spend before the budget sees it (the billing lag) stays within a share of the " +
				"monthly budget; a budget action acts only after the fact.",
			Checks:       worstCaseChecks,
			Level:        Advisory,
			Types:        []string{budgetType},
			Scope:        ScopeNonProd,
			ConfigSchema: worstCaseSchema,
			Defaults:     worstCaseDefaults,
			Check:        checkWorstCaseWithinBudget,
		},
		StackRule{
			Name:         "budgets-worst-case-within-budget-prod",
			Description:  "In prod and staging the worst case over the billing lag stays within a share of the monthly budget.",
			Checks:       worstCaseChecks,
			Level:        Mandatory,
			Types:        []string{budgetType},
			Scope:        ScopeProdLike,
			ConfigSchema: worstCaseSchema,
			Defaults:     worstCaseDefaults,
			Check:        checkWorstCaseWithinBudget,
		},
		StackRule{
			Name: "s3-bucket-lifecycle-enabled",
			Description: "Every S3 bucket has an enabled lifecycle rule (an aws:s3/bucketLifecycleConfigurationV2 " +
				"referring to it, or inline rules), so checkpoints and old versions expire.",
			Checks: "Every S3 bucket has a lifecycle rule that is on: an `aws:s3/bucketLifecycleConfigurationV2` referring to " +
				"it with a rule of `status: Enabled`, or, without one, an inline `lifecycleRules` entry with `enabled: true`.",
			Level: Advisory,
			Types: bucketTypes,
			Check: companionCheck(bucketTypes, s3LifecycleType, []string{"bucket"}, []string{"bucket"},
				func(_ Resource, cs []Resource, _ map[string]any) []string {
					if slices.ContainsFunc(cs, func(c Resource) bool { return anyRuleOn(c.Properties, "status", "Enabled") }) {
						return nil
					}
					return []string{"its lifecycle configuration has no rule with status Enabled"}
				},
				func(b Resource, _ map[string]any) string {
					if anyRuleOn(b.Properties, "enabled", true) {
						return ""
					}
					return "no lifecycle rule: no aws:s3/bucketLifecycleConfigurationV2 refers to this bucket"
				}),
		},
		StackRule{
			Name: "ec2-efa-placement-cluster",
			Description: "Launch templates with EFA interfaces place instances in a placement group of " +
				"strategy cluster (referred to by placement.groupName), without which EFA's low latency is lost.",
			Checks: "Every launch template with an `efa`/`efa-only` interface sets `placement.groupName`, and when it refers " +
				"(by dependency, name or ID) to an `aws:ec2/placementGroup:PlacementGroup` of the stack, that group's " +
				"`strategy` is `cluster`.",
			Level: Advisory,
			Types: []string{launchTemplateType},
			Check: checkEFAPlacementGroup,
		},
	)
}

// spotCheck builds the check for a workload type that must run on spot;
// cpuOnly limits it to pools without accelerators.
func spotCheck(role conventions.NodeRole, cpuOnly bool) func(Resource, map[string]any) []string {
	workload := string(role)
	return func(r Resource, _ map[string]any) []string {
		if wt, ok := nodeLabel(r, conventions.LabelWorkloadType); !ok || wt != workload {
			return nil
		}
		if cpuOnly {
			if accelerated, ok := acceleratedNodes(r); !ok || accelerated {
				return nil
			}
		}
		if nodeCapacity(r) != capacityOnDemand {
			return nil
		}
		label := conventions.LabelWorkloadType + ": " + workload
		if isNodePool(r.Type) {
			return []string{fmt.Sprintf("labelled %s but its requirements do not allow %s spot", label, conventions.KarpenterCapacityTypeLabel)}
		}
		return []string{fmt.Sprintf("labelled %s but capacityType is ON_DEMAND (the default); set it to SPOT", label)}
	}
}

// checkPipelineSpotTraining reads the pipeline definition JSON and judges
// every training step, including those nested in condition steps and the
// training job definitions of tuning steps. Values given as pipeline
// parameters are not judged.
func checkPipelineSpotTraining(r Resource, _ map[string]any) []string {
	def, ok := getString(r.Properties, "pipelineDefinition")
	if !ok {
		return nil
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(def), &doc); err != nil {
		return nil
	}
	steps, _ := doc["Steps"].([]any)
	return trainingStepProblems(steps)
}

func trainingStepProblems(steps []any) []string {
	var out []string
	forEachTrainingJob(steps, func(where string, args map[string]any) {
		out = append(out, trainingJobProblems(where, args)...)
	})
	return out
}

// forEachTrainingJob visits the training job arguments of a pipeline's
// steps: Training steps, Tuning steps' training job definitions, and the
// steps nested in Condition branches.
func forEachTrainingJob(steps []any, visit func(where string, args map[string]any)) {
	for i, s := range steps {
		step, ok := s.(map[string]any)
		if !ok {
			continue
		}
		name, _ := step["Name"].(string)
		if name == "" {
			name = fmt.Sprintf("Steps[%d]", i)
		}
		args, _ := step["Arguments"].(map[string]any)
		switch step["Type"] {
		case "Training":
			visit("step "+name, args)
		case "Tuning":
			if def, ok := args["TrainingJobDefinition"].(map[string]any); ok {
				visit("tuning step "+name, def)
			}
			defs, _ := args["TrainingJobDefinitions"].([]any)
			for _, d := range defs {
				if def, ok := d.(map[string]any); ok {
					visit("tuning step "+name, def)
				}
			}
		case "Condition":
			for _, branch := range []string{"IfSteps", "ElseSteps"} {
				nested, _ := args[branch].([]any)
				forEachTrainingJob(nested, visit)
			}
		}
	}
}

// trainingJobProblems judges one training job's arguments.
func trainingJobProblems(where string, args map[string]any) []string {
	spot, present := args["EnableManagedSpotTraining"]
	switch v := spot.(type) {
	case bool:
		if !v {
			return []string{where + ": EnableManagedSpotTraining is false; enable managed spot training"}
		}
	case nil:
		if !present {
			return []string{where + ": EnableManagedSpotTraining is not set (on-demand); enable managed spot training"}
		}
		return []string{where + ": EnableManagedSpotTraining is null (on-demand); enable managed spot training"}
	default:
		return nil // a pipeline parameter or expression: decided at run time
	}
	if ckpt, ok := args["CheckpointConfig"].(map[string]any); !ok || ckpt["S3Uri"] == nil {
		if _, isParam := args["CheckpointConfig"].(string); isParam {
			return nil
		}
		return []string{where + ": managed spot training without CheckpointConfig.S3Uri: an interruption restarts the job from scratch"}
	}
	return nil
}

// typeAllowed reports whether an instance type matches one of the patterns.
func typeAllowed(t string, patterns []string) bool {
	t = strings.TrimPrefix(t, "ml.")
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "ml.")
		if prefix, wild := strings.CutSuffix(p, "*"); wild && strings.HasPrefix(t, prefix) || p == t {
			return true
		}
	}
	return false
}

// checkAcceleratorAllowList fires when a resource names accelerated instance
// types (or, in a NodePool, families) outside the allow-list.
func checkAcceleratorAllowList(r Resource, cfg map[string]any) []string {
	allowed := cfgStrings(cfg, "allowedInstanceTypes")
	types, _ := nodeInstanceTypes(r)
	var bad []string
	for _, t := range types {
		if isAccelerated(t) && !typeAllowed(t, allowed) {
			bad = append(bad, t)
		}
	}
	if isNodePool(r.Type) {
		fams, _ := nodePoolValues(r, karpenterFamily)
		for _, f := range fams {
			if isAccelerated(f) && !typeAllowed(f+".", allowed) {
				bad = append(bad, f+" (family)")
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("accelerated instance types outside the allow-list: %s", strings.Join(slices.Compact(bad), ", "))}
}

// checkGPUScaleToZero fires on dev node groups with accelerators whose
// minimum size is above zero.
func checkGPUScaleToZero(r Resource, _ map[string]any) []string {
	if accelerated, ok := acceleratedNodes(r); !ok || !accelerated {
		return nil
	}
	if n, ok := nodeMinSize(r); ok && n > 0 {
		return []string{fmt.Sprintf("accelerated node group has minimum size %g outside prod; scale it to zero when idle", n)}
	}
	return nil
}

// checkBudgetExists reports, on the cost-bearing resource that sorts first
// by URN (so the report is the same in every run), a stack without any
// budget.
func checkBudgetExists(rs []Resource, _ map[string]any) []Finding {
	var first *Resource
	for i, r := range rs {
		if r.Type == budgetType {
			return nil
		}
		if slices.Contains(costBearingTypes, r.Type) && (first == nil || r.URN < first.URN) {
			first = &rs[i]
		}
	}
	if first == nil {
		return nil
	}
	return []Finding{{URN: first.URN, Message: "the stack runs billable compute but has no aws:budgets/budget:Budget"}}
}

// anyRuleOn reports whether some element of rules (or lifecycleRules) has
// key equal to want, or unknown.
func anyRuleOn(m property.Map, key string, want any) bool {
	listKey := "rules"
	if key == "enabled" {
		listKey = "lifecycleRules"
	}
	rules, p := getMaps(m, listKey)
	if p == unknown {
		return true
	}
	for _, rule := range rules {
		v, vp := lookup(rule, key)
		if vp == unknown {
			return true
		}
		switch w := want.(type) {
		case string:
			if s, ok := asString(v); ok && s == w {
				return true
			}
		case bool:
			if b, ok := asBool(v); ok && b == w {
				return true
			}
		}
	}
	return false
}

// efaInterfaceTypes are the interface types that carry EFA traffic.
var efaInterfaceTypes = []string{"efa", "efa-only"}

// isEFATemplate reports whether a launch template has an EFA interface.
func isEFATemplate(r Resource) bool {
	if r.Type != launchTemplateType {
		return false
	}
	nis, _ := getMaps(r.Properties, "networkInterfaces")
	for _, ni := range nis {
		if t, ok := getString(ni, "interfaceType"); ok && slices.Contains(efaInterfaceTypes, t) {
			return true
		}
	}
	return false
}

// checkEFAPlacementGroup fires for each EFA launch template without a
// placement group, or whose placement group in the stack is not of strategy
// cluster. A group name that matches no group in the stack (one managed
// elsewhere) is not judged.
func checkEFAPlacementGroup(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, lt := range rs {
		if !isEFATemplate(lt) {
			continue
		}
		ref := referenceOf(lt, "placement", "groupName")
		if ref.unresolved {
			continue
		}
		if ref.empty() {
			out = append(out, Finding{URN: lt.URN, Message: "EFA launch template sets no placement.groupName: " +
				"instances may land far apart; use a placement group of strategy cluster"})
			continue
		}
		for _, pg := range rs {
			if pg.Type != placementGroupType || !ref.matches(pg, "name") {
				continue
			}
			if s, ok := getString(pg.Properties, "strategy"); ok && s != "cluster" {
				out = append(out, Finding{URN: lt.URN, Message: fmt.Sprintf(
					"EFA launch template uses placement group %s of strategy %s; use strategy cluster", pg.Name, s)})
			}
		}
	}
	return out
}

const budgetCoversChecks = "A monthly COST `aws:budgets/budget:Budget` without a Service cost filter (the stack's budget) has a " +
	"`limitAmount` at least the plan's estimated fixed monthly cost: the offline preview's estimate (internal/lib/estimate) " +
	"over the stack's resources, catalog list prices, spot at the recorded discount, usage charges left out."

// checkBudgetCoversEstimate compares the stack budget with the estimate of
// the resources the pack sees.
func checkBudgetCoversEstimate(rs []Resource, _ map[string]any) []Finding {
	var budgets []Resource
	var plan []estimate.Resource
	for _, r := range rs {
		plan = append(plan, estimate.Resource{URN: r.URN, Type: r.Type, Inputs: r.Properties})
		if r.Type != budgetType {
			continue
		}
		bt, _ := getString(r.Properties, "budgetType")
		unit, _ := getString(r.Properties, "timeUnit")
		filters, _ := getMaps(r.Properties, "costFilters")
		if bt != "COST" || unit != "MONTHLY" || slices.ContainsFunc(filters, func(f property.Map) bool {
			n, _ := getString(f, "name")
			return n == "Service"
		}) {
			continue
		}
		budgets = append(budgets, r)
	}
	if len(budgets) == 0 {
		return nil
	}
	cost := estimate.Estimate(plan, estimate.Options{})
	var out []Finding
	for _, b := range budgets {
		raw, ok := getString(b.Properties, "limitAmount")
		limit, err := strconv.ParseFloat(raw, 64)
		if !ok || err != nil || limit >= cost.MonthlyUSD {
			continue
		}
		out = append(out, Finding{b.URN, fmt.Sprintf("limitAmount $%.2f is below the plan's estimated fixed monthly cost of $%.2f: "+
			"the budget alerts every month; raise it or shrink the plan", limit, cost.MonthlyUSD)})
	}
	return out
}

// worstCaseSchema and worstCaseDefaults configure both worst-case rules.
var (
	worstCaseSchema = map[string]map[string]any{
		"lagHours":        integer("Hours of spend a budget cannot see yet (catalog.BudgetDataLagHours).", 1, 744),
		"maxSharePercent": integer("Largest share of the monthly budget the worst case over the lag may reach.", 1, 100),
	}
	worstCaseDefaults = map[string]any{"lagHours": float64(catalog.BudgetDataLagHours), "maxSharePercent": float64(DefaultWorstCaseSharePercent)}
)

// DefaultWorstCaseSharePercent is the share of the monthly budget the
// worst case over the billing lag may reach: all of it. Beyond that the
// stack can spend more than its month's budget before the budget (or its
// action) sees a cent; set a lower share to keep room for the month.
const DefaultWorstCaseSharePercent = 100

const worstCaseChecks = "For the stack's monthly COST `aws:budgets/budget:Budget` (no Service filter): the estimate's ceilings " +
	"(each `kubernetes:karpenter.sh/v1:NodePool` at its accelerator or CPU limit with the priciest instance per unit it may " +
	"launch, each `aws:eks/nodeGroup:NodeGroup` from its desired to its maximum size; spot at the recorded discount) times " +
	"`lagHours` (default catalog.BudgetDataLagHours, 24: billing data refreshes once a day) is at most `maxSharePercent` " +
	"(default 100) of `limitAmount`. The finding lists the largest ceilings."

// checkWorstCaseWithinBudget compares what the pools and node groups can
// add over the billing lag with the stack budget.
func checkWorstCaseWithinBudget(rs []Resource, cfg map[string]any) []Finding {
	lag, _ := cfgNumber(cfg, "lagHours")
	share, _ := cfgNumber(cfg, "maxSharePercent")
	if lag <= 0 || share <= 0 {
		return nil
	}
	var plan []estimate.Resource
	var budgets []Resource
	for _, r := range rs {
		plan = append(plan, estimate.Resource{URN: r.URN, Type: r.Type, Inputs: r.Properties})
		if r.Type == budgetType && isStackBudget(r) {
			budgets = append(budgets, r)
		}
	}
	if len(budgets) == 0 {
		return nil
	}
	cost := estimate.Estimate(plan, estimate.Options{})
	hourly := cost.CeilingUSDPerHour()
	if hourly == 0 {
		return nil
	}
	ceilings := slices.Clone(cost.Ceilings)
	slices.SortFunc(ceilings, func(a, b estimate.Ceiling) int { return cmp.Compare(b.HourlyUSD, a.HourlyUSD) })
	var top []string
	for _, c := range ceilings[:min(3, len(ceilings))] {
		top = append(top, fmt.Sprintf("%s $%.2f/h (%s)", resourceName(c.URN), c.HourlyUSD, c.Basis))
	}
	var out []Finding
	for _, b := range budgets {
		raw, _ := getString(b.Properties, "limitAmount")
		limit, err := strconv.ParseFloat(raw, 64)
		if err != nil || limit <= 0 {
			continue
		}
		worst := hourly * lag
		if worst <= limit*share/100 {
			continue
		}
		out = append(out, Finding{b.URN, fmt.Sprintf("pools at their limits and node groups at their maximum can add $%.2f an hour: "+
			"$%.2f over the %g hours before the budget sees it, %.0f%% of the $%.2f monthly budget (at most %g%%); lower the "+
			"Karpenter limits (cluster.karpenter.*Limit) or node group maxSize, or raise the budget. Largest: %s",
			hourly, worst, lag, 100*worst/limit, limit, share, strings.Join(top, "; "))})
	}
	return out
}

// isStackBudget is the stack's monthly COST budget (not a per-service one).
func isStackBudget(r Resource) bool {
	bt, _ := getString(r.Properties, "budgetType")
	unit, _ := getString(r.Properties, "timeUnit")
	filters, _ := getMaps(r.Properties, "costFilters")
	return bt == "COST" && unit == "MONTHLY" && !slices.ContainsFunc(filters, func(f property.Map) bool {
		n, _ := getString(f, "name")
		return n == "Service"
	})
}

// resourceName is the last part of a URN (the logical name).
func resourceName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}
