package observability_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/observability"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
)

const topicARN = "arn:aws:sns:us-east-1:123456789012:ml-platform-test-cost-alerts"

func args() *observability.Args {
	return &observability.Args{
		Name: "ml-platform-test", Region: "us-east-1", ClusterName: "ml-platform-test", NVIDIA: true, Neuron: true,
		Endpoints: []observability.Endpoint{
			{Label: "churn", Name: pulumi.String("ml-platform-test-churn"), Variant: "AllTraffic"},
			{Label: "batch", Name: pulumi.String("ml-platform-test-batch"), Variant: "AllTraffic", Async: true},
		},
		FileSystems: []observability.FileSystem{{Name: "lustre", ID: pulumi.String("fs-0123456789abcdef0"), CapacityGiB: 1200}},
		NATGateways: []observability.NATGateway{{Name: "us-east-1a", ID: pulumi.String("nat-0a")}},
		NodeGroups: []observability.NodeGroup{
			{Name: "system", ASGName: pulumi.String("eks-system-1"), MaxSize: 6},
			{Name: "gpu", ASGName: pulumi.String("eks-gpu-1"), MaxSize: 4},
		},
		InterruptionQueueName: pulumi.String("ml-platform-test-karpenter"),
		InterruptionRuleName:  pulumi.String("karpenter-spot-interruption-1"),
		PipelineARNs:          []string{"arn:aws:sagemaker:us-east-1:123456789012:pipeline/ml-platform-test-build"},
		Thresholds: observability.Thresholds{EndpointErrorRatePercent: 5, EndpointP99LatencyMs: 800, FSxFreePercent: 10,
			InterruptionBacklog: 10, IdleUtilizationPercent: 10, IdleHours: 3},
		TopicARN: pulumi.String(topicARN),
		Tags:     map[string]string{"Project": "ml-platform"},
	}
}

func build(t *testing.T, a *observability.Args) (*mock.Recorder, error) {
	t.Helper()
	rec := mock.NewRecorder("ml-platform", "test", "us-east-1")
	err := rec.Run(func(ctx *pulumi.Context) error {
		policy, err := sns.NewTopicPolicy(ctx, "alerts", &sns.TopicPolicyArgs{Arn: pulumi.String(topicARN), Policy: pulumi.String("{}")})
		if err != nil {
			return err
		}
		if a.TopicPolicy == nil {
			a.TopicPolicy = policy
		}
		_, err = observability.New(ctx, "observability", a)
		return err
	}, nil)
	return rec, err
}

func alarm(t *testing.T, rec *mock.Recorder, key string) *mock.Registered {
	t.Helper()
	r := rec.ByName("aws:cloudwatch/metricAlarm:MetricAlarm", "observability-"+key)
	require.NotNil(t, r, "alarm %s", key)
	return r
}

func dims(r *mock.Registered) map[string]string {
	out := map[string]string{}
	for k, v := range r.Inputs["dimensions"].ObjectValue() {
		out[string(k)] = v.StringValue()
	}
	return out
}

func num(r *mock.Registered, key string) float64 {
	return r.Inputs[resource.PropertyKey(key)].NumberValue()
}

