package spec

// Alarms decide when the stack's alarms fire: config fills them from
// ml-platform:observability (checking each bound), the observability
// component creates the alarms.
type Alarms struct {
	// EndpointErrorRatePercent of invocations answered 5xx (15 minutes).
	EndpointErrorRatePercent float64
	// EndpointP99LatencyMs of model latency (15 minutes).
	EndpointP99LatencyMs int
	// FSxFreePercent of a Lustre file system's capacity below which it
	// alarms.
	FSxFreePercent float64
	// InterruptionBacklog messages waiting in Karpenter's queue (15 minutes).
	InterruptionBacklog int
	// IdleUtilizationPercent and IdleHours: accelerators below this
	// utilization for this long on one node are idle and billed.
	IdleUtilizationPercent float64
	IdleHours              int
}

// Grafana is the Amazon Managed Grafana workspace: config fills it from
// ml-platform:observability.grafana, the observability component creates
// it and the workloads package provisions its data sources and
// dashboards.
type Grafana struct {
	// AuthenticationProviders are how people sign in (AWS_SSO, SAML).
	AuthenticationProviders []string
	// GrafanaVersion is the workspace's Grafana version.
	GrafanaVersion string
	// AdminGroupIDs and ViewerGroupIDs are IAM Identity Center groups
	// given those roles.
	AdminGroupIDs, ViewerGroupIDs []string
	// PrivateAccess admits the workspace's users and API only through the
	// VPC's grafana-workspace interface endpoint.
	PrivateAccess bool
}
