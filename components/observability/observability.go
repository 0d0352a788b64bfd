package observability

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/internal/lib/tags"
	"github.com/ml-platform/ml-platform/spec"
)

// Endpoint is a SageMaker endpoint to watch.
type Endpoint struct {
	// Label names it in alarm names ("churn"); Name is the endpoint's name
	// output and Variant its production variant.
	Label   string
	Name    pulumi.StringInput
	Variant string
	// Async endpoints publish no Invocations: they get a failure count
	// alarm instead of an error rate and latency.
	Async bool
}

// FileSystem is an FSx for Lustre file system to watch.
type FileSystem struct {
	// Name labels it; ID is the file system's ID output.
	Name string
	ID   pulumi.StringInput
	// CapacityGiB is its storage capacity: the free-capacity alarm's base.
	CapacityGiB int
}

// NATGateway is a NAT gateway to graph.
type NATGateway struct {
	// Name labels it (its AZ); ID is the gateway's ID output.
	Name string
	ID   pulumi.StringInput
}

// NodeGroup is a managed node group to watch for reaching its maximum.
type NodeGroup struct {
	// Name labels it; ASGName is its Auto Scaling group's name output.
	Name    string
	ASGName pulumi.StringInput
	MaxSize int
}

// Thresholds decide when the alarms fire (spec.Alarms: config checks
// their bounds).
type Thresholds = spec.Alarms

// Args configures a stack's observability.
type Args struct {
	// Name prefixes the dashboard, alarm and rule names: project and stack (required).
	Name string
	// Region is where the metrics are (required).
	Region string
	// ClusterName is the EKS cluster (required): Container Insights' dimension.
	ClusterName string
	// NVIDIA and Neuron say which accelerators the cluster may run.
	NVIDIA, Neuron bool
	// LLMServers says vLLM servers run in LLMNamespace: the collector
	// scrapes their /metrics (queue depth, latency, tokens).
	LLMServers   bool
	LLMNamespace string
	// Endpoints, FileSystems, NATGateways and NodeGroups are watched; each may be empty.
	Endpoints   []Endpoint
	FileSystems []FileSystem
	NATGateways []NATGateway
	NodeGroups  []NodeGroup
	// InterruptionQueueName and InterruptionRuleName are Karpenter's queue
	// and its spot interruption rule; nil without Karpenter.
	InterruptionQueueName, InterruptionRuleName pulumi.StringInput
	// PipelineARNs are SageMaker pipelines whose failed executions are
	// sent to the topic. Defaults to none.
	PipelineARNs []string
	// Thresholds decide when alarms fire (required).
	Thresholds Thresholds
	// TopicARN receives alarms and events (required); its key and policy
	// must admit cloudwatch.amazonaws.com and events.amazonaws.com.
	TopicARN pulumi.StringInput
	// TopicPolicy is the topic's policy: alarms and rules wait for it, so
	// the first alarm's notification is admitted (required).
	TopicPolicy pulumi.Resource
	// Prometheus, when set, adds a managed Prometheus workspace and the
	// collector that scrapes the accelerator exporters into it.
	Prometheus *PrometheusArgs
	// Grafana, when set, adds a Managed Grafana workspace over the
	// Prometheus workspace (which it needs) and CloudWatch.
	Grafana *GrafanaArgs
	// Tags are applied to every taggable resource (required: the stack's tags).
	Tags map[string]string
}

