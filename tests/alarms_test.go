package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
)

// TestEveryAlarmWatchesAPublishedMetric: an alarm on a metric nobody
// publishes never fires. For every alarm of both stacks, the resource it
// names exists in the plan and publishes that metric: SageMaker endpoints,
// FSx file systems and SQS queues always do; an Auto Scaling group only
// once metrics collection is on (catalog.GroupMetricsSource), so each
// must be a node group's whose group-metrics invocation names it;
// Container Insights only with the amazon-cloudwatch-observability add-on.
func TestEveryAlarmWatchesAPublishedMetric(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			published := publishers(t, res)
			alarms := byType(res, "aws:cloudwatch/metricAlarm:MetricAlarm")
			require.NotEmpty(t, alarms)
			for _, a := range alarms {
				for _, m := range alarmMetrics(a) {
					key := m.namespace + "|" + m.dimension + "=" + m.value
					require.True(t, published[key], "%s watches %s %s for %s=%s, which nothing in the plan publishes",
						a.Name, m.namespace, m.name, m.dimension, m.value)
				}
			}
		})
	}
}

type watched struct{ namespace, name, dimension, value string }

// alarmMetrics lists what an alarm reads: its metric and dimensions, its
// metric queries' metrics, or the namespace and cluster of a Metrics
// Insights query.
func alarmMetrics(a *mock.Registered) []watched {
	var out []watched
	add := func(ns, name string, dims map[string]string) {
		for k, v := range dims {
			out = append(out, watched{ns, name, k, v})
		}
	}
	if ns := str(a.Inputs, "namespace"); ns != "" {
		add(ns, str(a.Inputs, "metricName"), strMap(obj(a.Inputs, "dimensions")))
	}
	for _, q := range mock.Array(a.Inputs, "metricQueries") {
		qm := q.ObjectValue()
		if m, ok := qm["metric"]; ok && m.IsObject() {
			mm := m.ObjectValue()
			add(str(mm, "namespace"), str(mm, "metricName"), strMap(obj(mm, "dimensions")))
		}
		if e, ok := qm["expression"]; ok && strings.HasPrefix(e.StringValue(), "SELECT") {
			// SELECT AVG(m) FROM ns WHERE ClusterName = 'x' GROUP BY ...
			f := strings.Fields(e.StringValue())
			for i := range f {
				if f[i] == "FROM" && i+5 < len(f) && f[i+2] == "WHERE" {
					out = append(out, watched{f[i+1], strings.TrimSuffix(strings.TrimPrefix(f[1], "AVG("), ")"), f[i+3], strings.Trim(f[i+5], "'")})
				}
			}
		}
	}
	return out
}

// publishers lists namespace|dimension=value for what the plan publishes.
func publishers(t *testing.T, res *offline.Result) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, e := range byType(res, "aws:sagemaker/endpoint:Endpoint") {
		out["AWS/SageMaker|EndpointName="+str(e.Inputs, "name")] = true
		out["AWS/SageMaker|VariantName=AllTraffic"] = true
	}
	for _, f := range byType(res, "aws:fsx/lustreFileSystem:LustreFileSystem") {
		out["AWS/FSx|FileSystemId="+str(f.Outputs, "id")] = true
	}
	for _, q := range byType(res, "aws:sqs/queue:Queue") {
		out["AWS/SQS|QueueName="+str(q.Inputs, "name")] = true
	}
	for _, inv := range byType(res, "aws:lambda/invocation:Invocation") {
		if !strings.HasSuffix(inv.Name, "-group-metrics") {
			continue
		}
		var in map[string]string
		require.NoError(t, json.Unmarshal([]byte(str(inv.Inputs, "input")), &in))
		out["AWS/AutoScaling|AutoScalingGroupName="+in["autoScalingGroupName"]] = true
	}
	for _, a := range byType(res, "aws:eks/addon:Addon") {
		if str(a.Inputs, "addonName") == "amazon-cloudwatch-observability" {
			out["ContainerInsights|ClusterName="+str(a.Inputs, "clusterName")] = true
		}
	}
	return out
}

func strMap(m resource.PropertyMap) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if v.IsString() {
			out[string(k)] = v.StringValue()
		}
	}
	return out
}
