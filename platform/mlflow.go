package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/ml-platform/ml-platform/access/declare"
	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/keys"
	smc "github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/components/storage"
	"github.com/ml-platform/ml-platform/config"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/workloads"
)

// MLflow is the managed MLflow tracking server and the cluster training
// jobs' way to it.
type MLflow struct {
	Server *smc.TrackingServer
	// Trainer gives the example training job's pods the role that logs
	// to the server; nil without the job.
	Trainer *podIdentity
}

// mlflowArtifactPrefix is where the server keeps artifacts in the
// artifacts bucket.
const mlflowArtifactPrefix = "mlflow/"

// TrainerServiceAccount runs the example training job's pods.
const TrainerServiceAccount = "trainer"

func trainerRoleName(prefix string) string { return prefix + "-trainer" }

// mlflowServerName names the stack's tracking server.
func (p *Platform) mlflowServerName() string {
	return config.MLflowServerName(p.Config.Project, p.Config.Name)
}

// buildMLflow registers the tracking server, before the training job that
// logs to it; the SageMaker roles that log to it name it by ARN.
func (p *Platform) buildMLflow(ctx *pulumi.Context, prefix string, withAWS pulumi.ResourceOption) error {
	cfg := p.Config
	m := cfg.SageMaker.MLflow
	if m == nil {
		return nil
	}
	var err error
	p.MLflow = &MLflow{}
	p.MLflow.Server, err = smc.NewTrackingServer(ctx, "mlflow", &smc.TrackingServerArgs{
		Name: p.mlflowServerName(), Account: p.Account(), MLflow: *m,
		ArtifactBucket: p.Buckets.Names[storage.Artifacts], ArtifactPrefix: mlflowArtifactPrefix,
		KeyAlias: keys.AliasName(prefix, KeyData), DependsOn: []pulumi.Resource{p.Buckets}, Tags: cfg.Tags(),
	}, withAWS)
	if err != nil {
		return err
	}
	if cfg.Storage.TrainingJob == nil || p.Cluster == nil || p.Namespaces == nil {
		return nil
	}
	ns, ok := p.Namespaces.Namespaces[workloads.TrainingNamespace]
	if !ok {
		return nil
	}
	// The training pods' own role: log to the server, and its artifacts
	// under the prefix (the MLflow client uploads them itself).
	p.MLflow.Trainer, err = p.newPodRole(ctx, podRole{
		logical: "mlflow-trainer", name: trainerRoleName(prefix), namespace: workloads.TrainingNamespace,
		serviceAccount: TrainerServiceAccount, account: true,
		description: "The example training job's pods: log runs and artifacts to the MLflow tracking server",
		policy:      pulumi.String(p.trainerPolicy(prefix).JSON()),
	}, withAWS, ns)
	return err
}

// trainerPolicy is the training pods' role policy: the tracking server's
// API, the artifact prefix, and the data key through S3.
func (p *Platform) trainerPolicy(prefix string) iamdoc.Document {
	a := p.Account()
	bucket := p.Buckets.Names[storage.Artifacts]
	return iamdoc.New(
		iamdoc.Allow("MLflowTracking", catalog.MLflowClientActions, p.MLflow.Server.ARN),
		iamdoc.Allow("MLflowArtifacts", []string{"s3:GetObject", "s3:PutObject"}, a.S3(bucket+"/"+mlflowArtifactPrefix+"*")),
		prefixListing("MLflowArtifactListing", a.S3(bucket), mlflowArtifactPrefix),
		p.dataKeyThroughS3("ArtifactKey", prefix, "kms:Decrypt", "kms:GenerateDataKey"),
	)
}

// trainingJobMLflow is what the example training job needs to log to the
// server: its service account, the server's ARN and what to wait for.
func (p *Platform) trainingJobMLflow() (serviceAccount, trackingURI string, deps []pulumi.Resource) {
	if p.MLflow == nil || p.MLflow.Trainer == nil {
		return "", "", nil
	}
	return TrainerServiceAccount, p.MLflow.Server.ARN,
		[]pulumi.Resource{p.MLflow.Server, p.MLflow.Trainer.Account, p.MLflow.Trainer.Association}
}

