package sagemaker_test

import (
	"encoding/json"
	"fmt"
	"github.com/ml-platform/ml-platform/catalog"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/lib/awsarn"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/internal/testkit"
	"github.com/ml-platform/ml-platform/internal/testkit/golden"
	"github.com/ml-platform/ml-platform/spec"
)

const (
	dataKey   = "arn:aws:kms:us-east-1:123456789012:key/data"
	alertsKey = "arn:aws:kms:us-east-1:123456789012:key/alerts"
	roleARN   = "arn:aws:iam::123456789012:role/ml-platform-test-sagemaker"
	image     = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker"
)

var testTags = map[string]string{"Project": "ml-platform", "Environment": "dev"}

func obj(m resource.PropertyMap, path ...string) resource.PropertyMap {
	for _, k := range path {
		v, ok := m[resource.PropertyKey(k)]
		if !ok {
			return resource.PropertyMap{}
		}
		if v.IsArray() && len(v.ArrayValue()) > 0 {
			v = v.ArrayValue()[0]
		}
		if !v.IsObject() {
			return resource.PropertyMap{}
		}
		m = v.ObjectValue()
	}
	return m
}

func domainArgs() *sagemaker.DomainArgs {
	return &sagemaker.DomainArgs{
		Name: "ml-platform-test", VPCID: pulumi.String("vpc-1"), VPCCIDR: "10.20.0.0/16",
		SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), S3PrefixListID: pulumi.String("pl-s3"),
		ExecutionRoleARN: pulumi.String(roleARN), KMSKeyARN: pulumi.String(dataKey),
		Domain: spec.Domain{UserProfiles: []string{"alice", "bob"}, IdleTimeoutMinutes: 120}, Tags: testTags,
	}
}

func TestDomainIsVPCOnlyAndEncrypted(t *testing.T) {
	for _, prod := range []bool{false, true} {
		t.Run(fmt.Sprintf("prod=%v", prod), func(t *testing.T) {
			a := domainArgs()
			a.Protect, a.DeleteHomeOnDestroy = prod, !prod
			rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
				_, err := sagemaker.NewDomain(ctx, "domain", a)
				return err
			})
			require.NoError(t, err)
			d := testkit.One(t, rec, "aws:sagemaker/domain:Domain")
			require.Equal(t, "VpcOnly", mock.String(d.Inputs, "appNetworkAccessType"))
			require.Equal(t, dataKey, mock.String(d.Inputs, "kmsKeyId"))
			require.Equal(t, []string{"subnet-a", "subnet-b"}, mock.Strings(d.Inputs, "subnetIds"))
			require.Equal(t, "IAM", mock.String(d.Inputs, "authMode"))
			settings := obj(d.Inputs, "defaultUserSettings")
			require.Equal(t, roleARN, mock.String(settings, "executionRole"))
			require.Equal(t, "Disabled", mock.String(obj(settings, "sharingSettings"), "notebookOutputOption"), "no notebook sharing to S3")
			idle := obj(settings, "jupyterLabAppSettings", "appLifecycleManagement", "idleSettings")
			require.Equal(t, "ENABLED", mock.String(idle, "lifecycleManagement"))
			require.EqualValues(t, 120, idle["idleTimeoutInMinutes"].NumberValue())
			require.Equal(t, "DISABLED", mock.String(obj(d.Inputs, "domainSettings", "dockerSettings"), "enableDockerAccess"))

			sg := testkit.One(t, rec, "aws:ec2/securityGroup:SecurityGroup")
			require.Equal(t, []string{sg.Outputs["id"].StringValue()}, mock.Strings(settings, "securityGroups"))
			for _, r := range rec.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
				require.NotEqual(t, "0.0.0.0/0", mock.String(r.Inputs, "cidrIpv4"), "%s: a VPC-only domain reaches nothing outside", r.Name)
				require.Contains(t, d.Dependencies, r.URN, "the domain waits for its group's rules")
			}
			require.Equal(t, "pl-s3", mock.String(rec.ByName("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "domain-https-to-s3").Inputs, "prefixListId"))

			retention := "Retain"
			if !prod {
				retention = "Delete"
			}
			require.Equal(t, retention, mock.String(obj(d.Inputs, "retentionPolicy"), "homeEfsFileSystem"))
			require.Equal(t, prod, d.Protect)

			profiles := rec.ByType("aws:sagemaker/userProfile:UserProfile")
			require.Len(t, profiles, 2)
			for _, p := range profiles {
				require.Equal(t, d.Outputs["id"].StringValue(), mock.String(p.Inputs, "domainId"))
			}
		})
	}
}

func TestDomainRejectsBadArgs(t *testing.T) {
	a := domainArgs()
	a.UserProfiles = []string{"alice", "alice"}
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewDomain(ctx, "domain", a)
		return err
	})
	require.ErrorContains(t, err, `UserProfiles[1]: "alice"`)
	require.Empty(t, rec.ByType("aws:sagemaker/domain:Domain"), "nothing is registered")
}

func scope() sagemaker.RoleScope {
	return sagemaker.RoleScope{
		Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, RoleName: "ml-platform-test-sagemaker",
		BucketNames:   []string{"ml-platform-test-models-123456789012-us-east-1", "ml-platform-test-artifacts-123456789012-us-east-1"},
		KeyAliases:    []string{"alias/ml-platform-test-data"},
		Images:        []string{image, "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", image},
		TopicARNs:     []string{"arn:aws:sns:us-east-1:123456789012:ml-platform-test-batch-success"},
		PipelineNames: []string{"ml-platform-test-build"}, ModelPackageGroups: []string{"churn"},
		RunsJobs: true, RegistersModels: true, StartsPipelines: true,
	}
}

