package catalog

// Amazon Managed Service for Prometheus: the managed collector (scraper)
// and the exporters it scrapes.
const (
	// PrometheusMinScrapeIntervalSeconds is the managed collector's
	// shortest scrape interval.
	PrometheusMinScrapeIntervalSeconds = 30
	// PrometheusMinScraperAZs: a scraper's subnets span at least two AZs.
	PrometheusMinScraperAZs = 2
	// DCGMExporterPort is where NVIDIA's dcgm-exporter (the chart the
	// workloads install) serves /metrics, in plain HTTP.
	DCGMExporterPort = 9400
	// NeuronMonitorPort is where the Neuron monitor that the
	// amazon-cloudwatch-observability add-on runs serves /metrics, in HTTPS
	// with the add-on's self-signed certificate.
	NeuronMonitorPort = 8000
	// CloudWatchObservabilityNamespace is where the
	// amazon-cloudwatch-observability add-on runs its agents and monitors.
	CloudWatchObservabilityNamespace = "amazon-cloudwatch"
)

// PrometheusSource says where the managed collector's constraints come from.
// Three points are read from documentation that disagrees with itself or is
// silent, and are unconfirmed against the API:
//   - A workspace encrypted with a customer-managed key: the collector page
//     requires a role configuration (a source role the scraper assumes, a
//     target role that writes); the encryption-at-rest page still says such
//     workspaces cannot use managed collectors.
//   - The role trust policies name the scraper's ARN, unknown before it
//     exists: the guide's cross-account procedure says to create them with
//     scraper/* first, which is what the platform keeps (scoped to the
//     account and Region).
//   - Whether the collector accepts tls_config (the Neuron monitor serves
//     HTTPS with a self-signed certificate): the guide lists the supported
//     configuration sections without it.
var PrometheusSource = Source{
	Description: "Amazon Managed Service for Prometheus user guide: managed collectors for Amazon EKS (subnets in two AZs, " +
		"30 s minimum interval, access entry created for API authentication mode, role configuration), encryption at " +
		"rest (grants, kms:ViaService aps), interface VPC endpoints (aps-workspaces); NVIDIA dcgm-exporter and the " +
		"amazon-cloudwatch-observability chart for the exporter ports",
	URL:      "https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html",
	Recorded: recorded,
}

// AMPScrapeConfigFields are the scrape_configs fields the managed
// collector's documentation lists; a scrape configuration uses no other.
var AMPScrapeConfigFields = []string{
	"honor_labels", "honor_timestamps", "job_name", "kubernetes_sd_configs", "metric_relabel_configs", "metrics_path",
	"relabel_configs", "scheme", "scrape_interval", "scrape_timeout", "static_configs",
}

// AMPScrapeConfigSource says where AMPScrapeConfigFields come from.
var AMPScrapeConfigSource = Source{
	Description: "Amazon Managed Service for Prometheus user guide, \"Scraper configuration\" for AWS managed collectors: " +
		"the supported scrape configuration fields (tls_config is not among them, as the runtime review found; the page " +
		"could not be reopened from this workplace on the recorded date).",
	URL:      "https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html",
	Recorded: "2026-12-07",
}

// PrometheusQueryActions are what a client that runs PromQL against an
// Amazon Managed Service for Prometheus workspace needs (the
// AmazonPrometheusQueryAccess managed policy's actions).
var PrometheusQueryActions = []string{"aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"}

// Amazon Managed Grafana (GrafanaSource).
const (
	// GrafanaWorkspaceEndpoint is the interface endpoint service of
	// workspace access (UI and HTTP API).
	GrafanaWorkspaceEndpoint = "grafana-workspace"
	// GrafanaAPIEndpoint is the management API's (the token rotation
	// job mints tokens there).
	GrafanaAPIEndpoint = "grafana"
	// GrafanaOperatorAPIVersion is the grafana-operator's API.
	GrafanaOperatorAPIVersion = "grafana.integreatly.org/v1beta1"
	// GrafanaTokenSeconds is the longest a workspace service account token
	// lives (30 days): the platform rotates it.
	GrafanaTokenSeconds = 30 * 24 * 3600
	// KubectlImage writes the rotated token into the operator's Secret.
	KubectlImage = "registry.k8s.io/kubectl:v1.35.6"
)

// Managed Grafana's prices per active user a month (GrafanaSource).
const (
	GrafanaEditorUSDPerMonth = 9.0
	GrafanaViewerUSDPerMonth = 5.0
)

// GrafanaAuthenticationProviders and GrafanaVersions are what a workspace
// accepts (the versions the pinned provider documents).
var (
	GrafanaAuthenticationProviders = []string{"AWS_SSO", "SAML"}
	GrafanaVersions                = []string{"8.4", "9.4", "10.4"}
)

// GrafanaSource says where the Managed Grafana facts were read.
var GrafanaSource = Source{
	Description: "pulumi-aws v6.83.4 go/aws/grafana (Workspace: accountAccessType, authenticationProviders AWS_SSO|SAML, " +
		"permissionType SERVICE_MANAGED|CUSTOMER_MANAGED, dataSources, roleArn, grafanaVersion documented as 8.4, 9.4, 10.4 " +
		"(AWS now also offers 12.x, which this catalog has not confirmed), networkAccessControl vpceIds; " +
		"WorkspaceServiceAccount with grafanaRole ADMIN|EDITOR|VIEWER; WorkspaceServiceAccountToken secondsToLive up to 30 " +
		"days, key secret). AMG user guide AMG-manage-permissions (the Prometheus data source needs aps:QueryMetrics, " +
		"GetLabels, GetSeries, GetMetricMetadata; a workspace created through the API with SERVICE_MANAGED gets no " +
		"permissions provisioned, hashicorp/terraform-provider-aws#24342, hence CUSTOMER_MANAGED with the platform's role) " +
		"and cross-service-confused-deputy-prevention (aws:SourceAccount on the trust). AWS_SSO needs IAM Identity Center " +
		"(ValidationException \"SSO is not enabled in any region\" otherwise). grafana-operator 5.24.0 " +
		"(oci://ghcr.io/grafana/helm-charts/grafana-operator, CRDs in a crds subchart, no hooks; Grafana spec.external.url " +
		"and apiKey {name, key}; GrafanaDatasource and GrafanaDashboard with instanceSelector; the AWS observability " +
		"accelerator's AMP data source: type prometheus, sigV4Auth with sigV4AuthType ec2_iam_role, the workspace's role). " +
		"Pricing: $9 per active editor or admin and $5 per active viewer a month (aws.amazon.com/grafana/pricing, stored copy). " +
		"AMG user guide VPC-endpoints: com.amazonaws.<region>.grafana is the management API, com.amazonaws.<region>.grafana-workspace " +
		"the workspaces (network access control names it); whether its private DNS resolves the workspace's own host name was not " +
		"confirmed (a public module reports having to add the resolution itself).",
	URL:      "https://docs.aws.amazon.com/grafana/latest/userguide/AMG-manage-permissions.html",
	Recorded: "2026-12-07",
}
