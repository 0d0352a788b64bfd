package workloads_test

import (
	"strconv"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/spec"
	"github.com/ml-platform/ml-platform/workloads"
)

func queuePools() []workloads.QueuePool {
	return []workloads.QueuePool{
		{Name: "gpu-training", Resource: "nvidia.com/gpu", Quota: 64, CPUs: 4000, Taint: "nvidia.com/gpu"},
		{Name: "neuron-training", Resource: "aws.amazon.com/neuron", Quota: 16, CPUs: 4000, Taint: "aws.amazon.com/neuron"},
	}
}

func TestQueues(t *testing.T) {
	rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
		_, err := workloads.NewQueues(ctx, "queues", &workloads.QueuesArgs{
			Provider: p, Queues: spec.Queues{Teams: []string{"research", "vision"}, Preemption: "LowerPriority"},
			Pools: queuePools(), TrainingNamespace: pulumi.String(workloads.TrainingNamespace),
			TeamQuota: workloads.Quota{NvidiaGPUs: 64, NeuronDevices: 16},
		})
		return err
	})
	require.NoError(t, err)

	// One ClusterQueue per pool: the pool's flavor, quota equal to the
	// pool's limits, admitting ml-training and the teams.
	cqs := rec.ByType("kubernetes:" + catalog.KueueAPIVersion + ":ClusterQueue")
	require.Len(t, cqs, 2)
	for i, pool := range queuePools() {
		s := mock.Object(cqs[i].Inputs, "spec")
		require.Equal(t, pool.Name, mock.String(mock.Object(cqs[i].Inputs, "metadata"), "name"))
		require.Equal(t, "LowerPriority", mock.String(mock.Object(s, "preemption"), "withinClusterQueue"))
		require.Empty(t, mock.String(s, "cohortName"), "no borrowing between pools")
		group := mock.Array(s, "resourceGroups")[0].ObjectValue()
		var covered, listed []string
		for _, r := range mock.Array(group, "coveredResources") {
			covered = append(covered, r.StringValue())
		}
		require.Equal(t, []string{"cpu", pool.Resource}, covered)
		flavor := mock.Array(group, "flavors")[0].ObjectValue()
		require.Equal(t, pool.Name, mock.String(flavor, "name"))
		quotas := map[string]string{}
		for _, r := range mock.Array(flavor, "resources") {
			quotas[mock.String(r.ObjectValue(), "name")] = mock.String(r.ObjectValue(), "nominalQuota")
			listed = append(listed, mock.String(r.ObjectValue(), "name"))
		}
		require.Equal(t, covered, listed, "Kueue wants a flavor's resources in the covered order")
		require.Equal(t, map[string]string{"cpu": "4000", pool.Resource: strconv.Itoa(pool.Quota)}, quotas)
		sel := mock.Array(mock.Object(s, "namespaceSelector"), "matchExpressions")[0].ObjectValue()
		require.Equal(t, []string{workloads.TrainingNamespace, "team-research", "team-vision"}, mock.Strings(sel, "values"))
		require.Equal(t, "kubernetes.io/metadata.name", mock.String(sel, "key"))
	}

	// Flavors put admitted pods on the pool and tolerate its taint.
	flavors := rec.ByType("kubernetes:" + catalog.KueueAPIVersion + ":ResourceFlavor")
	require.Len(t, flavors, 2)
	fs := mock.Object(flavors[0].Inputs, "spec")
	require.Equal(t, "gpu-training", mock.String(mock.Object(fs, "nodeLabels"), "karpenter.sh/nodepool"))
	require.Equal(t, "nvidia.com/gpu", mock.String(mock.Array(fs, "tolerations")[0].ObjectValue(), "key"))

	// A LocalQueue per pool in ml-training and in each team namespace.
	lqs := rec.ByType("kubernetes:" + catalog.KueueAPIVersion + ":LocalQueue")
	got := map[string]string{}
	for _, lq := range lqs {
		meta := mock.Object(lq.Inputs, "metadata")
		got[mock.String(meta, "namespace")+"/"+mock.String(meta, "name")] = mock.String(mock.Object(lq.Inputs, "spec"), "clusterQueue")
	}
	require.Equal(t, map[string]string{
		"ml-training/gpu-training": "gpu-training", "ml-training/neuron-training": "neuron-training",
		"team-research/gpu-training": "gpu-training", "team-research/neuron-training": "neuron-training",
		"team-vision/gpu-training": "gpu-training", "team-vision/neuron-training": "neuron-training",
	}, got)

	// Team namespaces: baseline pod security and the training quota.
	ns := rec.ByName("kubernetes:core/v1:Namespace", "queues-team-research")
	require.NotNil(t, ns)
	require.Equal(t, "baseline", mock.String(mock.Object(mock.Object(ns.Inputs, "metadata"), "labels"), "pod-security.kubernetes.io/enforce"))
	quota := rec.ByName("kubernetes:core/v1:ResourceQuota", "queues-team-research-accelerators")
	require.NotNil(t, quota)
	require.Equal(t, "64", mock.String(mock.Object(mock.Object(quota.Inputs, "spec"), "hard"), "requests.nvidia.com/gpu"))

	// Priorities, highest first.
	classes := rec.ByType("kubernetes:" + catalog.KueueAPIVersion + ":WorkloadPriorityClass")
	require.Len(t, classes, 3)
	urgent := rec.ByName("kubernetes:"+catalog.KueueAPIVersion+":WorkloadPriorityClass", "queues-priority-"+workloads.PriorityUrgent)
	best := rec.ByName("kubernetes:"+catalog.KueueAPIVersion+":WorkloadPriorityClass", "queues-priority-"+workloads.PriorityBestEffort)
	require.Equal(t, resource.NewProperty(10000.0), urgent.Inputs["value"])
	require.Greater(t, urgent.Inputs["value"].NumberValue(), best.Inputs["value"].NumberValue())
}

