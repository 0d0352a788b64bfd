package catalog

import (
	"slices"
	"strings"
)

// EndpointService is an AWS service reachable through an interface VPC
// endpoint (PrivateLink). Name is the suffix after "com.amazonaws.<region>.".
type EndpointService struct {
	Name        string // "sagemaker.api"
	Description string // what traffic the endpoint carries
	Default     bool   // part of the default list every stack gets
}

// EndpointServicesSource says where the endpoint service names come from.
var EndpointServicesSource = Source{
	Description: "AWS services that integrate with AWS PrivateLink (interface endpoint service names, suffix after com.amazonaws.<region>.)",
	URL:         "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
	Recorded:    recorded,
}

// endpointServices is sorted by Name. Default marks the services a private
// cluster with SageMaker and Bedrock needs without a NAT gateway: image pulls
// (ecr.api, ecr.dkr; the layers come from S3 through the network
// component's gateway endpoint, so S3 is not listed here), node
// bootstrap and IRSA/Pod Identity (ec2, eks, eks-auth, sts, autoscaling,
// elasticloadbalancing), telemetry (logs, monitoring), SSM access, KMS, and
// the SageMaker and Bedrock APIs.
var endpointServices = []EndpointService{
	{Name: "aps-workspaces", Description: "Amazon Managed Service for Prometheus data plane (remote write and queries)"},
	{Name: "autoscaling", Description: "EC2 Auto Scaling API, used by managed node groups and the cluster autoscaler", Default: true},
	{Name: "bedrock", Description: "Amazon Bedrock control plane", Default: true},
	{Name: "bedrock-agent", Description: "Agents and Knowledge Bases for Amazon Bedrock, build-time API"},
	{Name: "bedrock-agent-runtime", Description: "Agents and Knowledge Bases for Amazon Bedrock, runtime API"},
	{Name: "bedrock-runtime", Description: "Amazon Bedrock model invocation", Default: true},
	{Name: "ec2", Description: "Amazon EC2 API, used by node bootstrap, the VPC CNI and Karpenter", Default: true},
	{Name: "ec2messages", Description: "Systems Manager agent message delivery (legacy channel)", Default: true},
	{Name: "ecr.api", Description: "Amazon ECR API (authentication and image manifests)", Default: true},
	{Name: "ecr.dkr", Description: "Amazon ECR Docker registry (image layers are fetched from S3)", Default: true},
	{Name: "eks", Description: "Amazon EKS API, used by nodes to join the cluster", Default: true},
	{Name: "eks-auth", Description: "EKS Pod Identity credential exchange", Default: true},
	{Name: "elasticfilesystem", Description: "Amazon EFS API (SageMaker Studio home directories)"},
	{Name: "elasticloadbalancing", Description: "Elastic Load Balancing API, used by the AWS Load Balancer Controller", Default: true},
	{Name: "events", Description: "Amazon EventBridge API"},
	{Name: "fsx", Description: "Amazon FSx API, used by the FSx for Lustre CSI driver"},
	{Name: "grafana", Description: "Amazon Managed Grafana management API (service account tokens)"},
	{Name: "grafana-workspace", Description: "Amazon Managed Grafana workspace access (UI and HTTP API)"},
	{Name: "kms", Description: "AWS KMS, for envelope encryption of volumes, buckets and secrets", Default: true},
	{Name: "logs", Description: "Amazon CloudWatch Logs", Default: true},
	{Name: "monitoring", Description: "Amazon CloudWatch metrics", Default: true},
	{Name: "sagemaker.api", Description: "Amazon SageMaker control plane", Default: true},
	{Name: "sagemaker.experiments", Description: "SageMaker managed MLflow tracking servers (service name aws.sagemaker.<region>.experiments)"},
	{Name: "sagemaker.featurestore-runtime", Description: "SageMaker Feature Store online store runtime"},
	{Name: "sagemaker.runtime", Description: "SageMaker real-time endpoint invocation", Default: true},
	{Name: "sagemaker.studio", Description: "SageMaker Studio (service name aws.sagemaker.<region>.studio), for VPC-only domains"},
	{Name: "secretsmanager", Description: "AWS Secrets Manager"},
	{Name: "servicecatalog", Description: "AWS Service Catalog, used by SageMaker Projects"},
	{Name: "sqs", Description: "Amazon SQS, used by the Karpenter interruption queue"},
	{Name: "ssm", Description: "AWS Systems Manager API", Default: true},
	{Name: "ssmmessages", Description: "Systems Manager Session Manager data channel (node access without SSH)", Default: true},
	{Name: "sts", Description: "AWS STS, for IRSA web identity and role assumption", Default: true},
}

// EndpointServices returns every interface endpoint service the network
// component knows, sorted by Name. The slice is a copy.
func EndpointServices() []EndpointService {
	return slices.Clone(endpointServices)
}

// KnownEndpointService reports whether name (the suffix after
// "com.amazonaws.<region>.") is an endpoint service this project knows.
func KnownEndpointService(name string) bool {
	_, found := slices.BinarySearchFunc(endpointServices, name, func(s EndpointService, n string) int {
		return strings.Compare(s.Name, n)
	})
	return found
}

// DefaultInterfaceEndpoints returns the sorted names of the services every
// stack gets an interface endpoint for unless its config says otherwise.
func DefaultInterfaceEndpoints() []string {
	var names []string
	for _, s := range endpointServices {
		if s.Default {
			names = append(names, s.Name)
		}
	}
	return names
}

// EndpointServiceName returns the full PrivateLink service name for service
// in region, e.g. "com.amazonaws.us-east-1.sagemaker.api". It does not check
// that either is known; use [KnownRegion] and [KnownEndpointService].
func EndpointServiceName(region, service string) string {
	if service == "sagemaker.studio" || service == MLflowEndpointService {
		// Studio's and MLflow's services are named outside the
		// com.amazonaws namespace.
		return "aws.sagemaker." + region + "." + strings.TrimPrefix(service, "sagemaker.")
	}
	return "com.amazonaws." + region + "." + service
}