// TestExecutionPolicyNamesOnlyProjectResources proves the execution role
// is not AmazonSageMakerFullAccess: every resource is one of the project's,
// and the few "*" are the actions AWS gives no narrower resource for, each
// narrowed by a condition where IAM allows one.
func TestExecutionPolicyNamesOnlyProjectResources(t *testing.T) {
	s := scope()
	doc := sagemaker.ExecutionPolicy(s)
	wildcardOK := map[string]string{
		"ProjectKeys":          "kms:ResourceAliases",
		"SageMakerMetrics":     "cloudwatch:namespace",
		"ECRToken":             "",
		"VPCNetworkInterfaces": "",
		"StudioLists":          "",
	}
	project := func(r string) bool {
		for _, name := range append(append(slices.Clone(s.BucketNames), s.PipelineNames...), s.ModelPackageGroups...) {
			if strings.Contains(r, name) {
				return true
			}
		}
		return strings.Contains(r, ":"+mock.AccountID+":") && (strings.Contains(r, "/aws/sagemaker/") ||
			strings.HasSuffix(r, ":processing-job/*") || strings.HasSuffix(r, ":training-job/*") ||
			strings.HasSuffix(r, ":hyper-parameter-tuning-job/*")) ||
			strings.HasSuffix(r, ":role/"+s.RoleName) || slices.Contains(s.TopicARNs, r) ||
			strings.HasPrefix(r, "arn:aws:ecr:us-east-1:763104351884:repository/") ||
			strings.HasPrefix(r, "arn:aws:ecr:us-east-1:683313688378:repository/")
	}
	for _, st := range doc.Statement {
		require.Equal(t, "Allow", st.Effect)
		for _, a := range st.Action {
			require.NotContains(t, a, "*:", "%s: no service wildcard", st.Sid)
			require.NotEqual(t, "*", a, st.Sid)
			require.NotEqual(t, "sagemaker:*", a, st.Sid)
		}
		for _, r := range st.Resource {
			if r == "*" {
				cond, ok := wildcardOK[st.Sid]
				require.True(t, ok, "%s grants %v on *", st.Sid, st.Action)
				if cond != "" {
					found := false
					for _, kv := range st.Condition {
						_, found = kv[cond]
						if found {
							break
						}
					}
					require.True(t, found, "%s on * is narrowed by %s", st.Sid, cond)
				}
				continue
			}
			require.True(t, project(r), "%s: %s is not a project resource", st.Sid, r)
		}
	}
	pass := statement(t, doc, "PassThisRoleToSageMaker")
	require.Equal(t, []string{"arn:aws:iam::123456789012:role/ml-platform-test-sagemaker"}, pass.Resource, "passes itself only")
	require.Equal(t, []string{"sagemaker.amazonaws.com"}, pass.Condition["StringEquals"]["iam:PassedToService"])
	require.Len(t, statement(t, doc, "PullImages").Resource, 2, "one grant per repository")
	golden.AssertJSON(t, "execution-policy.json", doc.JSON())

	require.NotContains(t, statement(t, doc, "RegisterModels").Action, "sagemaker:UpdateModelPackage", "registering is not approving")

	// Without pipelines, groups or topics those statements disappear.
	bare := sagemaker.ExecutionPolicy(sagemaker.RoleScope{Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, RoleName: "r"})
	for _, st := range bare.Statement {
		require.NotContains(t, []string{"RegisterModels", "RunPipelines", "AsyncInferenceNotifications", "PullImages"}, st.Sid)
	}

	trust := sagemaker.SageMakerTrustPolicy(mock.AccountID)
	require.Equal(t, []string{"sagemaker.amazonaws.com"}, trust.Statement[0].Principal.Service)
	require.Equal(t, []string{mock.AccountID}, trust.Statement[0].Condition["StringEquals"]["aws:SourceAccount"], "confused deputy")
}

func statement(t *testing.T, doc iamdoc.Document, sid string) iamdoc.Statement {
	t.Helper()
	for _, st := range doc.Statement {
		if st.Sid == sid {
			return st
		}
	}
	t.Fatalf("no statement %s", sid)
	return iamdoc.Statement{}
}

func TestRepositoryARN(t *testing.T) {
	require.Equal(t, "arn:aws:ecr:us-east-1:763104351884:repository/pytorch-inference", sagemaker.RepositoryARN("aws", image))
	require.Equal(t, "arn:aws-cn:ecr:cn-north-1:727897471807:repository/pytorch-training",
		sagemaker.RepositoryARN("aws-cn", "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-training:2.5.1"))
	require.Equal(t, "arn:aws:ecr:us-east-1:123456789012:repository/team/serve",
		sagemaker.RepositoryARN("aws", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/serve@sha256:"+strings.Repeat("a", 64)))
	require.Empty(t, sagemaker.RepositoryARN("aws", "pytorch/pytorch:2.5.1"), "not ECR")
}

func buildDefinition(count int, tuning *sagemaker.TuningDefinition) sagemaker.BuildDefinition {
	return sagemaker.BuildDefinition{
		Jobs: sagemaker.JobSettings{RoleARN: roleARN, KMSKeyARN: dataKey, SubnetIDs: []string{"subnet-a", "subnet-b"},
			SecurityGroupIDs: []string{"sg-jobs"}, Region: "us-east-1"},
		InputDataURI: "s3://data/raw/", CodeURI: "s3://artifacts/code/", ArtifactsURI: "s3://artifacts/pipeline/",
		CheckpointURI:   "s3://checkpoints/build",
		ProcessingImage: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
		TrainingImage:   "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker",
		InferenceImage:  image, ProcessingInstanceType: "ml.m5.xlarge", TrainingInstanceType: "ml.g5.2xlarge",
		TrainingInstanceCount: count, MaxRuntimeSeconds: 43200, MaxWaitSeconds: 86400, ModelPackageGroup: "churn",
		MetricName: "accuracy", MetricPath: "metrics.accuracy.value", MetricMinimum: 0.8,
		InferenceInstanceTypes: []string{"ml.m5.xlarge"}, Tuning: tuning,
	}
}

// decode turns a definition into plain JSON values for path lookups.
func decode(t *testing.T, def string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(def), &out))
	return out
}

func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func stepNames(steps any) []string {
	var out []string
	for _, s := range steps.([]any) {
		out = append(out, s.(map[string]any)["Name"].(string))
	}
	return out
}

