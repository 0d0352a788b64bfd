package config

import (
	"github.com/ml-platform/ml-platform/catalog"
)

// KeyObservability tunes the dashboards' alarms; every stack has them.
const KeyObservability = Namespace + ":observability"

// Observability decides when the stack's alarms fire.
type Observability struct {
	// EndpointErrorRatePercent of invocations answered 5xx (15 minutes).
	EndpointErrorRatePercent float64
	// EndpointP99LatencyMs of model latency (15 minutes).
	EndpointP99LatencyMs int
	// FSxFreePercent of a Lustre file system's capacity.
	FSxFreePercent float64
	// InterruptionBacklog messages waiting in Karpenter's queue (15 minutes).
	InterruptionBacklog int
	// IdleUtilizationPercent and IdleHours: accelerators below this
	// utilization for this long are idle and billed.
	IdleUtilizationPercent float64
	IdleHours              int
	// Prometheus, when set, adds an Amazon Managed Service for Prometheus
	// workspace and a managed collector scraping the accelerator exporters.
	Prometheus *Prometheus
}

// Prometheus configures the managed Prometheus workspace and collector.
type Prometheus struct {
	// ScrapeIntervalSeconds is how often the exporters are read.
	ScrapeIntervalSeconds int
}

type prometheusInput struct {
	Enabled               bool `json:"enabled"`
	ScrapeIntervalSeconds *int `json:"scrapeIntervalSeconds"`
}

type observabilityInput struct {
	EndpointErrorRatePercent *float64         `json:"endpointErrorRatePercent"`
	EndpointP99LatencyMs     *int             `json:"endpointP99LatencyMs"`
	FSxFreePercent           *float64         `json:"fsxFreePercent"`
	InterruptionBacklog      *int             `json:"interruptionBacklog"`
	IdleUtilizationPercent   *float64         `json:"idleUtilizationPercent"`
	IdleHours                *int             `json:"idleHours"`
	Prometheus               *prometheusInput `json:"prometheus"`
}

// Observability defaults: an endpoint failing 5% of requests or answering
// in over a second at p99, a file system 90% full, ten interruptions the
// controller has not handled, accelerators under 10% busy for three hours.
const (
	defaultEndpointErrorRatePercent = 5
	defaultEndpointP99LatencyMs     = 1000
	defaultFSxFreePercent           = 10
	defaultInterruptionBacklog      = 10
	defaultIdleUtilizationPercent   = 10
	defaultIdleHours                = 3
	// defaultScrapeIntervalSeconds reads the exporters once a minute.
	defaultScrapeIntervalSeconds = 60
)

func parseObservability(in observabilityInput, p *problems) Observability {
	const key = KeyObservability
	o := Observability{
		EndpointErrorRatePercent: floatOr(in.EndpointErrorRatePercent, defaultEndpointErrorRatePercent),
		EndpointP99LatencyMs:     defaultEndpointP99LatencyMs,
		FSxFreePercent:           floatOr(in.FSxFreePercent, defaultFSxFreePercent),
		InterruptionBacklog:      defaultInterruptionBacklog,
		IdleUtilizationPercent:   floatOr(in.IdleUtilizationPercent, defaultIdleUtilizationPercent),
		IdleHours:                defaultIdleHours,
	}
	set(&o.EndpointP99LatencyMs, in.EndpointP99LatencyMs)
	set(&o.InterruptionBacklog, in.InterruptionBacklog)
	set(&o.IdleHours, in.IdleHours)
	percent := func(k string, v float64) {
		if v <= 0 || v >= 100 {
			p.add(key+"."+k, "%g; allowed: above 0 and below 100 (percent)", v)
		}
	}
	percent("endpointErrorRatePercent", o.EndpointErrorRatePercent)
	percent("fsxFreePercent", o.FSxFreePercent)
	percent("idleUtilizationPercent", o.IdleUtilizationPercent)
	if o.EndpointP99LatencyMs < 1 || o.EndpointP99LatencyMs > 60000 {
		p.add(key+".endpointP99LatencyMs", "%d; allowed: 1 to 60000 (a real-time invocation times out after 60 s)", o.EndpointP99LatencyMs)
	}
	if o.InterruptionBacklog < 1 {
		p.add(key+".interruptionBacklog", "%d; allowed: 1 or more messages", o.InterruptionBacklog)
	}
	if maxHours := catalog.MetricsInsightsAlarmWindowSeconds / 3600; o.IdleHours < 1 || o.IdleHours > maxHours {
		p.add(key+".idleHours", "%d; allowed: 1 to %d (the idle alarm watches every node with a Metrics Insights query, "+
			"and such an alarm evaluates the latest %d hours only)", o.IdleHours, maxHours, maxHours)
	}
	if pr := in.Prometheus; pr != nil && pr.Enabled {
		o.Prometheus = &Prometheus{ScrapeIntervalSeconds: defaultScrapeIntervalSeconds}
		set(&o.Prometheus.ScrapeIntervalSeconds, pr.ScrapeIntervalSeconds)
		if v := o.Prometheus.ScrapeIntervalSeconds; v < catalog.PrometheusMinScrapeIntervalSeconds || v > 3600 {
			p.add(key+".prometheus.scrapeIntervalSeconds", "%d; allowed: %d to 3600 (the managed collector's minimum is %d s)",
				v, catalog.PrometheusMinScrapeIntervalSeconds, catalog.PrometheusMinScrapeIntervalSeconds)
		}
	}
	return o
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
