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