func TestBuildPipelineDefinition(t *testing.T) {
	def := buildDefinition(2, nil).JSON()
	golden.AssertJSON(t, "build-pipeline.json", def)
	d := decode(t, def)
	require.Equal(t, "2020-12-01", d["Version"])
	require.Equal(t, []string{"Preprocess", "Train", "Evaluate", "CheckMetric"}, stepNames(d["Steps"]), "steps in order")

	train := at(d, "Steps", 1, "Arguments")
	require.Equal(t, true, at(train, "EnableManagedSpotTraining"))
	require.Equal(t, map[string]any{"Std:Join": map[string]any{"On": "/", "Values": []any{"s3://checkpoints/build",
		map[string]any{"Get": "Execution.PipelineExecutionId"}}}}, at(train, "CheckpointConfig", "S3Uri"), "a prefix per execution: no run resumes another's")
	require.Greater(t, at(train, "StoppingCondition", "MaxWaitTimeInSeconds"), at(train, "StoppingCondition", "MaxRuntimeInSeconds"))
	require.Nil(t, at(train, "ResourceConfig", "VolumeKmsKeyId"), "ml.g5.2xlarge has NVMe storage: SageMaker refuses a volume key")
	require.Equal(t, dataKey, at(d, "Steps", 0, "Arguments", "ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"), "ml.m5.xlarge has EBS only")
	require.Equal(t, dataKey, at(train, "OutputDataConfig", "KmsKeyId"))
	require.Equal(t, map[string]any{"Get": "Parameters.TrainingInstanceType"}, at(train, "ResourceConfig", "InstanceType"))
	require.Equal(t, map[string]any{"Get": "Parameters.TrainingInstanceCount"}, at(train, "ResourceConfig", "InstanceCount"))
	require.Equal(t, "true", at(train, "HyperParameters", "sagemaker_torch_distributed_enabled"), "torchrun across two instances")
	require.Equal(t, []any{"subnet-a", "subnet-b"}, at(train, "VpcConfig", "Subnets"))
	require.Equal(t, true, at(train, "EnableInterContainerTrafficEncryption"))

	var params []string
	enums := map[string][]string{}
	for _, p := range d["Parameters"].([]any) {
		name := p.(map[string]any)["Name"].(string)
		params = append(params, name)
		values, _ := at(p, "EnumValues").([]any)
		for _, v := range values {
			enums[name] = append(enums[name], v.(string))
		}
	}
	require.Subset(t, params, []string{"TrainingInstanceType", "TrainingInstanceCount", "ProcessingInstanceType", "MetricMinimum"})
	// An execution may override the types only with types the job's
	// volume key (or its absence) suits.
	require.Contains(t, enums["TrainingInstanceType"], "ml.p5.48xlarge")
	require.Contains(t, enums["TrainingInstanceType"], "ml.g5.2xlarge")
	require.NotContains(t, enums["TrainingInstanceType"], "ml.m5.xlarge", "EBS only: would need the volume key")
	require.NotContains(t, enums["TrainingInstanceType"], "ml.c5d.xlarge", "not accelerated: torchrun is on")
	require.Contains(t, enums["ProcessingInstanceType"], "ml.m5.xlarge")
	require.NotContains(t, enums["ProcessingInstanceType"], "ml.g5.xlarge", "NVMe: the volume key would be refused")
	for name, allowed := range enums {
		for _, typ := range allowed {
			inst, _ := catalog.ResolveSageMakerInstance(typ)
			require.Equal(t, name == "TrainingInstanceType", inst.InstanceStorage, "%s may be %s", name, typ)
		}
	}

	check := at(d, "Steps", 3, "Arguments")
	require.Equal(t, "GreaterThanOrEqualTo", at(check, "Conditions", 0, "Type"))
	require.Equal(t, "metrics.accuracy.value", at(check, "Conditions", 0, "LeftValue", "Std:JsonGet", "Path"))
	require.Equal(t, map[string]any{"Get": "Steps.Evaluate.PropertyFiles.EvaluationReport"},
		at(check, "Conditions", 0, "LeftValue", "Std:JsonGet", "PropertyFile"))
	require.Equal(t, "EvaluationReport", at(d, "Steps", 2, "PropertyFiles", 0, "PropertyFileName"), "the condition's property file exists")
	require.Equal(t, "RegisterModel", at(check, "IfSteps", 0, "Type"))
	require.Equal(t, "PendingManualApproval", at(check, "IfSteps", 0, "Arguments", "ModelApprovalStatus"))
	require.Equal(t, "churn", at(check, "IfSteps", 0, "Arguments", "ModelPackageGroupName"))
	require.Equal(t, "Fail", at(check, "ElseSteps", 0, "Type"))

	// torchrun is on for accelerated types whatever the default count, so
	// an execution that overrides TrainingInstanceCount runs distributed.
	single := decode(t, buildDefinition(1, nil).JSON())
	require.Equal(t, "true", at(single, "Steps", 1, "Arguments", "HyperParameters", "sagemaker_torch_distributed_enabled"))
	cpu := buildDefinition(1, nil)
	cpu.TrainingInstanceType = "ml.m5.xlarge"
	cpuDef := decode(t, cpu.JSON())
	require.Nil(t, at(cpuDef, "Steps", 1, "Arguments", "HyperParameters", "sagemaker_torch_distributed_enabled"))
	require.Equal(t, dataKey, at(cpuDef, "Steps", 1, "Arguments", "ResourceConfig", "VolumeKmsKeyId"), "EBS only: the data key")
}

func TestTuningPipelineDefinition(t *testing.T) {
	def := buildDefinition(1, &sagemaker.TuningDefinition{MaxJobs: 8, MaxParallelJobs: 2, Objective: "accuracy", Maximize: true,
		LearningRateMin: 0.0001, LearningRateMax: 0.1}).JSON()
	golden.AssertJSON(t, "tuning-pipeline.json", def)
	d := decode(t, def)
	require.Equal(t, []string{"Preprocess", "Tune", "Evaluate", "CheckMetric"}, stepNames(d["Steps"]))
	tune := at(d, "Steps", 1, "Arguments")
	require.Equal(t, "Maximize", at(tune, "HyperParameterTuningJobConfig", "HyperParameterTuningJobObjective", "Type"))
	require.EqualValues(t, 8, at(tune, "HyperParameterTuningJobConfig", "ResourceLimits", "MaxNumberOfTrainingJobs"))
	job := at(tune, "TrainingJobDefinition")
	require.Equal(t, true, at(job, "EnableManagedSpotTraining"), "tuning jobs train on spot too")
	require.Contains(t, fmt.Sprint(at(job, "CheckpointConfig", "S3Uri")), "Execution.PipelineExecutionId", "per execution")
	require.Equal(t, "training-job-name", at(job, "StaticHyperParameters", "checkpoint_subdir"), "per trial, below the execution's prefix")
	require.NotNil(t, at(job, "StaticHyperParameters"))
	require.Nil(t, at(job, "HyperParameters"), "tuning jobs take static hyperparameters")
	model := at(d, "Steps", 2, "Arguments", "ProcessingInputs", 1, "S3Input", "S3Uri")
	require.Contains(t, fmt.Sprint(model), "Steps.Tune.TrainingJobSummaries[0].TrainingJobName", "the best job's model is evaluated")
}