// TestAlarms checks each alarm against what it watches: the metric, the
// dimensions of the resource, the threshold in the metric's unit, and the
// window; every alarm notifies the topic once its policy exists.
func TestAlarms(t *testing.T) {
	rec, err := build(t, args())
	require.NoError(t, err)
	var keys []string
	policy := rec.ByName("aws:sns/topicPolicy:TopicPolicy", "alerts")
	for _, r := range rec.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
		keys = append(keys, strings.TrimPrefix(r.Name, "observability-"))
		require.Equal(t, []string{topicARN}, mock.Strings(r.Inputs, "alarmActions"), r.Name)
		require.Equal(t, []string{topicARN}, mock.Strings(r.Inputs, "okActions"), r.Name)
		require.Contains(t, r.Dependencies, policy.URN, "%s waits for the topic policy", r.Name)
		require.Equal(t, "ml-platform-test-"+strings.TrimPrefix(r.Name, "observability-"), mock.String(r.Inputs, "name"))
		if _, ok := r.Inputs["metricQueries"]; !ok {
			require.LessOrEqual(t, num(r, "period")*num(r, "evaluationPeriods"), float64(catalog.AlarmWindowMaxSeconds), r.Name)
		}
	}
	require.ElementsMatch(t, []string{
		"endpoint-churn-5xx-rate", "endpoint-churn-p99-latency", "endpoint-batch-failures",
		"fsx-lustre-free-capacity", "nodegroup-system-at-max", "nodegroup-gpu-at-max",
		"karpenter-interruption-backlog", "idle-gpus", "idle-neuron",
	}, keys, "one set per endpoint, file system and node group; async endpoints get failures, not a rate")

	rate := alarm(t, rec, "endpoint-churn-5xx-rate")
	require.EqualValues(t, 5, num(rate, "threshold"))
	var expression string
	var returned int
	for _, q := range rate.Inputs["metricQueries"].ArrayValue() {
		m := q.ObjectValue()
		if m["returnData"].BoolValue() {
			returned++
			expression = mock.String(m, "expression")
			continue
		}
		metric := m["metric"].ObjectValue()
		require.Equal(t, "AWS/SageMaker", mock.String(metric, "namespace"))
		require.Equal(t, "ml-platform-test-churn", mock.String(metric["dimensions"].ObjectValue(), "EndpointName"))
	}
	require.Equal(t, 1, returned, "exactly one query returns data")
	require.Equal(t, "IF(invocations > 0, 100 * errors / invocations, 0)", expression)

	latency := alarm(t, rec, "endpoint-churn-p99-latency")
	require.Equal(t, "p99", mock.String(latency.Inputs, "extendedStatistic"))
	require.EqualValues(t, 800_000, num(latency, "threshold"), "ModelLatency is in microseconds")
	require.Equal(t, map[string]string{"EndpointName": "ml-platform-test-churn", "VariantName": "AllTraffic"}, dims(latency))

	batch := alarm(t, rec, "endpoint-batch-failures")
	require.Equal(t, "InvocationFailures", mock.String(batch.Inputs, "metricName"))

	fsx := alarm(t, rec, "fsx-lustre-free-capacity")
	require.Equal(t, "FreeDataStorageCapacity", mock.String(fsx.Inputs, "metricName"))
	require.Equal(t, map[string]string{"FileSystemId": "fs-0123456789abcdef0"}, dims(fsx))
	require.EqualValues(t, 128849018880, num(fsx, "threshold"), "10% of 1200 GiB, in bytes")
	require.Equal(t, "LessThanThreshold", mock.String(fsx.Inputs, "comparisonOperator"))

	gpu := alarm(t, rec, "nodegroup-gpu-at-max")
	require.EqualValues(t, 4, num(gpu, "threshold"))
	require.Equal(t, map[string]string{"AutoScalingGroupName": "eks-gpu-1"}, dims(gpu))

	// Per node: every instance of the cluster is a contributor, so one
	// idle node alarms beside busy ones.
	idle := alarm(t, rec, "idle-gpus")
	require.Empty(t, mock.String(idle.Inputs, "metricName"), "a query, not one metric")
	queries := mock.Array(idle.Inputs, "metricQueries")
	require.Len(t, queries, 1)
	q := queries[0].ObjectValue()
	require.Equal(t, "SELECT AVG(node_gpu_utilization) FROM ContainerInsights WHERE ClusterName = 'ml-platform-test' GROUP BY InstanceId",
		q["expression"].StringValue())
	require.True(t, q["returnData"].BoolValue())
	require.EqualValues(t, 3600, q["period"].NumberValue())
	require.EqualValues(t, 3, num(idle, "evaluationPeriods"))
	require.LessOrEqual(t, int(q["period"].NumberValue()*num(idle, "evaluationPeriods")), catalog.MetricsInsightsAlarmWindowSeconds,
		"within the three hours a Metrics Insights alarm evaluates")
	require.EqualValues(t, 3, num(idle, "datapointsToAlarm"), "idle for the whole window")
	require.Equal(t, "notBreaching", mock.String(idle.Inputs, "treatMissingData"), "no accelerator nodes, nothing idles")

	backlog := alarm(t, rec, "karpenter-interruption-backlog")
	require.Equal(t, map[string]string{"QueueName": "ml-platform-test-karpenter"}, dims(backlog))

	rule := rec.ByName("aws:cloudwatch/eventRule:EventRule", "observability-pipeline-failures")
	var pattern map[string]any
	require.NoError(t, json.Unmarshal([]byte(mock.String(rule.Inputs, "eventPattern")), &pattern))
	require.Equal(t, []any{"SageMaker Model Building Pipeline Execution Status Change"}, pattern["detail-type"])
	detail := pattern["detail"].(map[string]any)
	require.Equal(t, []any{"Failed", "Stopped"}, detail["currentPipelineExecutionStatus"])
	require.Equal(t, []any{"arn:aws:sagemaker:us-east-1:123456789012:pipeline/ml-platform-test-build"}, detail["pipelineArn"])
	target := rec.ByName("aws:cloudwatch/eventTarget:EventTarget", "observability-pipeline-failures")
	require.Equal(t, topicARN, mock.String(target.Inputs, "arn"))
	require.Contains(t, target.Dependencies, policy.URN)
}

