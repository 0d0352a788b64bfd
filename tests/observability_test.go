package tests

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/internal/engine/mock"
)

// alarmDims are an alarm's dimensions, and the URNs its dimensions and
// actions depend on.
func alarmDims(r *mock.Registered) map[string]string {
	out := map[string]string{}
	if v, ok := r.Inputs["dimensions"]; ok && v.IsObject() {
		for k, d := range v.ObjectValue() {
			out[string(k)] = d.StringValue()
		}
	}
	return out
}

// TestAlarmsWatchWhatTheStackCreated: every alarm's dimensions are the
// outputs of the resources the stack created (wired, so they depend on
// them), there is a set per endpoint, file system and node group, and
// everything notifies the stack's alert topic.
func TestAlarmsWatchWhatTheStackCreated(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			cfg := res.Config
			topic := byType(res, "aws:sns/topic:Topic")
			var alertTopic *mock.Registered
			for _, tp := range topic {
				if tp.Name == "cost-alerts" {
					alertTopic = tp
				}
			}
			require.NotNil(t, alertTopic)
			topicARN := str(alertTopic.Outputs, "arn")
			require.Equal(t, topicARN, res.Outputs["alertTopicArn"])

			alarms := map[string]*mock.Registered{}
			for _, a := range byType(res, "aws:cloudwatch/metricAlarm:MetricAlarm") {
				alarms[strings.TrimPrefix(a.Name, "observability-")] = a
				require.Equal(t, []string{topicARN}, mock.Strings(a.Inputs, "alarmActions"), a.Name)
				require.Contains(t, a.PropertyDependencies["alarmActions"], alertTopic.URN, "%s: wired from the topic", a.Name)
			}

			for _, e := range cfg.SageMaker.Endpoints {
				ep := named(byType(res, "aws:sagemaker/endpoint:Endpoint"), "sagemaker-endpoint-"+e.Name)
				keys := []string{"endpoint-" + e.Name + "-5xx-rate", "endpoint-" + e.Name + "-p99-latency"}
				if e.Kind == "async" {
					keys = []string{"endpoint-" + e.Name + "-failures"}
				}
				for _, k := range keys {
					a, ok := alarms[k]
					require.True(t, ok, "alarm %s", k)
					if _, math := a.Inputs["metricQueries"]; math {
						require.Contains(t, a.PropertyDependencies["metricQueries"], ep.URN, "%s reads the endpoint's name output", k)
						require.Contains(t, mock.String(a.Inputs, "alarmDescription"), e.Name)
						continue
					}
					require.Equal(t, str(ep.Outputs, "name"), alarmDims(a)["EndpointName"], k)
					require.Contains(t, a.PropertyDependencies["dimensions"], ep.URN, "%s reads the endpoint's name output", k)
				}
			}

			fsxAlarm, hasFSxAlarm := alarms["fsx-lustre-free-capacity"]
			fs := byType(res, "aws:fsx/lustreFileSystem:LustreFileSystem")
			require.Equal(t, len(fs) > 0, hasFSxAlarm, "an alarm per file system")
			if hasFSxAlarm {
				require.Equal(t, fs[0].Outputs["id"].V, alarmDims(fsxAlarm)["FileSystemId"])
			}

			for _, g := range cfg.Cluster.NodeGroups {
				a, ok := alarms["nodegroup-"+g.Name+"-at-max"]
				require.True(t, ok, g.Name)
				ng := named(byType(res, "aws:eks/nodeGroup:NodeGroup"), "cluster-"+g.Name)
				asg := ng.Outputs["resources"].ArrayValue()[0].ObjectValue()["autoscalingGroups"].ArrayValue()[0].ObjectValue()["name"].StringValue()
				require.Equal(t, asg, alarmDims(a)["AutoScalingGroupName"])
				require.EqualValues(t, g.MaxSize, a.Inputs["threshold"].NumberValue())
			}

			queue := named(byType(res, "aws:sqs/queue:Queue"), "karpenter-interruptions")
			require.Equal(t, str(queue.Outputs, "name"), alarmDims(alarms["karpenter-interruption-backlog"])["QueueName"])
			_, idle := alarms["idle-gpus"]
			require.True(t, idle, "both stacks run NVIDIA GPUs")

			dash := byType(res, "aws:cloudwatch/dashboard:Dashboard")
			require.Len(t, dash, 1)
			body := str(dash[0].Inputs, "dashboardBody")
			for _, nat := range byType(res, "aws:ec2/natGateway:NatGateway") {
				require.Contains(t, body, `"`+nat.Outputs["id"].V.(string)+`"`, "the dashboard graphs every NAT gateway")
			}
			rule := named(byType(res, "aws:cloudwatch/eventRule:EventRule"), "karpenter-spot-interruption")
			require.Contains(t, body, `"`+str(rule.Outputs, "name")+`"`, "spot interruptions are counted from the rule's MatchedEvents")
			require.Contains(t, res.Outputs["dashboardUrl"], "#dashboards/dashboard/ml-platform-"+stack)

			failures := named(byType(res, "aws:cloudwatch/eventRule:EventRule"), "observability-pipeline-failures")
			require.Contains(t, str(failures.Inputs, "eventPattern"), ":pipeline/ml-platform-"+stack+"-build")

			key := named(byType(res, "aws:kms/key:Key"), "keys-alerts")
			require.Contains(t, str(key.Inputs, "policy"), "cloudwatch.amazonaws.com", "the alert key lets CloudWatch publish")
		})
	}
}