func TestDataQualityDefinition(t *testing.T) {
	def := sagemaker.DataQualityDefinition{
		Jobs:  sagemaker.JobSettings{RoleARN: roleARN, KMSKeyARN: dataKey, SubnetIDs: []string{"subnet-a"}, SecurityGroupIDs: []string{"sg-jobs"}},
		Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", InstanceType: "ml.m5.large",
		CodeURI: "s3://artifacts/code/", ReportURI: "s3://artifacts/data-quality/",
		CaptureURIs: map[string]string{"z": "s3://artifacts/capture/z/", "a": "s3://artifacts/capture/a/"},
	}.JSON()
	d := decode(t, def)
	args := at(d, "Steps", 0, "Arguments")
	require.Equal(t, "capture-a", at(args, "ProcessingInputs", 1, "InputName"), "inputs sorted, code first")
	require.Equal(t, "capture-z", at(args, "ProcessingInputs", 2, "InputName"))
	require.Equal(t, dataKey, at(args, "ProcessingOutputConfig", "KmsKeyId"))
	require.Equal(t, dataKey, at(args, "ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"))
}

func endpointArgs(kind string) *sagemaker.EndpointArgs {
	a := &sagemaker.EndpointArgs{
		Name: "ml-platform-test-churn", Kind: kind, Image: image, ModelDataURL: "s3://models/churn/v1/model.tar.gz",
		ExecutionRoleARN: pulumi.String(roleARN), KMSKeyARN: pulumi.String(dataKey), TopicKMSKeyARN: pulumi.String(alertsKey),
		SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-jobs"}),
		InstanceType: "ml.m5.xlarge", MinInstances: 2, MaxInstances: 4, TargetInvocationsPerInstance: 70,
		CapturePercent: 20, CaptureURI: "s3://artifacts/capture/churn/", Tags: testTags,
	}
	switch kind {
	case sagemaker.Serverless:
		a.InstanceType, a.MinInstances, a.MaxInstances, a.CapturePercent = "", 0, 0, 0
		a.ServerlessMemoryMB, a.ServerlessMaxConcurrency = 2048, 5
	case sagemaker.MultiModel:
		a.ModelDataURL, a.CapturePercent = "s3://models/churn/", 0
	case sagemaker.Async:
		a.AsyncOutputURI, a.AsyncMaxConcurrentInvocations, a.CapturePercent = "s3://artifacts/async/churn/", 4, 0
	}
	return a
}

func buildEndpoint(t *testing.T, a *sagemaker.EndpointArgs) (*mock.Recorder, error) {
	t.Helper()
	return testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewEndpoint(ctx, "ep", a)
		return err
	})
}

func TestRealtimeEndpoint(t *testing.T) {
	rec, err := buildEndpoint(t, endpointArgs(sagemaker.Realtime))
	require.NoError(t, err)
	model := testkit.One(t, rec, "aws:sagemaker/model:Model")
	require.True(t, model.Inputs["enableNetworkIsolation"].BoolValue())
	require.Equal(t, []string{"subnet-a", "subnet-b"}, mock.Strings(obj(model.Inputs, "vpcConfig"), "subnets"))
	require.Empty(t, mock.String(obj(model.Inputs, "primaryContainer"), "mode"))

	cfg := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
	require.Equal(t, dataKey, mock.String(cfg.Inputs, "kmsKeyArn"))
	variant := obj(cfg.Inputs, "productionVariants")
	require.EqualValues(t, 2, variant["initialInstanceCount"].NumberValue(), "starts at the minimum: two AZs")
	require.Equal(t, model.Outputs["name"].StringValue(), mock.String(variant, "modelName"))
	capture := obj(cfg.Inputs, "dataCaptureConfig")
	require.True(t, capture["enableCapture"].BoolValue())
	require.EqualValues(t, 20, capture["initialSamplingPercentage"].NumberValue())
	require.Equal(t, dataKey, mock.String(capture, "kmsKeyId"))
	require.Equal(t, "s3://artifacts/capture/churn/", mock.String(capture, "destinationS3Uri"))
	var modes []string
	for _, o := range mock.Array(capture, "captureOptions") {
		modes = append(modes, mock.String(o.ObjectValue(), "captureMode"))
	}
	require.Equal(t, []string{"Input", "Output"}, modes)

	ep := testkit.One(t, rec, "aws:sagemaker/endpoint:Endpoint")
	require.Equal(t, "ml-platform-test-churn", mock.String(ep.Inputs, "name"))
	target := testkit.One(t, rec, "aws:appautoscaling/target:Target")
	require.Equal(t, "sagemaker:variant:DesiredInstanceCount", mock.String(target.Inputs, "scalableDimension"))
	require.Equal(t, "endpoint/ml-platform-test-churn/variant/AllTraffic", mock.String(target.Inputs, "resourceId"))
	require.EqualValues(t, 2, target.Inputs["minCapacity"].NumberValue())
	require.EqualValues(t, 4, target.Inputs["maxCapacity"].NumberValue())
	require.Contains(t, target.Dependencies, ep.URN, "registered once the endpoint exists")

	policies := rec.ByType("aws:appautoscaling/policy:Policy")
	require.Len(t, policies, 1, "no GPU policy on a CPU type")
	tt := obj(policies[0].Inputs, "targetTrackingScalingPolicyConfiguration")
	require.EqualValues(t, 70, tt["targetValue"].NumberValue())
	require.EqualValues(t, 300, tt["scaleInCooldown"].NumberValue(), "the seed's scale-in cooldown")
	require.EqualValues(t, 60, tt["scaleOutCooldown"].NumberValue(), "the seed's scale-out cooldown")
	require.Equal(t, "SageMakerVariantInvocationsPerInstance", mock.String(obj(tt, "predefinedMetricSpecification"), "predefinedMetricType"))
	require.Equal(t, "sagemaker:variant:DesiredInstanceCount", mock.String(policies[0].Inputs, "scalableDimension"))
}