// TestDashboard pins the dashboard body and checks it names the resolved
// resources on a 24-column grid.
func TestDashboard(t *testing.T) {
	rec, err := build(t, args())
	require.NoError(t, err)
	body := mock.String(rec.ByType("aws:cloudwatch/dashboard:Dashboard")[0].Inputs, "dashboardBody")
	golden.AssertJSON(t, "dashboard.json", body)
	var d observability.Dashboard
	require.NoError(t, json.Unmarshal([]byte(body), &d))
	var titles []string
	for _, w := range d.Widgets {
		require.LessOrEqual(t, w.X+w.Width, 24)
		titles = append(titles, w.Properties.Title)
	}
	for _, want := range []string{"GPU utilization", "Neuron core utilization", "Nodes (cluster and node groups)",
		"Spot interruptions and the Karpenter queue", "Endpoint ml-platform-test-churn: invocations and errors",
		"Endpoint ml-platform-test-batch (async): failures and model latency", "FSx lustre: free capacity",
		"NAT gateways: bytes (billed per GB processed)"} {
		require.Contains(t, titles, want)
	}
	for _, id := range []string{"fs-0123456789abcdef0", "nat-0a", "eks-gpu-1", "karpenter-spot-interruption-1", "ml-platform-test-karpenter"} {
		require.Contains(t, body, `"`+id+`"`)
	}

	// Without accelerators, endpoints, file systems or Karpenter those rows go.
	bare := observability.DashboardBody(observability.Resolved{Region: "us-east-1", ClusterName: "c"})
	require.NotContains(t, bare, "GPU")
	require.NotContains(t, bare, "AWS/SageMaker")
	require.NotContains(t, bare, "AWS/SQS")
	require.Contains(t, bare, "cluster_node_count")
}

func TestValidation(t *testing.T) {
	for _, c := range []struct {
		edit func(*observability.Args)
		want string
	}{
		{func(a *observability.Args) { a.InterruptionRuleName = nil }, "InterruptionQueueName and InterruptionRuleName: both or neither"},
		{func(a *observability.Args) { a.PipelineARNs = []string{"ml-platform-test-build"} }, `PipelineARNs[0]: "ml-platform-test-build" is not a pipeline ARN`},
		{func(a *observability.Args) { a.NodeGroups[0].MaxSize = 0 }, "NodeGroups[0]: a name, an Auto Scaling group and a maximum size"},
		{func(a *observability.Args) { a.TopicARN = nil }, "TopicARN, TopicPolicy, Tags: required"},
	} {
		a := args()
		c.edit(a)
		rec, err := build(t, a)
		require.ErrorContains(t, err, c.want)
		require.False(t, slices.ContainsFunc(rec.Resources(), func(r *mock.Registered) bool { return strings.HasPrefix(r.Type, "aws:cloudwatch") }))
	}
}

