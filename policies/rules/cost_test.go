package rules

import (
	"testing"

	"github.com/ml-platform/ml-platform/conventions"
)

const (
	labelWorkloadType     = conventions.LabelWorkloadType
	labelAccelerator      = conventions.LabelAccelerator
	karpenterCapacityType = conventions.KarpenterCapacityTypeLabel
)

// nodeGroup builds an aws:eks/nodeGroup with the platform's labels.
func nodeGroup(name, env, workload, accel, capacity string, minSize int, types ...string) Resource {
	props := map[string]any{
		"tags":          envTags(env),
		"labels":        map[string]any{labelWorkloadType: workload, labelAccelerator: accel},
		"scalingConfig": map[string]any{"minSize": minSize, "maxSize": 4, "desiredSize": minSize},
		"instanceTypes": types,
	}
	if capacity != "" {
		props["capacityType"] = capacity
	}
	return mk(eksNodeGroupType, name, props)
}

// nodePool builds a Karpenter NodePool with the given labels and requirements.
func nodePool(name string, labels map[string]any, reqs ...any) Resource {
	return mk(karpenterNodePoolType, name, map[string]any{
		"apiVersion": "karpenter.sh/v1", "kind": "NodePool",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{"template": map[string]any{
			"metadata": map[string]any{"labels": labels},
			"spec":     map[string]any{"requirements": reqs},
		}},
	})
}

func req(key, op string, values ...string) map[string]any {
	return map[string]any{"key": key, "operator": op, "values": values}
}

func TestTrainingUsesSpot(t *testing.T) {
	training := map[string]any{labelWorkloadType: "training"}
	runRuleCases(t, "eks-training-nodes-spot", []ruleCase{
		{name: "spot group", r: nodeGroup("gpu-training", "dev", "training", "nvidia-gpu", "SPOT", 0, "g5.12xlarge")},
		{name: "on-demand group", r: nodeGroup("gpu-training", "dev", "training", "nvidia-gpu", "ON_DEMAND", 0, "g5.12xlarge"),
			want: []string{"labelled workload-type: training but capacityType is ON_DEMAND"}},
		{name: "capacity unset", r: nodeGroup("gpu-training", "prod", "training", "nvidia-gpu", "", 0, "p5.48xlarge"), want: []string{"ON_DEMAND"}},
		{name: "Capacity Block", r: nodeGroup("p5", "prod", "training", "nvidia-gpu", "CAPACITY_BLOCK", 0, "p5.48xlarge")},
		{name: "on-demand in a reservation the platform tagged", r: withProps(nodeGroup("p5", "prod", "training", "nvidia-gpu", "ON_DEMAND", 0, "p5.48xlarge"),
			map[string]any{"tags": map[string]any{"ml-platform:capacity-reservation": "cr-0123456789abcdef0"}})},
		{name: "capacity unknown", r: withProps(nodeGroup("t", "dev", "training", "nvidia-gpu", "", 0), map[string]any{"capacityType": computed})},
		{name: "labels unknown", r: withProps(nodeGroup("t", "dev", "training", "nvidia-gpu", "ON_DEMAND", 0), map[string]any{"labels": computed})},
		{name: "inference on demand is fine", r: nodeGroup("inf", "prod", "inference", "nvidia-gpu", "ON_DEMAND", 2)},
		{name: "pulumi-eks node group component: not judged", r: mk("eks:index:ManagedNodeGroup", "ng", map[string]any{"labels": training})},
		{name: "NodePool spot", r: nodePool("train", training, req(karpenterCapacityType, "In", "spot"))},
		{name: "NodePool spot with on-demand fallback", r: nodePool("train", training, req(karpenterCapacityType, "In", "spot", "on-demand"))},
		{name: "NodePool on-demand", r: nodePool("train", training, req(karpenterCapacityType, "In", "on-demand")),
			want: []string{"do not allow karpenter.sh/capacity-type spot"}},
		{name: "NodePool without capacity requirement (Karpenter defaults to on-demand)", r: nodePool("train", training, req(k8sInstanceType, "In", "p5.48xlarge")),
			want: []string{"capacity-type spot"}},
		{name: "NodePool NotIn spot", r: nodePool("train", training, req(karpenterCapacityType, "NotIn", "spot")), want: []string{"spot"}},
		{name: "NodePool NotIn on-demand", r: nodePool("train", training, req(karpenterCapacityType, "NotIn", "on-demand"))},
		{name: "NodePool Exists", r: nodePool("train", training, map[string]any{"key": karpenterCapacityType, "operator": "Exists"})},
		{name: "NodePool values unknown", r: nodePool("train", training, map[string]any{"key": karpenterCapacityType, "operator": "In", "values": computed})},
		{name: "NodePool requirement key unknown", r: nodePool("train", training, map[string]any{"key": computed, "operator": "In", "values": []string{"x"}})},
		{name: "NodePool requirements unknown", r: mk(karpenterNodePoolType, "p", map[string]any{"spec": map[string]any{"template": map[string]any{
			"metadata": map[string]any{"labels": training}, "spec": map[string]any{"requirements": computed}}}})},
		{name: "v1beta1 NodePool", r: withType(nodePool("train", training), "kubernetes:karpenter.sh/v1beta1:NodePool"), want: []string{"spot"}},
	})
}

