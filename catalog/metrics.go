package catalog

// Metric is a CloudWatch metric the platform's dashboards and alarms read:
// where AWS publishes it, under which dimensions, in which unit.
type Metric struct {
	Namespace string
	Name      string
	// Dimensions are the dimension names the metric is published with, in
	// the order a dashboard lists them.
	Dimensions []string
	Unit       string
	// Statistic is the one that means something for it (Sum of counts,
	// Average of percentages, Minimum of free capacity).
	Statistic string
}

// Metrics the platform watches, by what they measure.
var (
	// SageMaker endpoint variants (AWS/SageMaker, per EndpointName and VariantName).
	MetricEndpointInvocations = Metric{"AWS/SageMaker", "Invocations", []string{"EndpointName", "VariantName"}, "Count", "Sum"}
	MetricEndpoint5XX         = Metric{"AWS/SageMaker", "Invocation5XXErrors", []string{"EndpointName", "VariantName"}, "Count", "Sum"}
	MetricEndpoint4XX         = Metric{"AWS/SageMaker", "Invocation4XXErrors", []string{"EndpointName", "VariantName"}, "Count", "Sum"}
	// MetricAsyncInvocationFailures counts failed asynchronous requests;
	// async endpoints publish no Invocations, so no error rate.
	MetricAsyncInvocationFailures = Metric{"AWS/SageMaker", "InvocationFailures", []string{"EndpointName", "VariantName"}, "Count", "Sum"}
	// MetricEndpointModelLatency is in microseconds.
	MetricEndpointModelLatency = Metric{"AWS/SageMaker", "ModelLatency", []string{"EndpointName", "VariantName"}, "Microseconds", "p99"}

	// FSx for Lustre file systems (AWS/FSx, per FileSystemId).
	MetricFSxFreeCapacity = Metric{"AWS/FSx", "FreeDataStorageCapacity", []string{"FileSystemId"}, "Bytes", "Minimum"}
	MetricFSxDataRead     = Metric{"AWS/FSx", "DataReadBytes", []string{"FileSystemId"}, "Bytes", "Sum"}
	MetricFSxDataWrite    = Metric{"AWS/FSx", "DataWriteBytes", []string{"FileSystemId"}, "Bytes", "Sum"}

	// NAT gateways (AWS/NATGateway, per NatGatewayId).
	MetricNATBytesOut = Metric{"AWS/NATGateway", "BytesOutToDestination", []string{"NatGatewayId"}, "Bytes", "Sum"}
	MetricNATBytesIn  = Metric{"AWS/NATGateway", "BytesInFromDestination", []string{"NatGatewayId"}, "Bytes", "Sum"}

	// The Karpenter interruption queue (AWS/SQS, per QueueName) and the
	// EventBridge rules that feed it (AWS/Events, per RuleName): the spot
	// interruption rule's MatchedEvents is the count of interruption
	// warnings.
	MetricQueueVisible = Metric{"AWS/SQS", "ApproximateNumberOfMessagesVisible", []string{"QueueName"}, "Count", "Maximum"}
	MetricRuleMatched  = Metric{"AWS/Events", "MatchedEvents", []string{"RuleName"}, "Count", "Sum"}

	// Managed node groups' Auto Scaling groups (AWS/AutoScaling, per AutoScalingGroupName).
	MetricGroupInService = Metric{"AWS/AutoScaling", "GroupInServiceInstances", []string{"AutoScalingGroupName"}, "Count", "Maximum"}

	// Container Insights with enhanced observability (the
	// amazon-cloudwatch-observability add-on), per ClusterName.
	MetricClusterNodes          = Metric{"ContainerInsights", "cluster_node_count", []string{"ClusterName"}, "Count", "Average"}
	MetricGPUUtilization        = Metric{"ContainerInsights", "node_gpu_utilization", []string{"ClusterName"}, "Percent", "Average"}
	MetricGPUMemoryUtilization  = Metric{"ContainerInsights", "node_gpu_memory_utilization", []string{"ClusterName"}, "Percent", "Average"}
	MetricNeuronCoreUtilization = Metric{"ContainerInsights", "node_neuroncore_utilization", []string{"ClusterName"}, "Percent", "Average"}
)

// MetricsSource says where the metric names, dimensions and units come from.
var MetricsSource = Source{
	Description: "CloudWatch metrics of Amazon SageMaker AI endpoints, FSx for Lustre, NAT gateways, Amazon SQS, Amazon EventBridge, " +
		"EC2 Auto Scaling groups and Container Insights enhanced observability for Amazon EKS (accelerated compute metrics)",
	URL: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-enhanced-EKS.html, " +
		"https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html, " +
		"https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-monitor.html, " +
		"https://docs.aws.amazon.com/fsx/latest/LustreGuide/fs-metrics.html, " +
		"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html, " +
		"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html, " +
		"https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html, " +
		"EC2 Auto Scaling group metrics (published only once metrics collection is enabled: see GroupMetricsSource). " +
		"Container Insights publishes GPU metrics from add-on v1.3.0 and Neuron metrics from v1.5.0 by default (accelerated_compute_metrics)",
	Recorded: recorded,
}

// MetricsInsightsAlarmWindowSeconds is the most recent data an alarm on a
// Metrics Insights query evaluates: three hours (CloudWatch alarm limits,
// "Limits that apply to alarms based on Metrics Insights queries"). Such
// an alarm may return many time series; each is a contributor that can
// put the alarm in ALARM on its own (at most 100 reported).
const MetricsInsightsAlarmWindowSeconds = 3 * 3600

// MetricsInsightsAlarmsSource says where the Metrics Insights alarm facts
// come from.
var MetricsInsightsAlarmsSource = Source{
	Description: "Amazon CloudWatch user guide, \"Create a CloudWatch alarm based on a Metrics Insights query\" (alarms on any " +
		"query, including ones returning multiple time series: each series is a contributor) and \"Limits\" (200 Metrics " +
		"Insights alarms per account and Region; only the latest 3 hours of data evaluate the alarm; at most 100 contributors " +
		"in ALARM; 500 series per query, 10,000 metrics matched).",
	URL:      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html",
	Recorded: "2026-12-07",
}

// AlarmWindowMaxSeconds is the longest window an alarm may evaluate:
// EvaluationPeriods x Period may not exceed one day (PutMetricAlarm).
const AlarmWindowMaxSeconds = 86400
