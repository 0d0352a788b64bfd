package spec

// Domain is the VPC-only SageMaker Studio domain's settings: config fills
// them from ml-platform:sagemaker.domain, the sagemaker component creates
// the domain.
type Domain struct {
	// UserProfiles are created in the domain.
	UserProfiles []string
	// IdleTimeoutMinutes shuts idle JupyterLab apps down.
	IdleTimeoutMinutes int
}

// MLflow is the SageMaker managed MLflow tracking server's settings: config
// fills them from ml-platform:sagemaker.mlflow, the sagemaker component
// creates the server.
type MLflow struct {
	// Size is Small, Medium or Large (catalog.MLflowSizes).
	Size string
	// Version is the MLflow version; "" lets SageMaker pick its default.
	Version string
	// MaintenanceWindow is the weekly maintenance start, "TUE:03:30" (UTC);
	// "" lets SageMaker pick.
	MaintenanceWindow string
	// AutomaticModelRegistration registers models logged to MLflow in the
	// SageMaker Model Registry.
	AutomaticModelRegistration bool
}
