package platform

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/observability"
	smc "github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/workloads"
)

// buildObservability registers the stack's dashboard, alarms and event
// rules. Every dimension is an output of the resource that publishes the
// metric, so the alarms watch what the stack created.
func (p *Platform) buildObservability(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	o := cfg.Observability
	needs := acceleratorNeeds(cfg.Cluster)
	args := &observability.Args{
		Name: prefix, Region: cfg.Region, ClusterName: p.Cluster.Name,
		NVIDIA: needs.nvidia, Neuron: needs.neuron,
		LLMServers: len(cfg.Serving.LLMs) > 0, LLMNamespace: workloads.InferenceNamespace,
		Thresholds:  o.Alarms,
		TopicARN:    p.Cost.TopicARN,
		TopicPolicy: p.Cost.TopicPolicy,
		Tags:        cfg.Tags(),
	}
	if p.SageMaker != nil {
		for _, e := range cfg.SageMaker.Endpoints {
			args.Endpoints = append(args.Endpoints, observability.Endpoint{
				Label: e.Name, Name: p.SageMaker.Endpoints[e.Name].Endpoint.Name, Variant: smc.Variant,
				Async: e.Kind == config.EndpointAsync,
			})
		}
		// Known before the pipelines exist, as the event pattern must be.
		if p.SageMaker.Pipeline != nil {
			args.PipelineARNs = append(args.PipelineARNs, smc.PipelineARN(awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, buildPipelineName(prefix)))
		}
		if p.SageMaker.Monitoring != nil {
			args.PipelineARNs = append(args.PipelineARNs, smc.PipelineARN(awsarn.Account{Partition: p.Partition, Region: cfg.Region, AccountID: p.AccountID}, dataQualityPipelineName(prefix)))
		}
		if p.SageMaker.BatchInference != nil {
			args.PipelineARNs = append(args.PipelineARNs, smc.PipelineARN(p.Account(), batchPipelineName(prefix)))
		}
	}
	if p.Lustre != nil {
		args.FileSystems = append(args.FileSystems, observability.FileSystem{
			Name: "lustre", ID: p.Lustre.FileSystem.ID().ToStringOutput(), CapacityGiB: cfg.Storage.Lustre.StorageCapacityGiB,
		})
	}
	for i, nat := range p.Network.NATGateways {
		args.NATGateways = append(args.NATGateways, observability.NATGateway{
			Name: p.Network.AvailabilityZones[i], ID: nat.ID().ToStringOutput(),
		})
	}
	for _, spec := range cfg.Cluster.NodeGroups {
		g := p.Cluster.NodeGroups[spec.Name]
		args.NodeGroups = append(args.NodeGroups, observability.NodeGroup{
			Name: spec.Name, ASGName: cluster.AutoScalingGroupName(g.NodeGroup), MaxSize: spec.MaxSize,
		})
	}
	if k := p.Karpenter; k != nil {
		args.InterruptionQueueName = k.Queue.Name
		args.InterruptionRuleName = k.Rules["spot-interruption"].Name
	}
	if pr := o.Prometheus; pr != nil {
		args.Prometheus = &observability.PrometheusArgs{
			Account:   awsarn.Account{Partition: p.Partition, AccountID: p.AccountID},
			KMSKeyARN: p.Keys.ARNs[KeyLogs], KMSKeyAlias: p.Keys.Aliases[KeyLogs],
			// Built from the name output: the collector waits for the cluster.
			ClusterARN: pulumi.Sprintf("%s/%s", p.Account().ARN("eks", "cluster"), p.Cluster.ClusterName),
			VPCID:      p.Network.VPC.ID(), SubnetIDs: p.Network.PrivateSubnetIDs, AZCount: len(p.Network.AvailabilityZones),
			ControlPlaneSecurityGroupID: p.Cluster.ControlPlaneSecurityGroup.ID(),
			NodeSecurityGroupID:         p.Cluster.NodeSecurityGroup.ID(),
			ScrapeIntervalSeconds:       pr.ScrapeIntervalSeconds,
		}
	}
	slices.Sort(args.PipelineARNs)
	var err error
	p.Observability, err = observability.New(ctx, "observability", args, withAWS)
	return err
}

// dashboardURL is the console address of the stack's dashboard.
func (p *Platform) dashboardURL() pulumi.StringInput {
	r := p.Config.Region
	return pulumi.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s", r, r,
		p.Observability.Dashboard.DashboardName)
}

// prometheusWorkspaceARN is the managed Prometheus workspace ("" without one).
func (p *Platform) prometheusWorkspaceARN() pulumi.StringInput {
	if p.Observability.Prometheus == nil {
		return pulumi.String("")
	}
	return p.Observability.Prometheus.Workspace.Arn
}

// prometheus is the managed Prometheus workspace and collector; nil when
// off.
func (p *Platform) prometheus() *observability.Prometheus {
	if p.Observability == nil {
		return nil
	}
	return p.Observability.Prometheus
}
