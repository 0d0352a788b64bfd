package config

import (
	"fmt"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/spec"
)

// KeyObservability tunes the dashboards' alarms; every stack has them.
const KeyObservability = Namespace + ":observability"

// Observability decides when the stack's alarms fire (the Alarms the
// observability component takes) and whether metrics also go to managed
// Prometheus.
type Observability struct {
	spec.Alarms
	// Prometheus, when set, adds an Amazon Managed Service for Prometheus
	// workspace and a managed collector scraping the accelerator exporters.
	Prometheus *Prometheus
}

// Prometheus configures the managed Prometheus workspace and collector.
type Prometheus struct {
	// ScrapeIntervalSeconds is how often the exporters are read.
	ScrapeIntervalSeconds int
}

// ObservabilityKeys declare ml-platform:observability. The defaults: an
// endpoint failing 5% of requests or answering in over a second at p99, a
// file system 90% full, ten interruptions the controller has not handled,
// accelerators under 10% busy for three hours; Prometheus reads the
// exporters once a minute.
var ObservabilityKeys = []Key{
	{Name: "endpointErrorRatePercent", Default: Always(5.0), Check: Percent(),
		Doc: "alarm when this share of an endpoint's invocations are answered 5xx (15 minutes)"},
	{Name: "endpointP99LatencyMs", Default: Always(1000), Check: Between(1, 60000, "a real-time invocation times out after 60 s"),
		Doc: "alarm when an endpoint's p99 model latency is above this (15 minutes)"},
	{Name: "fsxFreePercent", Field: "FSxFreePercent", Default: Always(10.0), Check: Percent(),
		Doc: "alarm when a Lustre file system has less free capacity than this"},
	{Name: "interruptionBacklog", Default: Always(10), Check: AtLeast(1, "messages"),
		Doc: "alarm when this many messages wait in Karpenter's interruption queue (15 minutes)"},
	{Name: "idleUtilizationPercent", Default: Always(10.0), Check: Percent(),
		Doc: "an accelerator node below this utilization for idleHours is idle and billed: alarm"},
	{Name: "idleHours", Default: Always(3), Check: Between(1, catalog.MetricsInsightsAlarmWindowSeconds/3600,
		fmt.Sprintf("the idle alarm watches every node with a Metrics Insights query, and such an alarm evaluates the latest %d hours only",
			catalog.MetricsInsightsAlarmWindowSeconds/3600)),
		Doc: "how long a node stays below idleUtilizationPercent before the idle alarm"},
	{Name: "prometheus", Enabled: "enabled", Doc: "an Amazon Managed Service for Prometheus workspace and a managed collector " +
		"scraping the accelerator exporters (needs NVIDIA GPU nodes)", Keys: []Key{
		{Name: "scrapeIntervalSeconds", Default: Always(60), Check: Between(catalog.PrometheusMinScrapeIntervalSeconds, 3600,
			fmt.Sprintf("the managed collector's minimum is %d s", catalog.PrometheusMinScrapeIntervalSeconds)),
			Doc: "how often the collector reads the exporters"},
	}},
}

// checkPrometheus refuses a collector with nothing to scrape: it reads the
// NVIDIA and Neuron exporters, which run only where such nodes may exist.
func checkPrometheus(s *Stack, p *problems) {
	if s.Observability.Prometheus == nil {
		return
	}
	c := s.Cluster
	for _, g := range c.NodeGroups {
		if len(g.InstanceTypes) > 0 {
			if t, _ := catalog.ResolveInstanceType(g.InstanceTypes[0]); t.Accelerator == catalog.AcceleratorNvidiaGPU {
				return
			}
		}
	}
	if c.Karpenter.Enabled && (c.Karpenter.TrainingGPULimit > 0 || c.Karpenter.InferenceGPULimit > 0) {
		return
	}
	p.add(KeyObservability+".prometheus.enabled", "true, but no node group or Karpenter pool has NVIDIA GPUs: the collector "+
		"scrapes the DCGM exporter only (Neuron metrics reach CloudWatch through the add-on)")
}