func TestKueueValues(t *testing.T) {
	values, err := workloads.KueueValues()
	require.NoError(t, err)
	var config map[string]any
	text := values["managerConfig"].(map[string]any)["controllerManagerConfigYaml"].(string)
	require.NoError(t, yaml.Unmarshal([]byte(text), &config))
	require.Equal(t, catalog.KueueConfigAPIVersion, config["apiVersion"])
	require.Equal(t, "IgnoreUndeclared", config["resources"].(map[string]any)["quotaCheckStrategy"],
		"memory and EFA are not covered by the queues: without it no pod requesting them is admitted")
	require.Contains(t, config["integrations"].(map[string]any)["frameworks"], catalog.KueueTrainJobFramework)
	require.NotContains(t, config, "internalCertManagement", "left to the chart's template, which names the secret")
}

func TestQueuesRefused(t *testing.T) {
	for name, args := range map[string]*workloads.QueuesArgs{
		"no pools":        {Pools: nil},
		"no cpu":          {Pools: []workloads.QueuePool{{Name: "gpu-training", Resource: "nvidia.com/gpu", Quota: 8}}},
		"negative":        {Pools: []workloads.QueuePool{{Name: "gpu-training", Resource: "nvidia.com/gpu", Quota: -1, CPUs: 10}}},
		"same pool twice": {Pools: []workloads.QueuePool{queuePools()[0], queuePools()[0]}},
	} {
		t.Run(name, func(t *testing.T) {
			rec, err := withProvider(t, func(ctx *pulumi.Context, p *kubernetes.Provider) error {
				args.Provider, args.TrainingNamespace = p, pulumi.String(workloads.TrainingNamespace)
				_, err := workloads.NewQueues(ctx, "queues", args)
				return err
			})
			require.ErrorContains(t, err, "Pools")
			require.Empty(t, rec.ByType("kubernetes:"+catalog.KueueAPIVersion+":ClusterQueue"))
		})
	}
}