func withType(r Resource, typ string) Resource {
	r.Type = typ
	r.URN = urnOf(typ, r.Name)
	return r
}

func TestBatchCPUUsesSpot(t *testing.T) {
	runRuleCases(t, "eks-batch-nodes-spot", []ruleCase{
		{name: "spot", r: nodeGroup("batch", "dev", "batch", "none", "SPOT", 0, "c6i.4xlarge")},
		{name: "on-demand CPU", r: nodeGroup("batch", "dev", "batch", "none", "ON_DEMAND", 0, "c6i.4xlarge"), want: []string{"workload-type: batch"}},
		{name: "on-demand GPU batch is not CPU", r: nodeGroup("batch", "dev", "batch", "nvidia-gpu", "ON_DEMAND", 0, "g5.xlarge")},
		{name: "no accelerator label, CPU types", r: mk(eksNodeGroupType, "b", map[string]any{"labels": map[string]any{labelWorkloadType: "batch"}, "instanceTypes": []string{"m6i.xlarge"}}), want: []string{"batch"}},
		{name: "no accelerator label, types unknown", r: mk(eksNodeGroupType, "b", map[string]any{"labels": map[string]any{labelWorkloadType: "batch"}, "instanceTypes": computed})},
		{name: "system group", r: nodeGroup("system", "dev", "system", "none", "ON_DEMAND", 2, "m6i.xlarge")},
	})
}

func TestPipelineSpotTraining(t *testing.T) {
	pipe := func(def any) Resource { return mk(smPipelineType, "train", map[string]any{"pipelineDefinition": def}) }
	const good = `{"Version":"2020-12-01","Steps":[{"Name":"Train","Type":"Training","Arguments":{` +
		`"EnableManagedSpotTraining":true,"CheckpointConfig":{"S3Uri":"s3://ckpt/train"},"StoppingCondition":{"MaxWaitTimeInSeconds":86400}}}]}`
	runRuleCases(t, "sagemaker-pipeline-training-spot", []ruleCase{
		{name: "spot with checkpoints", r: pipe(good)},
		{name: "on-demand", r: pipe(`{"Steps":[{"Name":"Train","Type":"Training","Arguments":{}}]}`),
			want: []string{"step Train: EnableManagedSpotTraining is not set"}},
		{name: "explicitly off", r: pipe(`{"Steps":[{"Name":"Train","Type":"Training","Arguments":{"EnableManagedSpotTraining":false}}]}`),
			want: []string{"EnableManagedSpotTraining is false"}},
		{name: "spot without checkpoints", r: pipe(`{"Steps":[{"Name":"Train","Type":"Training","Arguments":{"EnableManagedSpotTraining":true}}]}`),
			want: []string{"without CheckpointConfig.S3Uri"}},
		{name: "parameterised", r: pipe(`{"Steps":[{"Name":"Train","Type":"Training","Arguments":{"EnableManagedSpotTraining":{"Get":"Parameters.Spot"}}}]}`)},
		{name: "nested in a condition", r: pipe(`{"Steps":[{"Name":"Check","Type":"Condition","Arguments":{"IfSteps":[` +
			`{"Name":"Retrain","Type":"Training","Arguments":{}}],"ElseSteps":[]}}]}`), want: []string{"step Retrain"}},
		{name: "tuning job definition", r: pipe(`{"Steps":[{"Name":"HPO","Type":"Tuning","Arguments":{"TrainingJobDefinition":{}}}]}`),
			want: []string{"tuning step HPO"}},
		{name: "processing only", r: pipe(`{"Steps":[{"Name":"Prep","Type":"Processing","Arguments":{}}]}`)},
		{name: "definition unknown", r: pipe(computed)},
		{name: "not JSON", r: pipe("steps: []")},
	})
}