func TestGPUEndpointOnLocalStorage(t *testing.T) {
	a := endpointArgs(sagemaker.Realtime)
	a.InstanceType, a.GPUUtilizationTarget = "ml.g5.xlarge", 70
	rec, err := buildEndpoint(t, a)
	require.NoError(t, err)
	cfg := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
	_, hasKey := cfg.Inputs["kmsKeyArn"]
	require.False(t, hasKey, "CreateEndpointConfig refuses a key for NVMe instance storage")
	require.Equal(t, dataKey, mock.String(obj(cfg.Inputs, "dataCaptureConfig"), "kmsKeyId"), "captured data is still encrypted")
	gpu := rec.ByName("aws:appautoscaling/policy:Policy", "ep-gpu")
	require.NotNil(t, gpu)
	spec := obj(gpu.Inputs, "targetTrackingScalingPolicyConfiguration", "customizedMetricSpecification")
	require.Equal(t, "GPUUtilization", mock.String(spec, "metricName"))
	require.Equal(t, "/aws/sagemaker/Endpoints", mock.String(spec, "namespace"))
}

// TestUncataloguedTypeTakesItsFamilysStorage: an ml.* type the catalog
// lacks (g6e) gets no KMS key, as its NVMe family requires; one without
// instance storage (c6i) gets the key.
func TestUncataloguedTypeTakesItsFamilysStorage(t *testing.T) {
	for typ, wantKey := range map[string]bool{"ml.g6e.12xlarge": false, "ml.c6i.xlarge": true} {
		a := endpointArgs(sagemaker.Realtime)
		a.InstanceType = typ
		rec, err := buildEndpoint(t, a)
		require.NoError(t, err, typ)
		_, hasKey := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").Inputs["kmsKeyArn"]
		require.Equal(t, wantKey, hasKey, typ)
	}
}

// TestCaptureOnlyWhereSupported: real-time endpoints capture; async and
// multi-model endpoints refuse a capture setting (catalog.SageMakerCaptureSource).
func TestCaptureOnlyWhereSupported(t *testing.T) {
	rec, err := buildEndpoint(t, endpointArgs(sagemaker.Realtime))
	require.NoError(t, err)
	_, capture := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").Inputs["dataCaptureConfig"]
	require.True(t, capture)
	for _, kind := range []string{sagemaker.Async, sagemaker.MultiModel} {
		a := endpointArgs(kind)
		a.CapturePercent = 20
		rec, err := buildEndpoint(t, a)
		require.ErrorContains(t, err, "CapturePercent: "+kind+" endpoints do not support data capture; allowed on: realtime")
		require.Empty(t, rec.ByType("aws:sagemaker/endpointConfiguration:EndpointConfiguration"), "nothing is registered")
	}
}

func TestMultiModelEndpoint(t *testing.T) {
	rec, err := buildEndpoint(t, endpointArgs(sagemaker.MultiModel))
	require.NoError(t, err)
	container := obj(testkit.One(t, rec, "aws:sagemaker/model:Model").Inputs, "primaryContainer")
	require.Equal(t, "MultiModel", mock.String(container, "mode"))
	require.Equal(t, "s3://models/churn/", mock.String(container, "modelDataUrl"))
	require.Len(t, rec.ByType("aws:appautoscaling/target:Target"), 1)
}

func TestServerlessEndpoint(t *testing.T) {
	rec, err := buildEndpoint(t, endpointArgs(sagemaker.Serverless))
	require.NoError(t, err)
	model := testkit.One(t, rec, "aws:sagemaker/model:Model")
	_, vpc := model.Inputs["vpcConfig"]
	_, isolation := model.Inputs["enableNetworkIsolation"]
	require.False(t, vpc || isolation, "serverless inference takes neither")
	cfg := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
	sl := obj(cfg.Inputs, "productionVariants", "serverlessConfig")
	require.EqualValues(t, 2048, sl["memorySizeInMb"].NumberValue())
	require.EqualValues(t, 5, sl["maxConcurrency"].NumberValue())
	_, capture := cfg.Inputs["dataCaptureConfig"]
	require.False(t, capture)
	require.Empty(t, rec.ByType("aws:appautoscaling/target:Target"), "serverless scales itself")
}