func withPrometheus(a *observability.Args) *observability.Args {
	a.Prometheus = &observability.PrometheusArgs{
		Account:   awsarn.Account{Partition: "aws", AccountID: "123456789012"},
		KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/logs"), KMSKeyAlias: "alias/ml-platform-test-logs",
		ClusterARN: pulumi.String("arn:aws:eks:us-east-1:123456789012:cluster/ml-platform-test"),
		VPCID:      pulumi.String("vpc-0a"), SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), AZCount: 2,
		ControlPlaneSecurityGroupID: pulumi.String("sg-cp"), NodeSecurityGroupID: pulumi.String("sg-nodes"),
		ScrapeIntervalSeconds: 60,
	}
	return a
}

// TestPrometheus checks the workspace is encrypted with the given key, the
// collector writes to it through roles whose trust is scoped to this
// account's collectors, and reaches only the API and the exporters.
func TestPrometheus(t *testing.T) {
	rec, err := build(t, args())
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:amp/workspace:Workspace"), "no workspace unless asked for")

	rec, err = build(t, withPrometheus(args()))
	require.NoError(t, err)
	ws := rec.ByName("aws:amp/workspace:Workspace", "observability-prometheus")
	require.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/logs", mock.String(ws.Inputs, "kmsKeyArn"))

	scraper := rec.ByName("aws:amp/scraper:Scraper", "observability-scraper")
	require.NotNil(t, scraper)
	dest := scraper.Inputs["destination"].ObjectValue()["amp"].ObjectValue()
	require.Equal(t, mock.String(ws.Outputs, "arn"), dest["workspaceArn"].StringValue())
	src := scraper.Inputs["source"].ObjectValue()["eks"].ObjectValue()
	require.Len(t, src["subnetIds"].ArrayValue(), 2)
	roles := scraper.Inputs["roleConfiguration"].ObjectValue()
	require.Equal(t, "arn:aws:iam::123456789012:role/ml-platform-test-amp-scraper", roles["sourceRoleArn"].StringValue())
	require.Equal(t, "arn:aws:iam::123456789012:role/ml-platform-test-amp-writer", roles["targetRoleArn"].StringValue())

	// The scrape configuration parses and finds both exporters on their ports.
	var cfg struct {
		Global        map[string]any `json:"global"`
		ScrapeConfigs []struct {
			JobName        string           `json:"job_name"`
			Scheme         string           `json:"scheme"`
			RelabelConfigs []map[string]any `json:"relabel_configs"`
		} `json:"scrape_configs"`
	}
	require.NoError(t, json.Unmarshal([]byte(mock.String(scraper.Inputs, "scrapeConfiguration")), &cfg))
	require.Equal(t, "60s", cfg.Global["scrape_interval"])
	require.Len(t, cfg.ScrapeConfigs, 1, "the Neuron monitor needs tls_config, which the collector does not document")
	require.Equal(t, "dcgm-exporter", cfg.ScrapeConfigs[0].JobName)
	require.Equal(t, "exporter;9400", cfg.ScrapeConfigs[0].RelabelConfigs[0]["regex"])
	// Every field of every job is one the managed collector documents.
	var raw struct {
		ScrapeConfigs []map[string]any `json:"scrape_configs"`
	}
	require.NoError(t, json.Unmarshal([]byte(mock.String(scraper.Inputs, "scrapeConfiguration")), &raw))
	for _, j := range raw.ScrapeConfigs {
		for field := range j {
			require.Contains(t, catalog.AMPScrapeConfigFields, field, "catalog.AMPScrapeConfigSource")
		}
	}

	// Trust: the source role only for this account's collectors, the writer only for the source role.
	source := rec.ByName("aws:iam/role:Role", "observability-scraper-source")
	trust := mock.String(source.Inputs, "assumeRolePolicy")
	require.Contains(t, trust, `"scraper.aps.amazonaws.com"`)
	require.Contains(t, trust, `"arn:aws:aps:us-east-1:123456789012:scraper/*"`)
	require.Contains(t, trust, `"aws:SourceAccount":["123456789012"]`)
	writerRole := rec.ByName("aws:iam/role:Role", "observability-scraper-writer")
	require.Contains(t, mock.String(writerRole.Inputs, "assumeRolePolicy"), `"arn:aws:iam::123456789012:role/ml-platform-test-amp-scraper"`)
	require.Contains(t, writerRole.Dependencies, source.URN, "IAM refuses a trust policy naming a role that does not exist")
	writer := rec.ByName("aws:iam/rolePolicy:RolePolicy", "observability-scraper-writer")
	require.Contains(t, mock.String(writer.Inputs, "policy"), `"Resource":["`+mock.String(ws.Outputs, "arn")+`"]`)
	require.Contains(t, scraper.Dependencies, writer.URN, "the collector writes as soon as it exists")

	// Network: egress only to the API and the two exporter ports, each with its ingress.
	var ports []float64
	for _, r := range rec.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		ports = append(ports, num(r, "fromPort"))
		require.NotContains(t, r.Inputs, resource.PropertyKey("cidrIpv4"))
	}
	slices.Sort(ports)
	require.Equal(t, []float64{443, 9400}, ports, "the API server and the DCGM exporter; not the Neuron monitor")
	require.Len(t, rec.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), 2)
}

