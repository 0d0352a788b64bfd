package tests

import (
	"slices"
	"strconv"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/policies/rules"
	"github.com/ml-platform/ml-platform/workloads"
)

const clusterQueueType = "kubernetes:" + catalog.KueueAPIVersion + ":ClusterQueue"

// TestQueuesFollowPoolLimits: in both shipped stacks every Karpenter pool
// has a ClusterQueue whose quota is exactly the pool's limits, and the
// queue rule passes; raising one quota above its pool is caught.
func TestQueuesFollowPoolLimits(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			pools := byType(res, nodePoolType)
			require.NotEmpty(t, pools)
			queues := map[string]map[string]string{}
			for _, q := range byType(res, clusterQueueType) {
				group := arr(obj(q.Inputs, "spec"), "resourceGroups")[0].ObjectValue()
				flavor := arr(group, "flavors")[0].ObjectValue()
				quota := map[string]string{}
				for _, r := range arr(flavor, "resources") {
					quota[str(r.ObjectValue(), "name")] = str(r.ObjectValue(), "nominalQuota")
				}
				queues[str(obj(q.Inputs, "metadata"), "name")] = quota
			}
			require.Len(t, queues, len(pools), "a queue per pool")
			reserved := servingReserve(t, res)
			for _, p := range pools {
				name := str(obj(p.Inputs, "metadata"), "name")
				limits := obj(obj(p.Inputs, "spec"), "limits")
				want := map[string]string{}
				for k, v := range limits {
					n, err := strconv.Atoi(v.StringValue())
					require.NoError(t, err)
					if string(k) != "cpu" {
						n -= reserved[name]
					}
					want[string(k)] = strconv.Itoa(n)
				}
				require.Equal(t, want, queues[name], "queue %s's quota is pool %s's limits, less what its LLM servers may hold", name, name)
			}
			for _, v := range res.Violations {
				require.NotEqual(t, "kueue-cluster-queue-within-pool-limits", v.Policy, v.Message)
			}

			rs := offline.PolicyResources(res.Registered)
			raised := slices.Clone(rs)
			for i, r := range raised {
				if r.Type != clusterQueueType || r.Name != "queues-cluster-queue-gpu-training" {
					continue
				}
				spec := r.Properties.Get("spec").AsMap()
				group := spec.Get("resourceGroups").AsArray().Get(0).AsMap()
				flavor := group.Get("flavors").AsArray().Get(0).AsMap()
				res := flavor.Get("resources").AsArray().AsSlice()
				res[1] = property.New(res[1].AsMap().Set("nominalQuota", property.New("1000")))
				flavor = flavor.Set("resources", property.New(res))
				group = group.Set("flavors", property.New([]property.Value{property.New(flavor)}))
				spec = spec.Set("resourceGroups", property.New([]property.Value{property.New(group)}))
				raised[i].Properties = r.Properties.Set("spec", property.New(spec))
			}
			var fired []string
			for _, v := range rules.Evaluate(raised, nil) {
				if v.Policy == "kueue-cluster-queue-within-pool-limits" {
					fired = append(fired, v.Message)
				}
			}
			require.Len(t, fired, 1, "a quota above the pool's limit is caught")
			require.Contains(t, fired[0], "admit 1000 nvidia.com/gpu")
		})
	}
}

// TestQueuesAdmitTheTeams: dev's team gets a namespace with a LocalQueue
// per pool, and the queues admit ml-training and the team only.
func TestQueuesAdmitTheTeams(t *testing.T) {
	res := preview(t, "dev")
	local := map[string]string{}
	for _, q := range byType(res, "kubernetes:"+catalog.KueueAPIVersion+":LocalQueue") {
		meta := obj(q.Inputs, "metadata")
		local[str(meta, "namespace")+"/"+str(meta, "name")] = str(obj(q.Inputs, "spec"), "clusterQueue")
	}
	for _, p := range byType(res, nodePoolType) {
		name := str(obj(p.Inputs, "metadata"), "name")
		for _, ns := range []string{workloads.TrainingNamespace, workloads.TeamNamespace("research")} {
			require.Equal(t, name, local[ns+"/"+name], "%s submits to pool %s", ns, name)
		}
	}
	for _, q := range byType(res, clusterQueueType) {
		sel := arr(obj(obj(q.Inputs, "spec"), "namespaceSelector"), "matchExpressions")[0].ObjectValue()
		require.Equal(t, []string{"ml-training", "team-research"}, strs(sel, "values"))
	}
}

// TestTrainingJobIsQueued: the example job is submitted to the training
// pool's queue at standard priority, after the queues exist.
func TestTrainingJobIsQueued(t *testing.T) {
	res := withStorage(t)
	job := byType(res, "kubernetes:"+catalog.TrainerAPIVersion+":TrainJob")[0]
	labels := obj(obj(job.Inputs, "metadata"), "labels")
	require.Equal(t, "gpu-training", str(labels, catalog.KueueQueueLabel))
	require.Equal(t, workloads.PriorityStandard, str(labels, catalog.KueuePriorityLabel))
	var queue string
	for _, q := range byType(res, "kubernetes:"+catalog.KueueAPIVersion+":LocalQueue") {
		if meta := obj(q.Inputs, "metadata"); str(meta, "namespace") == workloads.TrainingNamespace && str(meta, "name") == "gpu-training" {
			queue = q.URN
		}
	}
	require.Contains(t, job.Dependencies, queue, "the LocalQueue exists before the job is submitted")
}

// TestQueuesNeedKarpenter: queues without Karpenter's pools are refused,
// naming the key.
func TestQueuesNeedKarpenter(t *testing.T) {
	project, values := shipped(t, "dev")
	values[config.KeyCluster] = `{"deployerCidrs":["10.0.0.0/16"],"karpenter":{"enabled":false},"queues":{"enabled":true}}`
	_, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.ErrorContains(t, err, "ml-platform:cluster.queues: admits work to Karpenter's pools: enable ml-platform:cluster.karpenter")
}

// servingReserve reads from the plan what the LLM servers may hold of each
// pool: each scaled workload's GPUs per pod x nodes x maxReplicaCount.
func servingReserve(t *testing.T, res *offline.Result) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, so := range byType(res, "kubernetes:keda.sh/v1alpha1:ScaledObject") {
		spec := obj(so.Inputs, "spec")
		target := str(obj(spec, "scaleTargetRef"), "name")
		for _, d := range byType(res, "kubernetes:apps/v1:Deployment") {
			if str(obj(d.Inputs, "metadata"), "name") != target {
				continue
			}
			pod := obj(obj(obj(d.Inputs, "spec"), "template"), "spec")
			gpus, err := strconv.Atoi(str(obj(obj(arr(pod, "containers")[0].ObjectValue(), "resources"), "limits"), "nvidia.com/gpu"))
			require.NoError(t, err)
			out[str(obj(pod, "nodeSelector"), "karpenter.sh/nodepool")] += gpus * int(spec["maxReplicaCount"].NumberValue())
		}
	}
	return out
}
