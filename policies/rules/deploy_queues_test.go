package rules

import "testing"

func TestQueuesWithinPools(t *testing.T) {
	pool := func(name string, gpus any, taint bool) Resource {
		spec := map[string]any{"requirements": []any{}}
		if taint {
			spec["taints"] = []any{map[string]any{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}}
		}
		return mk(karpenterNodePoolType, name, map[string]any{
			"metadata": map[string]any{"name": name},
			"spec":     map[string]any{"template": map[string]any{"spec": spec}, "limits": map[string]any{"cpu": "4000", "nvidia.com/gpu": gpus}},
		})
	}
	flavor := func(name, poolName string, tolerate bool) Resource {
		spec := map[string]any{"nodeLabels": map[string]any{"karpenter.sh/nodepool": poolName}}
		if tolerate {
			spec["tolerations"] = []any{map[string]any{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}}
		}
		return mk(kueueResourceFlavorType, name, map[string]any{"metadata": map[string]any{"name": name}, "spec": spec})
	}
	queue := func(name, flavorName string, gpus any, extra map[string]any) Resource {
		gpu := map[string]any{"name": "nvidia.com/gpu", "nominalQuota": gpus}
		cpu := map[string]any{"name": "cpu", "nominalQuota": "4000"}
		for k, v := range extra {
			if k == "cpu" {
				cpu["nominalQuota"] = v
				continue
			}
			gpu[k] = v
		}
		spec := map[string]any{"resourceGroups": []any{map[string]any{
			"coveredResources": []any{"cpu", "nvidia.com/gpu"},
			"flavors": []any{map[string]any{"name": flavorName, "resources": []any{
				cpu, gpu,
			}}},
		}}}
		if _, ok := extra["borrowingLimit"]; ok {
			spec["cohortName"] = "shared"
		}
		if extra["cohort"] == true {
			spec["cohortName"] = "shared"
			delete(gpu, "cohort")
			cpu["borrowingLimit"] = "0"
		}
		return mk(kueueClusterQueueType, name, map[string]any{"metadata": map[string]any{"name": name}, "spec": spec})
	}
	training := pool("gpu-training", "64", true)
	within := queue("gpu-training", "gpu-training", "64", nil)
	above := queue("gpu-training", "gpu-training", "128", nil)
	second := queue("extra", "gpu-training", "8", map[string]any{"cpu": "0"})
	runStackCases(t, "kueue-cluster-queue-within-pool-limits", []stackCase{
		{name: "quota equals the limit", rs: []Resource{training, flavor("gpu-training", "gpu-training", true), within}},
		{name: "quota as a number", rs: []Resource{training, flavor("gpu-training", "gpu-training", true), queue("gpu-training", "gpu-training", 32, nil)}},
		{name: "quota above the limit", rs: []Resource{training, flavor("gpu-training", "gpu-training", true), above},
			want: []Finding{{above.URN, "admit 128 nvidia.com/gpu, but the pool may launch 64"}}},
		{name: "two queues add up above the limit", rs: []Resource{training, flavor("gpu-training", "gpu-training", true), within, second},
			want: []Finding{{within.URN, "(gpu-training, extra) admit 72"}, {second.URN, "admit 72"}}},
		{name: "borrowing counts", rs: []Resource{training, flavor("gpu-training", "gpu-training", true),
			queue("gpu-training", "gpu-training", "60", map[string]any{"borrowingLimit": "8"})},
			want: []Finding{{within.URN, "admit without bound (a cohort and no borrowingLimit) cpu"}, {within.URN, "admit 68"}}},
		{name: "a cohort without a borrowing limit is unbounded", rs: []Resource{training, flavor("gpu-training", "gpu-training", true),
			queue("gpu-training", "gpu-training", "8", map[string]any{"cohort": true})},
			want: []Finding{{within.URN, "without bound"}}},
		{name: "flavor misses the taint", rs: []Resource{training, flavor("gpu-training", "gpu-training", false), within},
			want: []Finding{{within.URN, "does not tolerate NodePool \"gpu-training\"'s taints nvidia.com/gpu"}}},
		{name: "pool not in the stack", rs: []Resource{flavor("gpu-training", "gpu-training", true), within},
			want: []Finding{{within.URN, "which the stack does not have"}}},
		{name: "pool without a GPU limit", rs: []Resource{pool("gpu-training", nil, true), flavor("gpu-training", "gpu-training", true), above}},
		{name: "flavor not on a NodePool", rs: []Resource{training, mk(kueueResourceFlavorType, "default", map[string]any{"metadata": map[string]any{"name": "default"}}),
			queue("default", "default", "999", nil)}},
	})
}

func TestParseQuantity(t *testing.T) {
	for in, want := range map[string]float64{"64": 64, "500m": 0.5, "16Gi": 16 << 30, "1k": 1000, "2.5": 2.5} {
		if got, ok := parseQuantity(in); !ok || got != want {
			t.Errorf("parseQuantity(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := parseQuantity("lots"); ok {
		t.Error("parseQuantity(\"lots\") parsed")
	}
}
