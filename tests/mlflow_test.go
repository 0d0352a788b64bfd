package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/policies/rules"
)

// policyOf reads a role policy's document by the policy's name.
func policyOf(t *testing.T, res *offline.Result, name string) iamdoc.Document {
	t.Helper()
	p := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), name)
	require.NotNil(t, p, name)
	var doc iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(str(p.Inputs, "policy")), &doc))
	return doc
}

func statement(doc iamdoc.Document, sid string) *iamdoc.Statement {
	for i := range doc.Statement {
		if doc.Statement[i].Sid == sid {
			return &doc.Statement[i]
		}
	}
	return nil
}

// TestMLflowTrackingServer: prod's tracking server keeps its artifacts
// under mlflow/ in its own artifacts bucket and reaches nothing else;
// the pipeline's jobs and Studio log to it by ARN, Studio opens its UI,
// the endpoints' models do not; the VPC reaches it through its endpoint;
// the pipeline tells its training jobs where it is; the estimate says its
// price is unknown.
func TestMLflowTrackingServer(t *testing.T) {
	res := preview(t, "prod")
	servers := byType(res, "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer")
	require.Len(t, servers, 1)
	s := servers[0].Inputs
	require.Equal(t, "ml-platform-prod-mlflow", str(s, "trackingServerName"))
	artifacts := "ml-platform-prod-artifacts-123456789012-us-east-1"
	require.Equal(t, "s3://"+artifacts+"/mlflow/", str(s, "artifactStoreUri"))
	require.Equal(t, "Small", str(s, "trackingServerSize"))
	require.Equal(t, "SUN:03:00", str(s, "weeklyMaintenanceWindowStart"))
	require.Equal(t, "ml-platform-prod", strMap(s["tags"].ObjectValue())["Stack"])

	server := "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml-platform-prod-mlflow"
	require.Equal(t, server, res.Outputs["mlflowTrackingServerArn"])
	require.True(t, strings.HasPrefix(res.Outputs["mlflowTrackingServerUrl"].(string), "https://"))

	own := policyOf(t, res, "mlflow")
	require.Equal(t, []string{"arn:aws:s3:::" + artifacts + "/mlflow/*"}, statement(own, "ArtifactObjects").Resource)
	require.Equal(t, []string{"mlflow/*"}, statement(own, "ArtifactListing").Condition["StringLike"]["s3:prefix"])
	require.Nil(t, statement(own, "RegisterLoggedModels"), "automatic registration is off")

	jobs := statement(policyOf(t, res, "sagemaker-execution"), "MLflowTracking")
	require.NotNil(t, jobs)
	require.Equal(t, []string{server}, jobs.Resource)
	require.NotContains(t, jobs.Action, catalog.MLflowUIAction)
	studio := statement(policyOf(t, res, "sagemaker-studio"), "MLflowTracking")
	require.NotNil(t, studio)
	require.Contains(t, studio.Action, catalog.MLflowUIAction)
	require.Nil(t, statement(policyOf(t, res, "sagemaker-serving"), "MLflowTracking"))

	endpoint := named(byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint"), "network-sagemaker-experiments")
	require.NotNil(t, endpoint)
	require.Equal(t, "aws.sagemaker.us-east-1.experiments", str(endpoint.Inputs, "serviceName"))
	require.Equal(t, true, endpoint.Inputs["privateDnsEnabled"].V)

	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(named(res.Registered, "sagemaker-pipeline").Inputs, "pipelineDefinition")), &def))
	train := def["Steps"].([]any)[1].(map[string]any)["Arguments"].(map[string]any)
	if inner, ok := train["TrainingJobDefinition"].(map[string]any); ok {
		train = inner
	}
	env := train["Environment"].(map[string]any)
	require.Equal(t, server, env["MLFLOW_TRACKING_URI"])
	require.Equal(t, "ml-platform-prod-build", env["MLFLOW_EXPERIMENT_NAME"])

	i := slices.IndexFunc(res.Cost.Items, func(it estimate.Item) bool {
		return it.Type == "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
	})
	require.GreaterOrEqual(t, i, 0)
	require.Contains(t, res.Cost.Items[i].Basis, "unknown, not free")
	require.Equal(t, catalog.CEServiceSageMaker, catalog.CostExplorerServiceOf(res.Cost.Items[i].Type))

	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
}

// TestMLflowOff: without the key there is no server, no endpoint, no
// grant and nothing in the pipeline's environment.
func TestMLflowOff(t *testing.T) {
	res := previewWithKey(t, "dev", config.KeySageMaker, func(m map[string]any) { delete(m, "mlflow") })
	require.Empty(t, byType(res, "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"))
	require.Nil(t, named(byType(res, "aws:ec2/vpcEndpoint:VpcEndpoint"), "network-sagemaker-experiments"))
	require.Nil(t, statement(policyOf(t, res, "sagemaker-execution"), "MLflowTracking"))
	require.Equal(t, "", res.Outputs["mlflowTrackingServerArn"])
	require.NotContains(t, str(named(res.Registered, "sagemaker-pipeline").Inputs, "pipelineDefinition"), "MLFLOW_TRACKING_URI")
}

// TestMLflowFromTheClusterTrainingJob: with the example training job on,
// its pods run as a service account whose Pod Identity role logs to the
// server and writes its artifacts only; the job is told where the server
// is and waits for the role.
func TestMLflowFromTheClusterTrainingJob(t *testing.T) {
	res := withStorage(t)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	server := "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml-platform-dev-mlflow"

	role := named(byType(res, "aws:iam/role:Role"), "mlflow-trainer")
	require.NotNil(t, role)
	trust := str(role.Inputs, "assumeRolePolicy")
	require.Contains(t, trust, "pods.eks.amazonaws.com")
	require.Contains(t, trust, `"ml-training"`)
	require.Contains(t, trust, `"trainer"`)
	doc := policyOf(t, res, "mlflow-trainer")
	require.Equal(t, []string{server}, statement(doc, "MLflowTracking").Resource)
	require.Equal(t, []string{"arn:aws:s3:::ml-platform-dev-artifacts-123456789012-us-east-1/mlflow/*"}, statement(doc, "MLflowArtifacts").Resource)

	assoc := named(byType(res, "aws:eks/podIdentityAssociation:PodIdentityAssociation"), "mlflow-trainer")
	require.NotNil(t, assoc)
	require.Equal(t, "ml-training", str(assoc.Inputs, "namespace"))
	require.Equal(t, "trainer", str(assoc.Inputs, "serviceAccount"))
	require.NotNil(t, named(byType(res, "kubernetes:core/v1:ServiceAccount"), "mlflow-trainer"))

	job := byType(res, "kubernetes:"+catalog.TrainerAPIVersion+":TrainJob")[0]
	spec := obj(job.Inputs, "spec")
	env := map[string]string{}
	for _, e := range obj(spec, "trainer")["env"].ArrayValue() {
		env[str(e.ObjectValue(), "name")] = str(e.ObjectValue(), "value")
	}
	require.Equal(t, server, env["MLFLOW_TRACKING_URI"])
	patch := spec["runtimePatches"].ArrayValue()[0].ObjectValue()
	rj := obj(obj(obj(patch, "trainingRuntimeSpec"), "template"), "spec")["replicatedJobs"].ArrayValue()[0].ObjectValue()
	pod := obj(obj(obj(obj(rj, "template"), "spec"), "template"), "spec")
	require.Equal(t, "trainer", str(pod, "serviceAccountName"))
	require.Contains(t, job.Dependencies, assoc.URN, "the job waits for its role's association")
}
