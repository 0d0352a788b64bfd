package catalog

import "regexp"

// SageMaker managed MLflow facts (catalog.MLflowSource).
var (
	// MLflowSizes are the tracking server sizes; Small is SageMaker's
	// default and suits teams of up to 25 users.
	MLflowSizes = []string{"Large", "Medium", "Small"}
	// MLflowServerName is the tracking server name rule (1 to 256).
	MLflowServerName = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$`)
	// MLflowMaintenanceWindow is a weekly window start, day and UTC time.
	MLflowMaintenanceWindow = regexp.MustCompile(`^(?i:mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$`)
	// MLflowVersion is a version such as 2.16 or 2.16.2.
	MLflowVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)
)

// MLflowEndpointService is the interface endpoint clients in the VPC reach
// tracking servers through (aws.sagemaker.<region>.experiments); the
// presigned URL for the UI comes from the SageMaker API endpoint.
const MLflowEndpointService = "sagemaker.experiments"

// MLflowClientActions are what a client of a tracking server calls: the
// MLflow REST API (sagemaker-mlflow:*, scoped to the server's ARN) and the
// server's description.
var MLflowClientActions = []string{"sagemaker-mlflow:*", "sagemaker:DescribeMlflowTrackingServer"}

// MLflowUIAction opens the server's UI through a presigned URL (Studio users).
const MLflowUIAction = "sagemaker:CreatePresignedMlflowTrackingServerUrl"

// MLflowSource says where the MLflow facts come from.
var MLflowSource = Source{
	Description: "SageMaker API reference, CreateMlflowTrackingServer (TrackingServerName pattern and length, " +
		"TrackingServerSize Small/Medium/Large with Small the default and recommended for teams of up to 25 users, " +
		"ArtifactStoreUri, RoleArn, AutomaticModelRegistration default false, WeeklyMaintenanceWindowStart); SageMaker " +
		"developer guide, mlflow-create-tracking-server-iam (the role the server assumes reads and writes the artifact " +
		"store; sagemaker-mlflow:* for clients), mlflow-interface-endpoint (clients in a VPC need an interface endpoint " +
		"to MLflow and one to the SageMaker API; the endpoint service is named aws.sagemaker.<region>.experiments, " +
		"recorded from memory: the page's text read here stops before the name, and the preview's endpoint check reads " +
		"the real list). The tracking server's hourly price is not recorded: the estimate says it is unknown.",
	URL:      "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMlflowTrackingServer.html",
	Recorded: "2026-12-07",
}