// mlflowOutput is an output of the tracking server, "" without one.
func (p *Platform) mlflowOutput(f func(*MLflow) pulumi.StringInput) pulumi.StringInput {
	if p.MLflow == nil {
		return pulumi.String("")
	}
	return f(p.MLflow)
}

// mlflowFlows: the server writes its artifact store from SageMaker's
// network; Studio, the pipeline's jobs and the training pods log to it
// through the MLflow endpoint; the endpoints' models do not.
func (p *Platform) mlflowFlows(ctx *pulumi.Context) error {
	m := p.MLflow
	if m == nil {
		return nil
	}
	b := p.flowsFor()
	server := pulumi.String(m.Server.ARN)
	serverRole := pulumi.String(m.Server.RoleARN)
	tracking := declare.FromInternet()
	if ep, ok := p.Network.InterfaceEndpoints[catalog.MLflowEndpointService]; ok {
		tracking = declare.ThroughEndpoint(ep.ID().ToStringOutput())
		b.binds = append(b.binds, declare.Binding{Resource: ep, Value: ep.ID().ToStringOutput()})
	}
	run := "mlflow/1/0123456789abcdef/artifacts/model/model.pkl"
	b.add("the MLflow server writes its artifact store", declare.Allowed,
		"SageMaker developer guide, mlflow-create-tracking-server-iam: the server reaches the artifact store with its role, from SageMaker's network",
		req(serverRole, "s3:PutObject", b.object(storage.Artifacts, run), declare.FromService()),
		req(serverRole, "s3:GetObject", b.object(storage.Artifacts, run), declare.FromService()))
	b.add("the MLflow server reads training data or models", declare.Refused, "its role covers the artifact prefix only",
		req(serverRole, "s3:GetObject", b.object(storage.TrainingData, "raw/part-0.csv"), declare.FromService()),
		req(serverRole, "s3:GetObject", b.object(storage.Artifacts, "data-capture/x/capture.jsonl"), declare.FromService()))
	if sm := p.SageMaker; sm != nil {
		if p.Config.SageMaker.Pipeline != nil {
			b.add("a pipeline training job logs to MLflow", declare.Allowed, "sagemaker.mlflow: MLFLOW_TRACKING_URI in the Train step",
				req(pulumi.String(sm.ExecutionRole.ARN), "sagemaker-mlflow:LogMetric", server, tracking))
		}
		if sm.StudioRole != nil {
			b.add("a Studio user opens the MLflow UI", declare.Allowed, "SageMaker developer guide, mlflow-launch-ui: a presigned URL",
				req(pulumi.String(sm.StudioRole.ARN), catalog.MLflowUIAction, server, declare.FromInternet()),
				req(pulumi.String(sm.StudioRole.ARN), "sagemaker-mlflow:SearchExperiments", server, tracking))
		}
		if sm.ServingRole != nil {
			b.add("an endpoint's model logs to MLflow", declare.Refused, "serving roles read models; experiments are the jobs' and people's",
				req(pulumi.String(sm.ServingRole.ARN), "sagemaker-mlflow:LogMetric", server, tracking))
		}
	}
	if m.Trainer != nil {
		trainer := pulumi.String(p.Account().Role(trainerRoleName(p.Config.Project + "-" + p.Config.Name)))
		b.add("the cluster's training job logs to MLflow", declare.Allowed, "sagemaker.mlflow: MLFLOW_TRACKING_URI in the TrainJob",
			req(trainer, "sagemaker-mlflow:LogMetric", server, tracking),
			req(trainer, "s3:PutObject", b.object(storage.Artifacts, run), b.vpce()))
		b.add("the cluster's training job reads other artifacts", declare.Refused, "its role covers the MLflow prefix only",
			req(trainer, "s3:GetObject", b.object(storage.Artifacts, "data-capture/x/capture.jsonl"), b.vpce()))
	}
	return b.register(ctx, "mlflow-flows", "sagemaker", m.Server)
}
