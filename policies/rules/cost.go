package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
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
var costBearingTypes = []string{
	eksComponentType, eksClusterType, eksNodeGroupType, eksManagedNGType, eksNodeGroupV2Type, eksNodeGroupCompType,
	ec2InstanceType, fsxLustreType, smDomainType, smNotebookType, "aws:sagemaker/endpoint:Endpoint",
	karpenterNodePoolType,
}

func init() {
	register(
		Rule{
			Name: "training-uses-spot",
			Description: "Node groups and Karpenter NodePools labelled workload-type: training run on spot " +
				"(training checkpoints and retries; spot is 60-90% cheaper). A NodePool that allows spot " +
				"and on-demand (a fallback pool) passes.",
			Level: Mandatory,
			Check: spotCheck("training", false),
		},
		Rule{
			Name:        "batch-cpu-uses-spot",
			Description: "CPU node groups and NodePools labelled workload-type: batch run on spot.",
			Level:       Advisory,
			Check:       spotCheck("batch", true),
		},
		Rule{
			Name: "sagemaker-pipeline-spot-training",
			Description: "Training steps of SageMaker pipelines use managed spot training with a " +
				"checkpoint location, so an interruption resumes instead of restarting.",
			Level: Mandatory,
			Check: checkPipelineSpotTraining,
		},
		Rule{
			Name: "accelerator-allow-list",
			Description: "Accelerated instance types (GPU, Trainium, Inferentia) come from an allow-list: " +
				"node groups, NodePools, launch templates, instances, notebooks and endpoint configurations.",
			Level: Advisory,
			ConfigSchema: map[string]map[string]any{
				"allowedInstanceTypes": {
					"type":        "array",
					"items":       map[string]any{"type": "string"},
					"description": "Allowed accelerated instance types; a trailing * matches any size (\"p5.*\"). ml. prefixes are ignored.",
				},
			},
			Defaults: map[string]any{"allowedInstanceTypes": toAnySlice(DefaultAcceleratorTypes)},
			Check:    checkAcceleratorAllowList,
		},
		Rule{
			Name: "gpu-scale-to-zero-nonprod",
			Description: "Outside prod and staging, accelerated node groups scale to zero (minSize 0) so " +
				"idle GPUs are not paid for.",
			Level: Advisory,
			Check: checkGPUScaleToZero,
		},
	)
	registerStack(
		StackRule{
			Name: "budget-exists",
			Description: "A stack that runs billable compute (EKS, node groups, FSx, SageMaker) has an " +
				"aws:budgets/budget:Budget, so overspend is noticed.",
			Level: Advisory,
			Check: checkBudgetExists,
		},
		StackRule{
			Name: "s3-lifecycle-rules",
			Description: "Every S3 bucket has an enabled lifecycle rule (an aws:s3/bucketLifecycleConfigurationV2 " +
				"referring to it, or inline rules), so checkpoints and old versions expire.",
			Level: Advisory,
			Check: checkS3LifecycleRules,
		},
		StackRule{
			Name: "efa-placement-group",
			Description: "Launch templates with EFA interfaces place instances in a placement group of " +
				"strategy cluster (referred to by placement.groupName), without which EFA's low latency is lost.",
			Level: Advisory,
			Check: checkEFAPlacementGroup,
		},
	)
}

// spotCheck builds the check for a workload type that must run on spot;
// cpuOnly limits it to pools without accelerators.
func spotCheck(workload string, cpuOnly bool) func(Resource, map[string]any) []string {
	return func(r Resource, _ map[string]any) []string {
		if !isNodeGroup(r.Type) && !isNodePool(r.Type) {
			return nil
		}
		if wt, ok := nodeLabel(r, labelWorkloadType); !ok || wt != workload {
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
		label := labelWorkloadType + ": " + workload
		switch {
		case isNodePool(r.Type):
			return []string{fmt.Sprintf("labelled %s but its requirements do not allow %s spot", label, karpenterCapacityType)}
		case r.Type == eksNodeGroupV2Type || r.Type == eksNodeGroupCompType:
			return []string{fmt.Sprintf("labelled %s but spotPrice is not set: nodes are on-demand", label)}
		}
		return []string{fmt.Sprintf("labelled %s but capacityType is ON_DEMAND (the default); set it to SPOT", label)}
	}
}

// checkPipelineSpotTraining reads the pipeline definition JSON and judges
// every training step, including those nested in condition steps and the
// training job definitions of tuning steps. Values given as pipeline
// parameters are not judged.
func checkPipelineSpotTraining(r Resource, _ map[string]any) []string {
	if r.Type != smPipelineType {
		return nil
	}
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
			out = append(out, trainingJobProblems("step "+name, args)...)
		case "Tuning":
			if def, ok := args["TrainingJobDefinition"].(map[string]any); ok {
				out = append(out, trainingJobProblems("tuning step "+name, def)...)
			}
			defs, _ := args["TrainingJobDefinitions"].([]any)
			for _, d := range defs {
				if def, ok := d.(map[string]any); ok {
					out = append(out, trainingJobProblems("tuning step "+name, def)...)
				}
			}
		case "Condition":
			for _, branch := range []string{"IfSteps", "ElseSteps"} {
				nested, _ := args[branch].([]any)
				out = append(out, trainingStepProblems(nested)...)
			}
		}
	}
	return out
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
	if r.Type == eksComponentType && !isSet(r.Properties, "instanceType") {
		types = nil
	}
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
	if !isNodeGroup(r.Type) || !nonProd(r) {
		return nil
	}
	if accelerated, ok := acceleratedNodes(r); !ok || !accelerated {
		return nil
	}
	if n, ok := nodeMinSize(r); ok && n > 0 {
		return []string{fmt.Sprintf("accelerated node group has minimum size %g outside prod; scale it to zero when idle", n)}
	}
	return nil
}

// checkBudgetExists reports, on the first cost-bearing resource, a stack
// without any budget.
func checkBudgetExists(rs []Resource, _ map[string]any) []Finding {
	first := -1
	for i, r := range rs {
		if r.Type == budgetType {
			return nil
		}
		if first < 0 && (slices.Contains(costBearingTypes, r.Type) || isNodePool(r.Type)) {
			first = i
		}
	}
	if first < 0 {
		return nil
	}
	return []Finding{{URN: rs[first].URN, Message: "the stack runs billable compute but has no aws:budgets/budget:Budget"}}
}

// checkS3LifecycleRules fires for each bucket without an enabled lifecycle
// rule. As with encryption, inline rules are judged only when no separate
// configuration exists.
func checkS3LifecycleRules(rs []Resource, _ map[string]any) []Finding {
	found, unresolved := companions(rs, isBucket, s3LifecycleType, []string{"bucket"}, "bucket")
	if unresolved {
		return nil
	}
	var out []Finding
	for _, b := range rs {
		if !isBucket(b.Type) {
			continue
		}
		if cs := found[b.URN]; len(cs) > 0 {
			if !slices.ContainsFunc(cs, func(c Resource) bool { return anyRuleOn(c.Properties, "status", "Enabled") }) {
				out = append(out, Finding{URN: b.URN, Message: "its lifecycle configuration has no rule with status Enabled"})
			}
			continue
		}
		if !anyRuleOn(b.Properties, "enabled", true) {
			out = append(out, Finding{URN: b.URN, Message: "no lifecycle rule: no aws:s3/bucketLifecycleConfigurationV2 refers to this bucket"})
		}
	}
	return out
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
