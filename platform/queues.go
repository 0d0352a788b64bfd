package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/workloads"
)

// buildQueues installs Kueue with a queue per Karpenter pool whose quota
// is the pool's limits, after the namespaces it admits work to.
func (p *Platform) buildQueues(ctx *pulumi.Context, deps []pulumi.Resource, teamQuota workloads.Quota) error {
	cfg := p.Config
	q := cfg.Cluster.Queues
	if q == nil || p.Karpenter == nil {
		return nil
	}
	var err error
	p.Queues, err = workloads.NewQueues(ctx, "queues", &workloads.QueuesArgs{
		Provider:          p.Cluster.Provider,
		Queues:            *q,
		Pools:             queuePools(cfg.Cluster.Karpenter, cfg.Environment.ProdLike(), cfg.Serving.ServingReserve()),
		TrainingNamespace: p.Namespaces.Namespaces[workloads.TrainingNamespace].Metadata.Name().Elem(),
		TeamQuota:         teamQuota,
		DependsOn:         deps,
	})
	return err
}

// queuePools are Karpenter's pools as Kueue queues them: the quota is the
// pool's limit less what runs there without a queue (reserved, by pool).
func queuePools(k config.Karpenter, prod bool, reserved map[string]int) []workloads.QueuePool {
	var out []workloads.QueuePool
	for _, pool := range cluster.Pools(prod, k.TrainingGPULimit, k.InferenceGPULimit, k.NeuronDeviceLimit) {
		taint, _ := cluster.AcceleratorTaint(pool.Accelerator)
		out = append(out, workloads.QueuePool{
			Name: pool.Name, Resource: pool.Resource, Quota: max(pool.Limit-reserved[pool.Name], 0),
			CPUs: k.CPULimit, Taint: taint,
		})
	}
	return out
}

// trainingQueue is the LocalQueue and priority the example job is
// submitted with; "" when queues are off.
func (p *Platform) trainingQueue() (queue, priority string, deps []pulumi.Resource) {
	if p.Queues == nil {
		return "", "", nil
	}
	return cluster.PoolGPUTraining, workloads.PriorityStandard, []pulumi.Resource{p.Queues}
}