func (a *Args) validate() error {
	var errs []error
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if a.Name == "" || a.Region == "" || a.ClusterName == "" || a.TopicARN == nil || a.TopicPolicy == nil || len(a.Tags) == 0 {
		add("Name, Region, ClusterName, TopicARN, TopicPolicy, Tags: required")
	}
	for i, f := range a.FileSystems {
		if f.Name == "" || f.ID == nil || f.CapacityGiB < 1 {
			add("FileSystems[%d]: a name, an ID and a capacity", i)
		}
	}
	for i, g := range a.NodeGroups {
		if g.Name == "" || g.ASGName == nil || g.MaxSize < 1 {
			add("NodeGroups[%d]: a name, an Auto Scaling group and a maximum size", i)
		}
	}
	for i, n := range a.NATGateways {
		if n.Name == "" || n.ID == nil {
			add("NATGateways[%d]: a name and an ID", i)
		}
	}
	for i, e := range a.Endpoints {
		if e.Label == "" || e.Name == nil || e.Variant == "" {
			add("Endpoints[%d]: a label, a name and a variant", i)
		}
	}
	if (a.InterruptionQueueName == nil) != (a.InterruptionRuleName == nil) {
		add("InterruptionQueueName and InterruptionRuleName: both or neither")
	}
	for i, p := range a.PipelineARNs {
		if !strings.Contains(p, ":pipeline/") {
			add("PipelineARNs[%d]: %q is not a pipeline ARN", i, p)
		}
	}
	if a.Grafana != nil && a.Prometheus == nil {
		errs = append(errs, fmt.Errorf("Grafana: its data source is the Prometheus workspace: set Prometheus"))
	}
	if a.Grafana != nil && a.Grafana.PrivateAccess && a.Grafana.EndpointID == nil {
		errs = append(errs, fmt.Errorf("Grafana: private access needs the grafana-workspace endpoint's ID"))
	}
	if a.Prometheus != nil {
		errs = append(errs, a.Prometheus.validate(a)...)
	}
	return errors.Join(errs...)
}

// Observability is the dashboard, the alarms and the event rules.
type Observability struct {
	pulumi.ResourceState

	Dashboard *cloudwatch.Dashboard
	// Alarms are keyed by their name's suffix ("endpoint-churn-5xx-rate").
	Alarms map[string]*cloudwatch.MetricAlarm
	// PipelineFailures is nil without pipelines.
	PipelineFailures *cloudwatch.EventRule
	// Prometheus and Grafana are nil unless asked for.
	Prometheus *Prometheus
	Grafana    *Grafana
}

// alarm is one alarm's plan.
type alarm struct {
	key, description string
	metric           catalog.Metric
	dims             map[string]pulumi.StringInput
	statistic        string // "" with extended statistics or queries
	extended         string // "p99"
	comparison       string
	threshold        float64
	period, periods  int
	datapoints       int
	queries          cloudwatch.MetricAlarmMetricQueryArray
	treatMissingData string
}