func TestAcceleratorAllowList(t *testing.T) {
	runRuleCases(t, "ec2-accelerator-type-allowed", []ruleCase{
		{name: "allowed GPU", r: nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 0, "g5.12xlarge", "g5.24xlarge")},
		{name: "CPU is not judged", r: nodeGroup("s", "dev", "system", "none", "ON_DEMAND", 2, "m6i.xlarge")},
		{name: "old GPU", r: nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 0, "g4dn.12xlarge", "g5.12xlarge"),
			want: []string{"accelerated instance types outside the allow-list: g4dn.12xlarge"}},
		{name: "types unknown", r: withProps(nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 0), map[string]any{"instanceTypes": computed})},
		{name: "config", r: nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 0, "g4dn.xlarge"), cfg: map[string]any{"allowedInstanceTypes": []any{"g4dn.xlarge"}}},
		{name: "launch template", r: mk(launchTemplateType, "lt", map[string]any{"instanceType": "p3.16xlarge"}), want: []string{"p3.16xlarge"}},
		{name: "notebook ml. prefix", r: mk(smNotebookType, "nb", map[string]any{"instanceType": "ml.p3.2xlarge"}), want: []string{"ml.p3.2xlarge"}},
		{name: "notebook allowed", r: mk(smNotebookType, "nb", map[string]any{"instanceType": "ml.g5.xlarge"})},
		{name: "endpoint variants", r: mk(smEndpointConfigType, "ep", map[string]any{"productionVariants": []any{
			map[string]any{"instanceType": "ml.inf2.xlarge"}, map[string]any{"instanceType": "ml.g4dn.xlarge"}}}), want: []string{"ml.g4dn.xlarge"}},
		{name: "NodePool types", r: nodePool("p", nil, req(k8sInstanceType, "In", "p5.48xlarge", "p3.16xlarge")), want: []string{"p3.16xlarge"}},
		{name: "NodePool families", r: nodePool("p", nil, req(karpenterFamily, "In", "g5", "g4dn")), want: []string{"g4dn (family)"}},
		{name: "NodePool families allowed", r: nodePool("p", nil, req(karpenterFamily, "In", "g5", "g6e"))},
	})
}

