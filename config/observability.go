package config

import (
	"fmt"
	"regexp"
	"slices"

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
	// Grafana, when set, adds an Amazon Managed Grafana workspace over the
	// Prometheus workspace and CloudWatch, with provisioned dashboards.
	Grafana *Grafana
}

// Grafana is the validated Managed Grafana configuration.
type Grafana = spec.Grafana

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
	{Name: "grafana", Enabled: "enabled", Doc: "an Amazon Managed Grafana workspace with the Prometheus workspace and CloudWatch as data " +
		"sources and provisioned dashboards (needs prometheus)", Keys: []Key{
		{Name: "authenticationProviders", Default: func(Context) any { return []string{"AWS_SSO"} },
			Check: Check{Allowed: quoteAll(catalog.GrafanaAuthenticationProviders), OKString: func(v string) bool {
				return slices.Contains(catalog.GrafanaAuthenticationProviders, v)
			}, What: "an authentication provider"},
			Doc: "how people sign in: AWS_SSO (IAM Identity Center, which must be enabled) and/or SAML"},
		{Name: "grafanaVersion", Default: Always(catalog.GrafanaVersions[len(catalog.GrafanaVersions)-1]), Check: OneOf("a Grafana version", catalog.GrafanaVersions...),
			Doc: "the workspace's Grafana version"},
		{Name: "adminGroupIds", Field: "AdminGroupIDs", Check: Matching("an Identity Center group ID", "a group ID such as 9067ec5a2b-1f3e4d5c-...", groupIDPattern.MatchString),
			Doc: "IAM Identity Center groups that administer the workspace"},
		{Name: "viewerGroupIds", Field: "ViewerGroupIDs", Check: Matching("an Identity Center group ID", "a group ID such as 9067ec5a2b-1f3e4d5c-...", groupIDPattern.MatchString),
			Doc: "IAM Identity Center groups that view the dashboards"},
		{Name: "privateAccess", Default: ByEnv(false, true), Check: Check{Allowed: "true, false; prod-like stacks true"},
			Doc: "reach the workspace only through the VPC's grafana-workspace endpoint (the UI from the VPC or a connected network)"},
	}},
}

var groupIDPattern = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)

// checkGrafana: dashboards need the Prometheus workspace; prod keeps the
// workspace off the internet; a group has one role.
func checkGrafana(c Context, s *Stack, p *problems) {
	g := s.Observability.Grafana
	if g == nil {
		return
	}
	const key = KeyObservability + ".grafana"
	if s.Observability.Prometheus == nil {
		p.add(key, "its data source is the Prometheus workspace: enable %s.prometheus", KeyObservability)
	}
	// The token rotation job's role is the longest name the workspace
	// brings (platform: <project>-<stack>-grafana-rotator).
	if role := c.Project + "-" + c.Stack + "-grafana-rotator"; len(role) > catalog.IAMRoleNameMax {
		p.add(key, "the stack's name makes the role name %q, longer than IAM's %d characters; allowed: a shorter project or stack name", role, catalog.IAMRoleNameMax)
	}
	if c.Env.ProdLike() && !g.PrivateAccess {
		p.add(key+".privateAccess", "false is weaker than %s allows (the workspace would answer from the internet); allowed: true", c.Env)
	}
	if len(g.AuthenticationProviders) == 0 {
		p.add(key+".authenticationProviders", "at least one; allowed: %s", quoteAll(catalog.GrafanaAuthenticationProviders))
	}
	// Role associations name IAM Identity Center groups: a workspace that
	// does not sign in through it has none to give roles to.
	if len(g.AdminGroupIDs)+len(g.ViewerGroupIDs) > 0 && !slices.Contains(g.AuthenticationProviders, "AWS_SSO") {
		p.add(key+".authenticationProviders", "%s without AWS_SSO, but adminGroupIds and viewerGroupIds are IAM Identity Center groups; "+
			"allowed: add AWS_SSO, or leave the group IDs out and give SAML users roles through the workspace's SAML configuration",
			quoteAll(g.AuthenticationProviders))
	}
	for i, id := range g.ViewerGroupIDs {
		if slices.Contains(g.AdminGroupIDs, id) {
			p.add(fmt.Sprintf("%s.viewerGroupIds[%d]", key, i), "%q is in adminGroupIds too; a group has one role: list it once", id)
		}
	}
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