// New registers the dashboard, alarms and rules.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Observability, error) {
	if args == nil {
		return nil, errors.New("observability: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	o := &Observability{Alarms: map[string]*cloudwatch.MetricAlarm{}}
	if err := ctx.RegisterComponentResource("ml-platform:observability:Observability", name, o, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(o)

	body := resolve(args).ApplyT(func(r any) string { return DashboardBody(r.(Resolved)) }).(pulumi.StringOutput)
	var err error
	o.Dashboard, err = cloudwatch.NewDashboard(ctx, name, &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(args.Name), DashboardBody: body,
	}, parent)
	if err != nil {
		return nil, err
	}

	afterPolicy := pulumi.DependsOn([]pulumi.Resource{args.TopicPolicy})
	for _, a := range plan(args) {
		alarmArgs := &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(args.Name + "-" + a.key),
			AlarmDescription:   pulumi.String(a.description),
			ComparisonOperator: pulumi.String(a.comparison),
			Threshold:          pulumi.Float64(a.threshold),
			EvaluationPeriods:  pulumi.Int(a.periods),
			DatapointsToAlarm:  pulumi.Int(a.datapoints),
			TreatMissingData:   pulumi.String(a.treatMissingData),
			AlarmActions:       pulumi.Array{args.TopicARN},
			OkActions:          pulumi.Array{args.TopicARN},
			Tags:               tags.With(args.Tags, "Name", args.Name+"-"+a.key),
		}
		if a.queries != nil {
			alarmArgs.MetricQueries = a.queries
		} else {
			alarmArgs.Namespace = pulumi.String(a.metric.Namespace)
			alarmArgs.MetricName = pulumi.String(a.metric.Name)
			alarmArgs.Period = pulumi.Int(a.period)
			alarmArgs.Dimensions = pulumi.StringMap(a.dims)
			if a.extended != "" {
				alarmArgs.ExtendedStatistic = pulumi.String(a.extended)
			} else {
				alarmArgs.Statistic = pulumi.String(a.statistic)
			}
		}
		o.Alarms[a.key], err = cloudwatch.NewMetricAlarm(ctx, name+"-"+a.key, alarmArgs, parent, afterPolicy)
		if err != nil {
			return nil, err
		}
	}

	if len(args.PipelineARNs) > 0 {
		pattern, _ := json.Marshal(PipelineFailurePattern(args.PipelineARNs))
		o.PipelineFailures, err = cloudwatch.NewEventRule(ctx, name+"-pipeline-failures", &cloudwatch.EventRuleArgs{
			Name:         pulumi.String(args.Name + "-pipeline-failures"),
			Description:  pulumi.String("Failed or stopped executions of the SageMaker pipelines of " + args.Name),
			EventPattern: pulumi.String(string(pattern)),
			Tags:         tags.With(args.Tags, "Name", args.Name+"-pipeline-failures"),
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := cloudwatch.NewEventTarget(ctx, name+"-pipeline-failures", &cloudwatch.EventTargetArgs{
			Rule: o.PipelineFailures.Name, Arn: args.TopicARN,
		}, parent, afterPolicy); err != nil {
			return nil, err
		}
	}
	outputs := pulumi.Map{"dashboardName": o.Dashboard.DashboardName}
	if args.Prometheus != nil {
		if o.Prometheus, err = o.prometheus(ctx, name, args, parent); err != nil {
			return nil, err
		}
		outputs["prometheusWorkspaceArn"] = o.Prometheus.Workspace.Arn
		if args.Grafana != nil {
			if o.Grafana, err = o.grafana(ctx, name, args, parent); err != nil {
				return nil, err
			}
			outputs["grafanaEndpoint"] = o.Grafana.Workspace.Endpoint
		}
	}
	return o, ctx.RegisterResourceOutputs(o, outputs)
}

// PipelineFailurePattern matches status changes of the pipelines to
// Failed or Stopped (SageMaker's EventBridge events).
func PipelineFailurePattern(pipelineARNs []string) map[string]any {
	arns := slices.Sorted(slices.Values(pipelineARNs))
	return map[string]any{
		"source":      []string{"aws.sagemaker"},
		"detail-type": []string{"SageMaker Model Building Pipeline Execution Status Change"},
		"detail": map[string]any{
			"currentPipelineExecutionStatus": []string{"Failed", "Stopped"},
			"pipelineArn":                    arns,
		},
	}
}

// resolve waits for every name and ID the dashboard shows.
func resolve(a *Args) pulumi.Output {
	var inputs []any
	for _, e := range a.Endpoints {
		inputs = append(inputs, e.Name)
	}
	for _, f := range a.FileSystems {
		inputs = append(inputs, f.ID)
	}
	for _, n := range a.NATGateways {
		inputs = append(inputs, n.ID)
	}
	for _, g := range a.NodeGroups {
		inputs = append(inputs, g.ASGName)
	}
	if a.InterruptionRuleName != nil {
		inputs = append(inputs, a.InterruptionRuleName, a.InterruptionQueueName)
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) Resolved {
		str := func(i int) string { return fmt.Sprint(v[i]) }
		r := Resolved{Region: a.Region, ClusterName: a.ClusterName, NVIDIA: a.NVIDIA, Neuron: a.Neuron}
		i := 0
		for _, e := range a.Endpoints {
			r.Endpoints = append(r.Endpoints, ResolvedEndpoint{Name: str(i), Variant: e.Variant, Async: e.Async})
			i++
		}
		for _, f := range a.FileSystems {
			r.FileSystemIDs, r.FileSystemNames = append(r.FileSystemIDs, str(i)), append(r.FileSystemNames, f.Name)
			i++
		}
		for _, n := range a.NATGateways {
			r.NATGatewayIDs, r.NATGatewayNames = append(r.NATGatewayIDs, str(i)), append(r.NATGatewayNames, n.Name)
			i++
		}
		for _, g := range a.NodeGroups {
			r.NodeGroupASGs, r.NodeGroupNames = append(r.NodeGroupASGs, str(i)), append(r.NodeGroupNames, g.Name)
			i++
		}
		if a.InterruptionRuleName != nil {
			r.InterruptionRule, r.InterruptionQ = str(i), str(i+1)
		}
		return r
	})
}

// IdlePerNodeQuery is the Metrics Insights query of an accelerator
// utilization metric averaged per EC2 instance of one cluster.
func IdlePerNodeQuery(m catalog.Metric, clusterName string) string {
	return fmt.Sprintf(`SELECT AVG(%s) FROM %s WHERE ClusterName = '%s' GROUP BY InstanceId`, m.Name, m.Namespace, clusterName)
}

// plan lists the alarms: per endpoint, file system and node group, the
// Karpenter backlog and idle accelerators.
func plan(a *Args) []alarm {
	t := a.Thresholds
	var out []alarm
	for _, e := range a.Endpoints {
		if e.Async {
			out = append(out, alarm{
				key: "endpoint-" + e.Label + "-failures",
				description: fmt.Sprintf("Asynchronous requests to endpoint %s failed in each of 3 five-minute periods: the model "+
					"container is failing (CloudWatch Logs /aws/sagemaker/Endpoints/<endpoint>; the error topic has each request)", e.Label),
				metric: catalog.MetricAsyncInvocationFailures, statistic: catalog.MetricAsyncInvocationFailures.Statistic,
				dims:       map[string]pulumi.StringInput{"EndpointName": e.Name, "VariantName": pulumi.String(e.Variant)},
				comparison: "GreaterThanThreshold", threshold: 0, period: 300, periods: 3, datapoints: 3, treatMissingData: "notBreaching",
			})
			continue
		}
		d := pulumi.StringMap{"EndpointName": e.Name, "VariantName": pulumi.String(e.Variant)}
		metric := func(id string, m catalog.Metric) cloudwatch.MetricAlarmMetricQueryArgs {
			return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), ReturnData: pulumi.Bool(false),
				Metric: cloudwatch.MetricAlarmMetricQueryMetricArgs{Namespace: pulumi.String(m.Namespace), MetricName: pulumi.String(m.Name),
					Dimensions: d, Period: pulumi.Int(300), Stat: pulumi.String("Sum")}}
		}
		out = append(out, alarm{
			key: "endpoint-" + e.Label + "-5xx-rate",
			description: fmt.Sprintf("More than %g%% of endpoint %s's invocations answered 5xx for 15 minutes: the model container "+
				"is failing (CloudWatch Logs /aws/sagemaker/Endpoints/<endpoint>)", t.EndpointErrorRatePercent, e.Label),
			comparison: "GreaterThanThreshold", threshold: t.EndpointErrorRatePercent, periods: 3, datapoints: 3,
			treatMissingData: "notBreaching",
			queries: cloudwatch.MetricAlarmMetricQueryArray{
				metric("errors", catalog.MetricEndpoint5XX),
				metric("invocations", catalog.MetricEndpointInvocations),
				cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String("rate"), ReturnData: pulumi.Bool(true),
					Label:      pulumi.String("5xx per 100 invocations"),
					Expression: pulumi.String("IF(invocations > 0, 100 * errors / invocations, 0)")},
			},
		}, alarm{
			key: "endpoint-" + e.Label + "-p99-latency",
			description: fmt.Sprintf("p99 model latency of endpoint %s above %d ms for 15 minutes: scale out, or the model slowed down",
				e.Label, t.EndpointP99LatencyMs),
			metric: catalog.MetricEndpointModelLatency, extended: "p99",
			dims:       map[string]pulumi.StringInput{"EndpointName": e.Name, "VariantName": pulumi.String(e.Variant)},
			comparison: "GreaterThanThreshold", threshold: float64(t.EndpointP99LatencyMs) * 1000, // microseconds
			period: 300, periods: 3, datapoints: 3, treatMissingData: "notBreaching",
		})
	}
	for _, f := range a.FileSystems {
		free := float64(f.CapacityGiB) * math.Pow(2, 30) * t.FSxFreePercent / 100
		out = append(out, alarm{
			key: "fsx-" + f.Name + "-free-capacity",
			description: fmt.Sprintf("FSx for Lustre %s has less than %g%% of its %d GiB free: jobs writing checkpoints will fail; "+
				"grow it (storage.lustre.storageCapacityGiB) or release data to S3", f.Name, t.FSxFreePercent, f.CapacityGiB),
			metric: catalog.MetricFSxFreeCapacity, statistic: catalog.MetricFSxFreeCapacity.Statistic,
			dims:       map[string]pulumi.StringInput{"FileSystemId": f.ID},
			comparison: "LessThanThreshold", threshold: math.Round(free), period: 300, periods: 2, datapoints: 2,
			treatMissingData: "missing",
		})
	}
	for _, g := range a.NodeGroups {
		out = append(out, alarm{
			key: "nodegroup-" + g.Name + "-at-max",
			description: fmt.Sprintf("Node group %s has run at its maximum of %d nodes for 30 minutes: pods may be pending; "+
				"raise maxSize or move the work to Karpenter", g.Name, g.MaxSize),
			metric: catalog.MetricGroupInService, statistic: catalog.MetricGroupInService.Statistic,
			dims:       map[string]pulumi.StringInput{"AutoScalingGroupName": g.ASGName},
			comparison: "GreaterThanOrEqualToThreshold", threshold: float64(g.MaxSize), period: 300, periods: 6, datapoints: 6,
			treatMissingData: "notBreaching",
		})
	}
	if a.InterruptionQueueName != nil {
		out = append(out, alarm{
			key: "karpenter-interruption-backlog",
			description: fmt.Sprintf("More than %d interruption messages have waited in Karpenter's queue for 15 minutes: "+
				"the controller is not draining it (is it running?)", t.InterruptionBacklog),
			metric: catalog.MetricQueueVisible, statistic: catalog.MetricQueueVisible.Statistic,
			dims:       map[string]pulumi.StringInput{"QueueName": a.InterruptionQueueName},
			comparison: "GreaterThanThreshold", threshold: float64(t.InterruptionBacklog), period: 300, periods: 3, datapoints: 3,
			treatMissingData: "notBreaching",
		})
	}
	// Per node, not per cluster: one idle p5 next to seven busy ones is
	// $98 an hour the cluster average never shows. A Metrics Insights
	// query grouped by instance makes every node a contributor of its own
	// (catalog.MetricsInsightsAlarmsSource).
	idle := func(key, what string, m catalog.Metric) alarm {
		return alarm{
			key: key,
			description: fmt.Sprintf("A node of cluster %s had %s below %g%% for %d hours: its accelerators are idle and billed; "+
				"the alarm names the instance (a contributor); scale the pool down or find the stuck job", a.ClusterName, what,
				t.IdleUtilizationPercent, t.IdleHours),
			metric:     m,
			comparison: "LessThanThreshold", threshold: t.IdleUtilizationPercent, periods: t.IdleHours, datapoints: t.IdleHours,
			// No accelerator nodes, no series: nothing idles.
			treatMissingData: "notBreaching",
			queries: cloudwatch.MetricAlarmMetricQueryArray{cloudwatch.MetricAlarmMetricQueryArgs{
				Id: pulumi.String("idle"), ReturnData: pulumi.Bool(true), Period: pulumi.Int(3600),
				Label:      pulumi.String(what + " per node"),
				Expression: pulumi.String(IdlePerNodeQuery(m, a.ClusterName)),
			}},
		}
	}
	if a.NVIDIA {
		out = append(out, idle("idle-gpus", "GPU utilization", catalog.MetricGPUUtilization))
	}
	if a.Neuron {
		out = append(out, idle("idle-neuron", "NeuronCore utilization", catalog.MetricNeuronCoreUtilization))
	}
	return out
}