func TestGPUScaleToZero(t *testing.T) {
	runRuleCases(t, "eks-accelerator-nodes-scale-to-zero", []ruleCase{
		{name: "dev GPU at zero", r: nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 0, "g5.12xlarge")},
		{name: "dev GPU kept warm", r: nodeGroup("g", "dev", "inference", "nvidia-gpu", "SPOT", 1, "g5.xlarge"),
			want: []string{"accelerated node group has minimum size 1 outside prod"}},
		{name: "prod GPU kept warm", r: nodeGroup("g", "prod", "inference", "nvidia-gpu", "ON_DEMAND", 2, "g5.xlarge")},
		{name: "dev CPU system group", r: nodeGroup("s", "dev", "system", "none", "ON_DEMAND", 2, "m6i.xlarge")},
		{name: "label absent, GPU types", r: mk(eksNodeGroupType, "g", map[string]any{"tags": envTags("dev"), "instanceTypes": []string{"g5.xlarge"},
			"scalingConfig": map[string]any{"minSize": 1}}), want: []string{"minimum size 1"}},
		{name: "min size unknown", r: withProps(nodeGroup("g", "dev", "training", "aws-trainium", "SPOT", 0), map[string]any{"scalingConfig": computed})},
		{name: "no environment counts as not prod", r: withProps(nodeGroup("g", "dev", "training", "nvidia-gpu", "SPOT", 1), map[string]any{"tags": computed}),
			want: []string{"minimum size 1"}},
	})
}

func TestBudgetExists(t *testing.T) {
	cluster := mk(eksClusterType, "eks", map[string]any{"tags": envTags("dev")})
	ng := nodeGroup("a-group", "dev", "system", "none", "ON_DEMAND", 2, "m6i.xlarge")
	prodCluster := mk(eksClusterType, "eks", map[string]any{"tags": envTags("prod")})
	vpc := mk(vpcType, "net", nil)
	budget := mk(budgetType, "monthly", nil)
	component := mk("eks:index:Cluster", "eks-component", nil)
	runStackCases(t, "budgets-budget-present", []stackCase{
		{name: "compute with a budget", rs: []Resource{vpc, cluster, budget}},
		{name: "compute without a budget", rs: []Resource{vpc, cluster}, want: []Finding{{cluster.URN, "no aws:budgets/budget:Budget"}}},
		{name: "reported on the first resource by URN, whatever the order", rs: []Resource{vpc, ng, cluster},
			want: []Finding{{cluster.URN, "no aws:budgets/budget:Budget"}}},
		{name: "network only", rs: []Resource{vpc}},
		{name: "an empty pulumi-eks component alone is nothing to judge", rs: []Resource{component}},
		{name: "a NodePool counts", rs: []Resource{nodePool("p", nil)}, want: []Finding{{urnOf(karpenterNodePoolType, "p"), "billable compute"}}},
		{name: "prod is the -prod rule's", rs: []Resource{prodCluster}},
	})
	runStackCases(t, "budgets-budget-present-prod", []stackCase{
		{name: "prod without a budget", rs: []Resource{vpc, prodCluster}, want: []Finding{{prodCluster.URN, "no aws:budgets/budget:Budget"}}},
		{name: "prod with a budget", rs: []Resource{vpc, prodCluster, budget}},
		{name: "dev is the advisory rule's", rs: []Resource{cluster}},
	})
}

// TestBudgetCoversEstimate: the stack budget is judged against the
// estimate of the plan the pack sees; service budgets are not.
func TestBudgetCoversEstimate(t *testing.T) {
	budget := func(env string, limit any, filters ...any) Resource {
		return mk(budgetType, "monthly", map[string]any{"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": limit,
			"costFilters": filters, "tags": envTags(env)})
	}
	// 4 x p5.48xlarge on-demand: about $287k a month at list price.
	gpus := nodeGroup("training", "prod", "training", "nvidia-gpu", "ON_DEMAND", 4, "p5.48xlarge")
	small := nodeGroup("system", "prod", "system", "none", "ON_DEMAND", 2, "m6i.xlarge")
	low, high := budget("prod", "1000"), budget("prod", "500000")
	service := budget("prod", "1000", map[string]any{"name": "Service", "values": []any{"Amazon SageMaker"}})
	tagged := budget("prod", "1000", map[string]any{"name": "TagKeyValue", "values": []any{"user:Stack$ml-platform-prod"}})
	runStackCases(t, "budgets-budget-covers-estimate-prod", []stackCase{
		{name: "budget above the estimate", rs: []Resource{gpus, high}},
		{name: "budget below the estimate", rs: []Resource{gpus, low}, want: []Finding{{low.URN, "limitAmount $1000.00 is below the plan's estimated fixed monthly cost of $"}}},
		{name: "tag-filtered stack budget", rs: []Resource{gpus, tagged}, want: []Finding{{tagged.URN, "is below the plan's estimated"}}},
		{name: "service budgets are not the stack's", rs: []Resource{gpus, service}},
		{name: "small plan", rs: []Resource{small, low}},
		{name: "limit unknown", rs: []Resource{gpus, budget("prod", computed)}},
		{name: "dev is the advisory rule's", rs: []Resource{gpus, budget("dev", "1000")}},
	})
	devLow := budget("dev", "100")
	runStackCases(t, "budgets-budget-covers-estimate", []stackCase{
		{name: "dev below", rs: []Resource{small, devLow}, want: []Finding{{devLow.URN, "is below the plan's estimated"}}},
		{name: "dev above", rs: []Resource{small, budget("dev", "1000")}},
	})
}

