package platform

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/access/declare"
	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/cluster"
	"github.com/ml-platform/ml-platform/components/observability"
	smc "github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
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
	if g := o.Grafana; g != nil {
		args.Grafana = &observability.GrafanaArgs{Grafana: *g}
		if ep, ok := p.Network.InterfaceEndpoints[catalog.GrafanaWorkspaceEndpoint]; ok {
			args.Grafana.EndpointID = ep.ID().ToStringOutput()
		}
	}
	slices.Sort(args.PipelineARNs)
	var err error
	p.Observability, err = observability.New(ctx, "observability", args, withAWS)
	if err != nil {
		return err
	}
	return p.buildDashboards(ctx, prefix, needs, withAWS)
}

// grafanaRotatorRoleName is the token rotation job's role.
func grafanaRotatorRoleName(prefix string) string { return prefix + "-grafana-rotator" }

// buildDashboards provisions the Grafana workspace from the cluster: the
// operator, the data sources, the dashboards and the weekly token
// rotation, whose Pod Identity role may mint tokens for this workspace's
// provisioning account only.
func (p *Platform) buildDashboards(ctx *pulumi.Context, prefix string, needs needs, withAWS pulumi.ResourceOption) error {
	g := p.Observability.Grafana
	if g == nil {
		return nil
	}
	chart, _ := catalog.LookupChart("grafana-operator")
	rotator, err := p.newPodRole(ctx, podRole{
		logical: "dashboards-rotator", name: grafanaRotatorRoleName(prefix), namespace: chart.Namespace,
		serviceAccount: workloads.GrafanaTokenRotator,
		description:    "Rotates the Grafana operator's token for the stack's Managed Grafana workspace",
		policy: g.Workspace.Arn.ApplyT(func(ws string) string {
			return iamdoc.New(iamdoc.Allow("MintProvisioningTokens", []string{"grafana:CreateWorkspaceServiceAccountToken"}, ws)).JSON()
		}).(pulumi.StringOutput),
	}, withAWS)
	if err != nil {
		return err
	}
	p.Dashboards, err = workloads.NewDashboards(ctx, "dashboards", &workloads.DashboardsArgs{
		Provider:     p.Cluster.Provider,
		WorkspaceURL: pulumi.Sprintf("https://%s", g.Workspace.Endpoint), WorkspaceID: g.Workspace.ID().ToStringOutput(),
		Token: g.Token.Key, ServiceAccountID: g.ServiceAccount.ServiceAccountId,
		PrometheusURL: p.Observability.Prometheus.Workspace.PrometheusEndpoint,
		Region:        p.Config.Region, ClusterName: p.Cluster.Name,
		NVIDIA: needs.nvidia, Neuron: needs.neuron, LLMServers: len(p.Config.Serving.LLMs) > 0,
		DependsOn: append(rotator.ready(), p.Accelerators),
	})
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

// grafanaURL is the Managed Grafana workspace's address ("" without one).
func (p *Platform) grafanaURL() pulumi.StringInput {
	if p.Observability == nil || p.Observability.Grafana == nil {
		return pulumi.String("")
	}
	return pulumi.Sprintf("https://%s", p.Observability.Grafana.Workspace.Endpoint)
}

// dashboardsFlows: the workspace's role queries the Prometheus workspace
// and reads nothing else; the rotation job mints tokens for this
// workspace and administers nothing.
func (p *Platform) dashboardsFlows(ctx *pulumi.Context) error {
	if p.Observability == nil || p.Observability.Grafana == nil {
		return nil
	}
	g := p.Observability.Grafana
	b := p.flowsFor()
	prefix := p.Config.Project + "-" + p.Config.Name
	ws := p.Observability.Prometheus.Workspace.Arn
	grafanaRole := b.role(prefix + "-grafana")
	b.add("Managed Grafana queries the Prometheus workspace", declare.Allowed, "observability.grafana: the AMP data source signs with the workspace's role",
		req(grafanaRole, "aps:QueryMetrics", ws, declare.FromService()))
	b.add("Managed Grafana writes metrics or reads models", declare.Refused, "its role reads metrics only",
		req(grafanaRole, "aps:RemoteWrite", ws, declare.FromService()),
		req(grafanaRole, "s3:GetObject", b.object(storage.Models, "churn/v1/model.tar.gz"), declare.FromService()))
	rotator := b.role(grafanaRotatorRoleName(prefix))
	b.add("the token rotation job mints a provisioning token", declare.Allowed, "the operator's token lives 30 days at most",
		req(rotator, "grafana:CreateWorkspaceServiceAccountToken", g.Workspace.Arn, declare.FromInternet()))
	b.add("the token rotation job administers the workspace", declare.Refused, "it mints tokens only",
		req(rotator, "grafana:DeleteWorkspace", g.Workspace.Arn, declare.FromInternet()),
		req(rotator, "grafana:UpdateWorkspaceAuthentication", g.Workspace.Arn, declare.FromInternet()))
	b.binds = append(b.binds, declare.Binding{Resource: g.Workspace, Value: g.Workspace.Arn},
		declare.Binding{Resource: p.Observability.Prometheus.Workspace, Value: ws})
	return b.register(ctx, "dashboards-flows", "observability", p.Observability)
}