// TestPrometheusInProd: prod's managed collector scrapes its own cluster
// from the private subnets, writes to a workspace encrypted with the logs
// key (whose policy admits AMP), and the workspace is reached through its
// interface endpoint; dev, which does not enable it, has none of it.
func TestPrometheusInProd(t *testing.T) {
	dev := preview(t, "dev")
	require.Empty(t, byType(dev, "aws:amp/workspace:Workspace"))
	require.Equal(t, "", dev.Outputs["prometheusWorkspaceArn"])
	require.NotContains(t, dev.Config.Network.InterfaceEndpoints, "aps-workspaces")

	prod := preview(t, "prod")
	ws := named(byType(prod, "aws:amp/workspace:Workspace"), "observability-prometheus")
	require.Equal(t, str(ws.Outputs, "arn"), prod.Outputs["prometheusWorkspaceArn"])
	logsKey := named(byType(prod, "aws:kms/key:Key"), "keys-logs")
	require.Equal(t, str(logsKey.Outputs, "arn"), str(ws.Inputs, "kmsKeyArn"))
	require.Contains(t, ws.PropertyDependencies["kmsKeyArn"], logsKey.URN)
	require.Contains(t, str(logsKey.Inputs, "policy"), "aps.us-east-1.amazonaws.com")
	require.Contains(t, prod.Config.Network.InterfaceEndpoints, "aps-workspaces")

	scraper := named(byType(prod, "aws:amp/scraper:Scraper"), "observability-scraper")
	src := obj(obj(scraper.Inputs, "source"), "eks")
	require.Equal(t, "arn:aws:eks:us-east-1:"+mock.AccountID+":cluster/"+prod.Outputs["clusterName"].(string), str(src, "clusterArn"))
	cluster := byType(prod, "eks:index:Cluster")[0]
	require.Contains(t, scraper.PropertyDependencies["source"], cluster.URN, "the collector waits for the cluster it scrapes")
	var subnets []any
	for _, s := range src["subnetIds"].ArrayValue() {
		subnets = append(subnets, s.StringValue())
	}
	require.Equal(t, prod.Outputs["privateSubnetIds"], subnets)
	require.Equal(t, str(ws.Outputs, "arn"), str(obj(obj(scraper.Inputs, "destination"), "amp"), "workspaceArn"))

	// The exporters' ports open on the node security group to the collector only.
	nodes := named(byType(prod, "aws:ec2/securityGroup:SecurityGroup"), "cluster-nodes")
	sg := named(byType(prod, "aws:ec2/securityGroup:SecurityGroup"), "observability-scraper")
	require.Nil(t, named(byType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), "observability-neuron-from-scraper"), "the Neuron monitor is not scraped")
	for _, name := range []string{"observability-dcgm-from-scraper"} {
		rule := named(byType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), name)
		require.Equal(t, str(nodes.Outputs, "id"), str(rule.Inputs, "securityGroupId"), name)
		require.Equal(t, str(sg.Outputs, "id"), str(rule.Inputs, "referencedSecurityGroupId"), name)
	}
}