func TestAsyncEndpoint(t *testing.T) {
	rec, err := buildEndpoint(t, endpointArgs(sagemaker.Async))
	require.NoError(t, err)
	topics := rec.ByType("aws:sns/topic:Topic")
	require.Len(t, topics, 2)
	for _, tp := range topics {
		require.Equal(t, alertsKey, mock.String(tp.Inputs, "kmsMasterKeyId"))
	}
	cfg := testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
	out := obj(cfg.Inputs, "asyncInferenceConfig", "outputConfig")
	require.Equal(t, "s3://artifacts/async/churn/output", mock.String(out, "s3OutputPath"))
	require.Equal(t, "s3://artifacts/async/churn/failures", mock.String(out, "s3FailurePath"))
	require.Equal(t, dataKey, mock.String(out, "kmsKeyId"))
	note := obj(out, "notificationConfig")
	require.Equal(t, "arn:aws:sns:us-east-1:123456789012:ml-platform-test-churn-success", mock.String(note, "successTopic"))
	require.Equal(t, "arn:aws:sns:us-east-1:123456789012:ml-platform-test-churn-error", mock.String(note, "errorTopic"))
	backlog := rec.ByName("aws:appautoscaling/policy:Policy", "ep-backlog")
	require.Equal(t, "ApproximateBacklogSizePerInstance",
		mock.String(obj(backlog.Inputs, "targetTrackingScalingPolicyConfiguration", "customizedMetricSpecification"), "metricName"))
	require.Nil(t, rec.ByName("aws:appautoscaling/policy:Policy", "ep-from-zero"), "min 2 never reaches zero")

	// Scaled to zero, a step policy on HasBacklogWithoutCapacity starts it.
	a := endpointArgs(sagemaker.Async)
	a.MinInstances = 0
	rec, err = buildEndpoint(t, a)
	require.NoError(t, err)
	require.EqualValues(t, 1, obj(testkit.One(t, rec, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").Inputs,
		"productionVariants")["initialInstanceCount"].NumberValue(), "CreateEndpoint needs one instance to start")
	fromZero := rec.ByName("aws:appautoscaling/policy:Policy", "ep-from-zero")
	require.NotNil(t, fromZero)
	require.Equal(t, "StepScaling", mock.String(fromZero.Inputs, "policyType"))
	alarm := testkit.One(t, rec, "aws:cloudwatch/metricAlarm:MetricAlarm")
	require.Equal(t, "HasBacklogWithoutCapacity", mock.String(alarm.Inputs, "metricName"))
	require.Equal(t, []string{fromZero.Outputs["arn"].StringValue()}, mock.Strings(alarm.Inputs, "alarmActions"))
}

func TestEndpointRejectsBadArgs(t *testing.T) {
	cases := map[string]struct {
		edit func(*sagemaker.EndpointArgs)
		kind string
		want string
	}{
		"serverless memory 5000":  {func(a *sagemaker.EndpointArgs) { a.ServerlessMemoryMB = 5000 }, sagemaker.Serverless, "ServerlessMemoryMB: 5000"},
		"serverless with capture": {func(a *sagemaker.EndpointArgs) { a.CapturePercent = 10 }, sagemaker.Serverless, "no instance type, instances or data capture"},
		"min above max":           {func(a *sagemaker.EndpointArgs) { a.MinInstances, a.MaxInstances = 3, 2 }, sagemaker.Realtime, "MinInstances, MaxInstances: 3 to 2"},
		"unknown type":            {func(a *sagemaker.EndpointArgs) { a.InstanceType = "ml.x9.huge" }, sagemaker.Realtime, `"ml.x9.huge" is not a SageMaker hosting type`},
		"no VPC":                  {func(a *sagemaker.EndpointArgs) { a.SubnetIDs = nil }, sagemaker.Realtime, "SubnetIDs, SecurityGroupIDs: required"},
		"async without topic key": {func(a *sagemaker.EndpointArgs) { a.TopicKMSKeyARN = nil }, sagemaker.Async, "TopicKMSKeyARN: required for async"},
		"unknown kind":            {func(a *sagemaker.EndpointArgs) { a.Kind = "batch" }, sagemaker.Realtime, `Kind: "batch"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			a := endpointArgs(c.kind)
			c.edit(a)
			rec, err := buildEndpoint(t, a)
			require.ErrorContains(t, err, c.want)
			require.Empty(t, rec.ByType("aws:sagemaker/model:Model"))
		})
	}
}

func TestRegistry(t *testing.T) {
	for _, protect := range []bool{false, true} {
		rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
			_, err := sagemaker.NewRegistry(ctx, "registry", &sagemaker.RegistryArgs{
				Prefix: "ml-platform-test", TopicKMSKeyARN: pulumi.String(alertsKey), Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, Protect: protect, Tags: testTags,
				Groups: []sagemaker.ModelGroup{{Name: "churn", ReaderAccountIDs: []string{"210987654321"}}, {Name: "fraud"}},
			})
			return err
		})
		require.NoError(t, err)
		groups := rec.ByType("aws:sagemaker/modelPackageGroup:ModelPackageGroup")
		require.Len(t, groups, 2)
		for _, g := range groups {
			require.Equal(t, protect, g.Protect, "deleting a group deletes its model versions")
		}
		policies := rec.ByType("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy")
		require.Len(t, policies, 1, "only the group with readers gets a resource policy")
		if !protect {
			golden.AssertJSON(t, "reader-policy.json", mock.String(policies[0].Inputs, "resourcePolicy"))
		}
		require.NotContains(t, mock.String(policies[0].Inputs, "resourcePolicy"), "UpdateModelPackage", "readers cannot approve")

		rule := testkit.One(t, rec, "aws:cloudwatch/eventRule:EventRule")
		var pattern map[string]any
		require.NoError(t, json.Unmarshal([]byte(mock.String(rule.Inputs, "eventPattern")), &pattern))
		require.Equal(t, []any{"SageMaker Model Package State Change"}, pattern["detail-type"])
		require.Equal(t, []any{"churn", "fraud"}, at(pattern, "detail", "ModelPackageGroupName"))
		require.Equal(t, []any{"Approved", "Rejected"}, at(pattern, "detail", "ModelApprovalStatus"))

		topic := testkit.One(t, rec, "aws:sns/topic:Topic")
		require.Equal(t, alertsKey, mock.String(topic.Inputs, "kmsMasterKeyId"), "approvals are encrypted; the key grants EventBridge")
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(mock.String(testkit.One(t, rec, "aws:sns/topicPolicy:TopicPolicy").Inputs, "policy")), &doc))
		require.Equal(t, []string{rule.Outputs["arn"].StringValue()}, doc.Statement[0].Condition["ArnEquals"]["aws:SourceArn"], "only the rule publishes")
		target := testkit.One(t, rec, "aws:cloudwatch/eventTarget:EventTarget")
		require.Equal(t, topic.Outputs["arn"].StringValue(), mock.String(target.Inputs, "arn"))
		require.Contains(t, target.Dependencies, rec.ByType("aws:sns/topicPolicy:TopicPolicy")[0].URN, "the target waits for the topic to admit the rule")
	}
}

func TestFeatureGroups(t *testing.T) {
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewFeatureGroups(ctx, "features", &sagemaker.FeatureGroupsArgs{
			Prefix: "ml-platform-test", RoleARN: pulumi.String(roleARN), OfflineStoreURI: "s3://data/feature-store/",
			KMSKeyARN: pulumi.String(dataKey), Protect: true, Tags: testTags,
			Groups: []sagemaker.FeatureGroupSpec{
				{Name: "customers", RecordIdentifier: "id", EventTime: "ts", Features: map[string]string{"ts": "String", "id": "String", "spend": "Fractional"},
					OnlineStore: sagemaker.OnlineStandard, OfflineStore: true},
				{Name: "sessions", RecordIdentifier: "id", EventTime: "ts", Features: map[string]string{"id": "String", "ts": "Fractional"},
					OnlineStore: sagemaker.OnlineInMemory},
			},
		})
		return err
	})
	require.NoError(t, err)
	customers := rec.ByName("aws:sagemaker/featureGroup:FeatureGroup", "features-customers")
	require.Equal(t, "ml-platform-test-customers", mock.String(customers.Inputs, "featureGroupName"))
	require.True(t, customers.Protect)
	var names []string
	for _, f := range mock.Array(customers.Inputs, "featureDefinitions") {
		names = append(names, mock.String(f.ObjectValue(), "featureName"))
	}
	require.Equal(t, []string{"id", "spend", "ts"}, names, "sorted: a stable definition")
	online := obj(customers.Inputs, "onlineStoreConfig")
	require.Equal(t, "Standard", mock.String(online, "storageType"))
	require.Equal(t, dataKey, mock.String(obj(online, "securityConfig"), "kmsKeyId"))
	offline := obj(customers.Inputs, "offlineStoreConfig")
	require.Equal(t, "s3://data/feature-store/customers", mock.String(obj(offline, "s3StorageConfig"), "s3Uri"))
	require.Equal(t, dataKey, mock.String(obj(offline, "s3StorageConfig"), "kmsKeyId"))
	require.True(t, offline["disableGlueTableCreation"].BoolValue())

	sessions := rec.ByName("aws:sagemaker/featureGroup:FeatureGroup", "features-sessions")
	require.Equal(t, "InMemory", mock.String(obj(sessions.Inputs, "onlineStoreConfig"), "storageType"))
	_, off := sessions.Inputs["offlineStoreConfig"]
	require.False(t, off)

	_, err = testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewFeatureGroups(ctx, "features", &sagemaker.FeatureGroupsArgs{
			Prefix: "p", RoleARN: pulumi.String(roleARN), OfflineStoreURI: "s3://d/", KMSKeyARN: pulumi.String(dataKey),
			Groups: []sagemaker.FeatureGroupSpec{{Name: "g", RecordIdentifier: "id", EventTime: "ts",
				Features: map[string]string{"id": "String", "ts": "String"}, OnlineStore: sagemaker.OnlineInMemory, OfflineStore: true}},
		})
		return err
	})
	require.ErrorContains(t, err, "an InMemory online store takes no offline store")
}

func TestScheduledPipeline(t *testing.T) {
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewPipeline(ctx, "pipeline", &sagemaker.PipelineArgs{
			Name: "ml-platform-test-data-quality", Description: "checks captured data", Definition: pulumi.String(`{"Version":"2020-12-01","Steps":[]}`),
			RoleARN: pulumi.String(roleARN), Schedule: "rate(1 day)", Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, Tags: testTags,
		})
		return err
	})
	require.NoError(t, err)
	p := testkit.One(t, rec, "aws:sagemaker/pipeline:Pipeline")
	require.Equal(t, roleARN, mock.String(p.Inputs, "roleArn"))
	schedule := testkit.One(t, rec, "aws:scheduler/schedule:Schedule")
	require.Equal(t, "rate(1 day)", mock.String(schedule.Inputs, "scheduleExpression"))
	require.Equal(t, "UTC", mock.String(schedule.Inputs, "scheduleExpressionTimezone"))
	role := testkit.One(t, rec, "aws:iam/role:Role")
	var trust, policy iamdoc.Document
	require.NoError(t, json.Unmarshal([]byte(mock.String(role.Inputs, "assumeRolePolicy")), &trust))
	require.Equal(t, []string{"scheduler.amazonaws.com"}, trust.Statement[0].Principal.Service)
	require.Equal(t, []string{schedule.Outputs["arn"].StringValue()}, trust.Statement[0].Condition["ArnEquals"]["aws:SourceArn"], "only its schedule assumes it")
	require.NoError(t, json.Unmarshal([]byte(mock.String(testkit.One(t, rec, "aws:iam/rolePolicy:RolePolicy").Inputs, "policy")), &policy))
	require.Equal(t, []string{"sagemaker:StartPipelineExecution"}, policy.Statement[0].Action)
	require.Equal(t, []string{p.Outputs["arn"].StringValue()}, policy.Statement[0].Resource, "this pipeline only")
	target := mock.Object(schedule.Inputs, "target")
	require.Equal(t, role.Outputs["arn"].StringValue(), mock.String(target, "roleArn"))
	require.Equal(t, p.Outputs["arn"].StringValue(), mock.String(target, "arn"), "the SageMaker templated target: the pipeline's ARN")
	require.Equal(t, 5.0, mock.Object(target, "retryPolicy")["maximumRetryAttempts"].NumberValue())

	rec, err = testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewPipeline(ctx, "pipeline", &sagemaker.PipelineArgs{Name: "p", Description: "d",
			Definition: pulumi.String("{}"), RoleARN: pulumi.String(roleARN), Tags: testTags})
		return err
	})
	require.NoError(t, err)
	require.Empty(t, rec.ByType("aws:scheduler/schedule:Schedule"), "no schedule expression, no schedule")
}

// TestModelPackageEndpoint: a model package names its own image and
// artifact, so the container carries the package only.
func TestModelPackageEndpoint(t *testing.T) {
	a := endpointArgs(sagemaker.Realtime)
	a.ModelDataURL, a.ModelPackageARN = "", "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7"
	rec, err := buildEndpoint(t, a)
	require.NoError(t, err)
	container := obj(testkit.One(t, rec, "aws:sagemaker/model:Model").Inputs, "primaryContainer")
	require.Equal(t, "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7", mock.String(container, "modelPackageName"))
	require.Empty(t, mock.String(container, "image"))
	require.Empty(t, mock.String(container, "modelDataUrl"))

	for _, bad := range []func(*sagemaker.EndpointArgs){
		func(a *sagemaker.EndpointArgs) {}, // with ModelDataURL too
		func(a *sagemaker.EndpointArgs) { a.ModelDataURL, a.ModelPackageARN = "", "churn/7" },
		func(a *sagemaker.EndpointArgs) { a.Kind, a.ModelDataURL = sagemaker.MultiModel, "" },
	} {
		a := endpointArgs(sagemaker.Realtime)
		a.ModelPackageARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7"
		bad(a)
		_, err := buildEndpoint(t, a)
		require.ErrorContains(t, err, "ModelPackageARN: a model package ARN, without ModelDataURL and not for multiModel")
	}
}

// TestPromotedModelGrants: a promoted model's buckets are read, never
// written, and its key decrypts through S3 only.
func TestPromotedModelGrants(t *testing.T) {
	s := scope()
	s.ReadBuckets = []string{"ml-platform-dev-models-123456789012-us-east-1", "ml-platform-dev-models-123456789012-us-east-1"}
	s.ReadKeyARNs = []string{"arn:aws:kms:us-east-1:210987654321:key/source"}
	doc := sagemaker.ExecutionPolicy(s)
	list := statement(t, doc, "PromotedModelBuckets")
	require.Equal(t, []string{"s3:GetBucketLocation", "s3:ListBucket"}, list.Action)
	require.Equal(t, []string{"arn:aws:s3:::ml-platform-dev-models-123456789012-us-east-1"}, list.Resource, "once per bucket")
	get := statement(t, doc, "PromotedModelArtifacts")
	require.Equal(t, []string{"s3:GetObject"}, get.Action)
	require.Equal(t, []string{"arn:aws:s3:::ml-platform-dev-models-123456789012-us-east-1/*"}, get.Resource)
	key := statement(t, doc, "PromotedModelKeys")
	require.Equal(t, []string{"kms:Decrypt", "kms:DescribeKey"}, key.Action)
	require.Equal(t, s.ReadKeyARNs, key.Resource)
	require.Equal(t, []string{"s3.us-east-1.amazonaws.com"}, key.Condition["StringEquals"]["kms:ViaService"])

	for _, st := range sagemaker.ExecutionPolicy(scope()).Statement {
		require.NotContains(t, st.Sid, "PromotedModel", "no promotion, no grant")
	}
}

// TestRoleScopesSeparateDuties: the jobs, serving and Studio scopes grant
// what their flows need and nothing the others do.
func TestRoleScopesSeparateDuties(t *testing.T) {
	const models = "ml-platform-test-models-123456789012-us-east-1"
	const artifacts = "ml-platform-test-artifacts-123456789012-us-east-1"
	base := sagemaker.RoleScope{Account: awsarn.Account{Partition: "aws", Region: "us-east-1", AccountID: mock.AccountID}, RoleName: "r",
		KeyAliases: []string{"alias/ml-platform-test-data"}, ModelPackageGroups: []string{"churn"}, PipelineNames: []string{"p"}}

	studio := base
	studio.StudioUser, studio.ReviewsModels = true, true
	studio.ReadOnlyBucketNames = []string{models}
	doc := sagemaker.ExecutionPolicy(studio)
	require.Equal(t, catalog.StudioUserActions, statement(t, doc, "StudioSpaces").Action)
	require.Equal(t, []string{"*"}, statement(t, doc, "StudioLists").Resource, "List calls take no resource")
	require.Contains(t, statement(t, doc, "ReviewModels").Action, "sagemaker:UpdateModelPackage")
	require.NotContains(t, statement(t, doc, "WatchPipelines").Action, "sagemaker:StartPipelineExecution", "watch only")
	require.Equal(t, []string{"s3:GetObject"}, statement(t, doc, "ProjectBucketsRead").Action, "models are read, never written")
	for _, st := range doc.Statement {
		require.NotContains(t, []string{"PipelineJobs", "PassThisRoleToSageMaker", "RegisterModels", "ProjectBuckets"}, st.Sid)
	}

	serving := base
	serving.ModelPackageGroups, serving.PipelineNames = nil, nil
	serving.ReadOnlyBucketNames = []string{models}
	serving.WritePrefixes = []string{artifacts + "/data-capture/"}
	doc = sagemaker.ExecutionPolicy(serving)
	require.Equal(t, []string{"arn:aws:s3:::" + artifacts + "/data-capture/*"}, statement(t, doc, "WritePrefixes").Resource)
	for _, st := range doc.Statement {
		require.NotContains(t, []string{"PipelineJobs", "StudioSpaces", "ProjectBuckets", "RunPipelines", "ReviewModels"}, st.Sid)
	}
}

// TestComputeNetworkCarriesIPsec: jobs encrypt inter-container traffic, so
// their group admits IKE (UDP 500) and ESP (protocol 50) between members;
// the Studio domain's group does not need them.
func TestComputeNetworkCarriesIPsec(t *testing.T) {
	rec, err := testkit.Run(t, func(ctx *pulumi.Context) error {
		_, err := sagemaker.NewComputeNetwork(ctx, "jobs", &sagemaker.ComputeNetworkArgs{
			Name: "ml-platform-test-sagemaker", VPCID: pulumi.String("vpc-1"), VPCCIDR: "10.0.0.0/16",
			S3PrefixListID: pulumi.String("pl-s3"), Tags: testTags,
		})
		return err
	})
	require.NoError(t, err)
	protocols := map[string]string{}
	for _, typ := range []string{"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"} {
		for _, r := range rec.ByType(typ) {
			if _, self := r.Inputs["referencedSecurityGroupId"]; !self {
				continue
			}
			proto := mock.String(r.Inputs, "ipProtocol")
			if proto == "udp" {
				proto += fmt.Sprint("/", r.Inputs["fromPort"].NumberValue(), "-", r.Inputs["toPort"].NumberValue())
			}
			dir := "egress"
			if strings.Contains(typ, "Ingress") {
				dir = "ingress"
			}
			protocols[dir+" "+proto] = r.Name
		}
	}
	for _, want := range []string{"ingress udp/500-500", "ingress 50", "egress udp/500-500", "egress 50", "ingress tcp", "egress tcp"} {
		require.Contains(t, protocols, want, "%v", protocols)
	}
}