func TestPrometheusValidation(t *testing.T) {
	for _, c := range []struct {
		edit func(*observability.Args)
		want string
	}{
		{func(a *observability.Args) { a.Prometheus.AZCount = 1 }, "Prometheus.AZCount: 1; a managed collector needs subnets in at least 2 AZs"},
		{func(a *observability.Args) { a.Prometheus.ScrapeIntervalSeconds = 15 }, "Prometheus.ScrapeIntervalSeconds: 15; allowed: 30 or more"},
		{func(a *observability.Args) { a.NVIDIA, a.Neuron = false, true }, "no exporter the collector can scrape"},
		{func(a *observability.Args) { a.Prometheus.KMSKeyARN = nil }, "KMSKeyARN"},
	} {
		a := withPrometheus(args())
		c.edit(a)
		rec, err := build(t, a)
		require.ErrorContains(t, err, c.want)
		require.Empty(t, rec.ByType("aws:amp/workspace:Workspace"))
	}
}

// TestScrapeConfigLLMServers: with LLM servers the collector also reads
// vLLM's containers on its port in their namespace, with documented
// fields only; without, it does not.
func TestScrapeConfigLLMServers(t *testing.T) {
	var cfg struct {
		ScrapeConfigs []map[string]any `json:"scrape_configs"`
	}
	require.NoError(t, json.Unmarshal([]byte(observability.ScrapeConfig("c", 60, true, "ml-inference")), &cfg))
	require.Len(t, cfg.ScrapeConfigs, 2)
	vllm := cfg.ScrapeConfigs[1]
	require.Equal(t, "vllm", vllm["job_name"])
	sd := vllm["kubernetes_sd_configs"].([]any)[0].(map[string]any)
	require.Equal(t, []any{"ml-inference"}, sd["namespaces"].(map[string]any)["names"])
	require.Equal(t, "vllm;8000", vllm["relabel_configs"].([]any)[0].(map[string]any)["regex"])
	for field := range vllm {
		require.Contains(t, catalog.AMPScrapeConfigFields, field)
	}
	require.NoError(t, json.Unmarshal([]byte(observability.ScrapeConfig("c", 60, true, "")), &cfg))
	require.Len(t, cfg.ScrapeConfigs, 1)
}