func TestS3LifecycleRules(t *testing.T) {
	b := mk(s3BucketV2Type, "data", nil)
	lc := func(status any) Resource {
		return withDeps(mk(s3LifecycleType, "data-lc", map[string]any{"bucket": computed, "rules": []any{
			map[string]any{"id": "expire-checkpoints", "status": status}}}), "bucket", b.URN)
	}
	runStackCases(t, "s3-bucket-lifecycle-enabled", []stackCase{
		{name: "enabled rule", rs: []Resource{b, lc("Enabled")}},
		{name: "disabled rule", rs: []Resource{b, lc("Disabled")}, want: []Finding{{b.URN, "no rule with status Enabled"}}},
		{name: "status unknown", rs: []Resource{b, lc(computed)}},
		{name: "none", rs: []Resource{b}, want: []Finding{{b.URN, "no lifecycle rule"}}},
		{name: "inline", rs: []Resource{withProps(b, map[string]any{"lifecycleRules": []any{map[string]any{"enabled": true}}})}},
		{name: "unresolved", rs: []Resource{b, mk(s3LifecycleType, "x", map[string]any{"bucket": computed})}},
	})
}

func TestEFAPlacementGroup(t *testing.T) {
	efa := func(placement any) Resource {
		props := map[string]any{"networkInterfaces": []any{
			map[string]any{"networkCardIndex": 0, "deviceIndex": 0, "interfaceType": "efa"},
			map[string]any{"networkCardIndex": 1, "deviceIndex": 1, "interfaceType": "efa-only"},
		}}
		if placement != nil {
			props["placement"] = placement
		}
		return mk(launchTemplateType, "p5", props)
	}
	pg := mk(placementGroupType, "p5-pg", map[string]any{"strategy": "cluster", "name": "ml-p5"})
	spread := mk(placementGroupType, "p5-pg", map[string]any{"strategy": "spread"})
	spread.ID = "ml-p5-spread"
	byDeps := withDeps(efa(map[string]any{"groupName": computed}), "placement", pg.URN)
	runStackCases(t, "ec2-efa-placement-cluster", []stackCase{
		{name: "cluster group by dependency", rs: []Resource{byDeps, pg}},
		{name: "cluster group by name", rs: []Resource{efa(map[string]any{"groupName": "ml-p5"}), pg}},
		{name: "no placement", rs: []Resource{efa(nil), pg}, want: []Finding{{byDeps.URN, "sets no placement.groupName"}}},
		{name: "spread group by ID", rs: []Resource{efa(map[string]any{"groupName": "ml-p5-spread"}), spread}, want: []Finding{{byDeps.URN, "strategy spread"}}},
		{name: "group managed elsewhere", rs: []Resource{efa(map[string]any{"groupName": "shared-pg"})}},
		{name: "group unknown", rs: []Resource{efa(map[string]any{"groupName": computed})}},
		{name: "not EFA", rs: []Resource{mk(launchTemplateType, "cpu", map[string]any{"networkInterfaces": []any{map[string]any{"interfaceType": "interface"}}})}},
	})
}
