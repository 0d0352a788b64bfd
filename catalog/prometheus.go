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
