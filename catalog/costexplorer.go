package catalog

import "strings"

// Cost Explorer SERVICE values that the platform's resources bill under, and
// what reading them costs. `go run ./cmd/cost actual` groups a stack's
// actual spend by these names and matches the estimate to them.
const (
	CEServiceEC2Compute = "Amazon Elastic Compute Cloud - Compute"
	// CEServiceEC2Other holds EBS volumes, NAT gateways and data transfer.
	CEServiceEC2Other   = "EC2 - Other"
	CEServiceVPC        = "Amazon Virtual Private Cloud"
	CEServiceEKS        = "Amazon Elastic Container Service for Kubernetes"
	CEServiceSageMaker  = "Amazon SageMaker"
	CEServiceS3         = "Amazon Simple Storage Service"
	CEServiceFSx        = "Amazon FSx"
	CEServiceEFS        = "Amazon Elastic File System"
	CEServiceGrafana    = "Amazon Managed Grafana"
	CEServiceKMS        = "AWS Key Management Service"
	CEServiceCloudWatch = "AmazonCloudWatch"
	CEServiceOpenSearch = "Amazon OpenSearch Service"
	CEServicePrometheus = "Amazon Managed Service for Prometheus"
)

// CostExplorerRequestUSD is what one Cost Explorer API request costs (each
// page of a paginated answer is a request).
const CostExplorerRequestUSD = 0.01

// CostExplorerMaxDailyDays is how far back Cost Explorer answers at DAILY
// granularity: the last 14 months (about 425 days); the command asks for
// at most a year.
const CostExplorerMaxDailyDays = 365

// costExplorerServices maps resource types (by prefix) to the SERVICE value
// their charges appear under; the first match wins.
var costExplorerServices = []struct{ prefix, service string }{
	{"aws:amp/", CEServicePrometheus},
	{"aws:bedrock/", BedrockService},
	{"aws:cloudwatch/", CEServiceCloudWatch},
	{"aws:ec2/flowLog:", CEServiceCloudWatch}, // vended logs, billed by CloudWatch Logs
	{"aws:ec2/natGateway:", CEServiceEC2Other},
	{"aws:ec2/eip:", CEServiceVPC}, // public IPv4 addresses
	{"aws:ec2/vpcEndpoint:", CEServiceVPC},
	{"aws:eks/cluster:", CEServiceEKS},
	{"eks:index:Cluster", CEServiceEKS},
	{"aws:eks/nodeGroup:", CEServiceEC2Compute},
	{"kubernetes:karpenter.sh/", CEServiceEC2Compute},
	// The LLM servers are priced as the nodes they hold.
	{"kubernetes:apps/v1:Deployment", CEServiceEC2Compute},
	{"kubernetes:leaderworkerset.x-k8s.io/", CEServiceEC2Compute},
	{"aws:fsx/", CEServiceFSx},
	{"aws:grafana/", CEServiceGrafana},
	{"aws:efs/", CEServiceEFS},
	{"aws:kms/", CEServiceKMS},
	{"aws:opensearch/", CEServiceOpenSearch},
	{"aws:s3/", CEServiceS3},
	{"ml-platform:usage:S3", CEServiceS3},
	{"ml-platform:usage:CloudWatchLogs", CEServiceCloudWatch},
	{"aws:sagemaker/", CEServiceSageMaker},
}

// CostExplorerServiceOf is the Cost Explorer SERVICE value a resource type's
// charges bill under; "" when the catalog does not record it.
func CostExplorerServiceOf(resourceType string) string {
	for _, s := range costExplorerServices {
		if strings.HasPrefix(resourceType, s.prefix) {
			return s.service
		}
	}
	return ""
}

// CostExplorerSource says where the names and the request price come from.
var CostExplorerSource = Source{
	Description: "Cost Explorer API reference, GetCostAndUsage (GroupBy SERVICE, Filter by cost allocation tag; " +
		"$0.01 per paginated request, DAILY data for the last 14 months) and GetDimensionValues (SERVICE values as " +
		"billed). The SERVICE names are recorded as Cost Explorer shows them; flow logs bill as CloudWatch vended " +
		"logs, NAT gateways and EBS under \"EC2 - Other\", public IPv4 addresses under Amazon Virtual Private Cloud. " +
		"Not checked against a live account here: a name that differs shows as an unmatched service in the report.",
	URL:      "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html",
	Recorded: "2026-12-07",
}
