package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ml-platform/ml-platform/catalog"
	"github.com/ml-platform/ml-platform/components/sagemaker"
	"github.com/ml-platform/ml-platform/conventions"
	"github.com/ml-platform/ml-platform/internal/engine/mock"
	"github.com/ml-platform/ml-platform/internal/engine/offline"
	"github.com/ml-platform/ml-platform/internal/lib/estimate"
	"github.com/ml-platform/ml-platform/internal/lib/iamdoc"
	"github.com/ml-platform/ml-platform/platform"
	"github.com/ml-platform/ml-platform/policies/rules"
	"github.com/ml-platform/ml-platform/workloads"
)

// TestSageMakerInBothStacks: the domain is VPC-only and encrypted, every
// endpoint configuration encrypts what AWS lets it, captures with the data
// key, and scales on the variant's instance count from the configured
// minimum; prod protects what holds data. Dev is smaller, not weaker.
func TestSageMakerInBothStacks(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			res := preview(t, stack)
			cfg := res.Config
			prod := cfg.Environment.ProdLike()
			dataKey := res.Outputs["kmsKeyArns"].(map[string]any)[platform.KeyData]
			prefix := "ml-platform-" + stack

			domain := byType(res, "aws:sagemaker/domain:Domain")
			require.Len(t, domain, 1)
			require.Equal(t, "VpcOnly", str(domain[0].Inputs, "appNetworkAccessType"))
			require.Equal(t, dataKey, str(domain[0].Inputs, "kmsKeyId"))
			require.ElementsMatch(t, res.Outputs["privateSubnetIds"], toAny(mock.Strings(domain[0].Inputs, "subnetIds")), "in the private subnets")
			require.Equal(t, prod, domain[0].Protect)
			for _, svc := range []string{"network-sagemaker-api", "network-sagemaker-runtime", "network-sagemaker-studio"} {
				require.Contains(t, domain[0].Dependencies, named(res.Registered, svc).URN, "the domain waits for %s", svc)
			}
			require.Equal(t, "aws.sagemaker.us-east-1.studio", str(named(res.Registered, "network-sagemaker-studio").Inputs, "serviceName"))
			require.Len(t, byType(res, "aws:sagemaker/userProfile:UserProfile"), len(cfg.SageMaker.Domain.UserProfiles))
			require.Equal(t, str(domain[0].Outputs, "id"), res.Outputs["sagemakerDomainId"], "exported for the destroy procedure")
			var endpoints []any
			for _, e := range cfg.SageMaker.Endpoints {
				endpoints = append(endpoints, prefix+"-"+e.Name)
			}
			require.Equal(t, endpoints, res.Outputs["sagemakerEndpoints"])
			require.Equal(t, prefix+"-model-approvals", strings.TrimPrefix(res.Outputs["modelApprovalTopicArn"].(string), "arn:aws:sns:us-east-1:123456789012:"))

			groups := byType(res, "aws:sagemaker/modelPackageGroup:ModelPackageGroup")
			require.Len(t, groups, len(cfg.SageMaker.ModelPackageGroups))
			for _, g := range groups {
				require.Equal(t, prod, g.Protect, g.Name)
			}
			approvals := named(res.Registered, "sagemaker-registry-approvals")
			require.NotNil(t, approvals)
			require.Contains(t, str(approvals.Inputs, "eventPattern"), "SageMaker Model Package State Change")

			pipeline := named(res.Registered, "sagemaker-pipeline")
			var def map[string]any
			require.NoError(t, json.Unmarshal([]byte(str(pipeline.Inputs, "pipelineDefinition")), &def))
			steps := def["Steps"].([]any)
			train := steps[1].(map[string]any)["Arguments"].(map[string]any)
			if cfg.SageMaker.Pipeline.Tuning != nil {
				train = train["TrainingJobDefinition"].(map[string]any)
			}
			require.Equal(t, true, train["EnableManagedSpotTraining"])
			checkpoint := fmt.Sprint(train["CheckpointConfig"].(map[string]any)["S3Uri"])
			require.Contains(t, checkpoint, "s3://"+prefix+"-checkpoints-", "checkpoints in the checkpoints bucket")
			require.Contains(t, checkpoint, "Execution.PipelineExecutionId", "a prefix per execution")
			// The shipped training types have NVMe storage: no volume key
			// (SageMaker refuses one), and overrides stay on such types.
			trainingType := cfg.SageMaker.Pipeline.TrainingInstanceType
			inst, _ := catalog.ResolveSageMakerInstance(trainingType)
			require.True(t, inst.InstanceStorage, trainingType)
			require.NotContains(t, train["ResourceConfig"].(map[string]any), "VolumeKmsKeyId")
			for _, p := range def["Parameters"].([]any) {
				pm := p.(map[string]any)
				if pm["Name"] == "TrainingInstanceType" {
					require.Contains(t, pm["EnumValues"], trainingType)
					require.NotContains(t, pm["EnumValues"], "ml.m5.xlarge")
				}
			}

			instances := 0
			for _, e := range cfg.SageMaker.Endpoints {
				comp := "sagemaker-endpoint-" + e.Name
				c := named(byType(res, "aws:sagemaker/endpointConfiguration:EndpointConfiguration"), comp)
				require.NotNil(t, c, comp)
				variant := obj(c.Inputs, "productionVariants")
				if v := mock.Array(c.Inputs, "productionVariants"); len(v) > 0 {
					variant = v[0].ObjectValue()
				}
				if e.Kind == "serverless" {
					require.Nil(t, named(byType(res, "aws:appautoscaling/target:Target"), comp), "serverless scales itself")
					continue
				}
				instances++
				t.Run(e.Name, func(t *testing.T) {
					typ, _ := catalog.LookupSageMakerInstance(e.InstanceType)
					if typ.InstanceStorage {
						require.Empty(t, str(c.Inputs, "kmsKeyArn"), "NVMe instance storage takes no key (hardware-encrypted)")
					} else {
						require.Equal(t, dataKey, str(c.Inputs, "kmsKeyArn"))
					}
					if !slices.Contains(catalog.SageMakerCaptureKinds, e.Kind) {
						_, captures := c.Inputs["dataCaptureConfig"]
						require.False(t, captures, "%s endpoints do not capture", e.Kind)
						require.Zero(t, e.CapturePercent)
					} else {
						capture := obj(c.Inputs, "dataCaptureConfig")
						require.Equal(t, dataKey, str(capture, "kmsKeyId"), "capture is encrypted with the data key")
						require.EqualValues(t, e.CapturePercent, capture["initialSamplingPercentage"].NumberValue())
						require.Len(t, mock.Array(capture, "captureOptions"), 2, "inputs and outputs")
					}
					require.EqualValues(t, max(e.MinInstances, 1), variant["initialInstanceCount"].NumberValue())

					target := named(byType(res, "aws:appautoscaling/target:Target"), comp)
					require.NotNil(t, target)
					require.Equal(t, "sagemaker:variant:DesiredInstanceCount", str(target.Inputs, "scalableDimension"))
					require.Equal(t, sagemaker.ResourceID(prefix+"-"+e.Name), str(target.Inputs, "resourceId"))
					require.EqualValues(t, e.MinInstances, target.Inputs["minCapacity"].NumberValue())
					if prod {
						require.GreaterOrEqual(t, target.Inputs["minCapacity"].NumberValue(), 2.0, "prod spreads over two AZs")
					}
					var policies int
					for _, p := range byType(res, "aws:appautoscaling/policy:Policy") {
						if strings.HasPrefix(p.Name, comp+"-") {
							policies++
						}
					}
					require.GreaterOrEqual(t, policies, 1)
					model := named(byType(res, "aws:sagemaker/model:Model"), comp)
					require.True(t, model.Inputs["enableNetworkIsolation"].BoolValue())
					require.Equal(t, toAny(mock.Strings(domain[0].Inputs, "subnetIds")), toAny(mock.Strings(obj(model.Inputs, "vpcConfig"), "subnets")))
				})
			}
			if prod {
				require.GreaterOrEqual(t, instances, 3, "prod serves realtime, multi-model and async")
			}

			for _, fg := range byType(res, "aws:sagemaker/featureGroup:FeatureGroup") {
				require.Equal(t, prod, fg.Protect)
				require.Equal(t, dataKey, str(obj(obj(fg.Inputs, "onlineStoreConfig"), "securityConfig"), "kmsKeyId"))
				require.Equal(t, dataKey, str(obj(obj(fg.Inputs, "offlineStoreConfig"), "s3StorageConfig"), "kmsKeyId"))
			}
			require.Len(t, byType(res, "aws:sagemaker/featureGroup:FeatureGroup"), len(cfg.SageMaker.FeatureGroups))

			// The execution roles name only this stack's buckets, and the
			// serving role reads (never writes) the promotion source's
			// models bucket.
			var statements []iamdoc.Statement
			for _, name := range []string{"sagemaker-execution", "sagemaker-serving", "sagemaker-studio"} {
				role := named(byType(res, "aws:iam/rolePolicy:RolePolicy"), name)
				var doc iamdoc.Document
				require.NoError(t, json.Unmarshal([]byte(str(role.Inputs, "policy")), &doc))
				statements = append(statements, doc.Statement...)
			}
			promoted := 0
			for _, st := range statements {
				for _, r := range st.Resource {
					if !strings.HasPrefix(r, "arn:aws:s3:::") {
						continue
					}
					if strings.HasPrefix(st.Sid, "PromotedModel") {
						promoted++
						require.True(t, strings.HasPrefix(r, "arn:aws:s3:::ml-platform-dev-models-"), "%s: %s", st.Sid, r)
						require.NotContains(t, st.Action, "s3:PutObject")
						continue
					}
					require.True(t, strings.HasPrefix(r, "arn:aws:s3:::"+prefix+"-"), "%s: %s", st.Sid, r)
				}
			}
			require.Zero(t, promoted, "promoted artifacts are copied: no role reads dev's bucket")
			require.Equal(t, prod, len(byType(res, "aws:s3/objectCopy:ObjectCopy")) > 0, "prod copies dev's churn model")
		})
	}
}

// TestDataQualityCheckReplacesModelMonitor: prod schedules the check of the
// captured data as a pipeline (Model Monitor is closed to new customers),
// started by a role that may start that pipeline only.
func TestDataQualityCheckReplacesModelMonitor(t *testing.T) {
	res := preview(t, "prod")
	require.Empty(t, byType(res, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"))
	require.Empty(t, byType(res, "aws:sagemaker/monitoringSchedule:MonitoringSchedule"))
	p := named(res.Registered, "sagemaker-data-quality")
	require.NotNil(t, p)
	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(p.Inputs, "pipelineDefinition")), &def))
	inputs := def["Steps"].([]any)[0].(map[string]any)["Arguments"].(map[string]any)["ProcessingInputs"].([]any)
	var captured []string
	for _, in := range inputs[1:] {
		captured = append(captured, in.(map[string]any)["S3Input"].(map[string]any)["S3Uri"].(string))
	}
	for _, e := range res.Config.SageMaker.Endpoints {
		if e.CapturePercent > 0 {
			require.Contains(t, captured, str(obj(named(byType(res, "aws:sagemaker/endpointConfiguration:EndpointConfiguration"),
				"sagemaker-endpoint-"+e.Name).Inputs, "dataCaptureConfig"), "destinationS3Uri"), "checks %s's captured data", e.Name)
		}
	}
	schedule := named(res.Registered, "sagemaker-data-quality-schedule")
	require.Equal(t, res.Config.SageMaker.Monitoring.Schedule, str(schedule.Inputs, "scheduleExpression"))
}

// TestServicePrefixesThroughTheEndpointRestriction: the prod buckets let
// the jobs role, and only it, reach the two prefixes SageMaker reads and
// writes from its own network: the offline store (training data) and the
// build pipeline's prefix, where Pipelines resolves JsonGet (artifacts).
// The access matrix proves the flows themselves (access_test.go).
func TestServicePrefixesThroughTheEndpointRestriction(t *testing.T) {
	res := preview(t, "prod")
	role := str(named(byType(res, "aws:iam/role:Role"), "sagemaker-execution").Outputs, "arn")
	mlflow := str(named(byType(res, "aws:iam/role:Role"), "mlflow").Outputs, "arn")
	// Each bucket's service roles and the prefixes they reach from outside
	// the endpoint: Feature Store's offline store, the pipeline's JsonGet,
	// the MLflow server's artifact store.
	want := map[string]struct{ roles, suffixes []string }{
		"buckets-training-data-policy": {[]string{role}, []string{"/feature-store/*"}},
		"buckets-artifacts-policy":     {[]string{mlflow, role}, []string{"/mlflow/*", "/pipelines/ml-platform-prod-build/*"}},
	}
	found := map[string]bool{}
	for _, p := range byType(res, "aws:s3/bucketPolicy:BucketPolicy") {
		policy := str(p.Inputs, "policy")
		if !strings.Contains(policy, "DenyServiceRolesOutsideTheirPrefixes") {
			require.NotContains(t, policy, role, p.Name)
			require.NotContains(t, policy, mlflow, p.Name)
			continue
		}
		w, ok := want[p.Name]
		require.True(t, ok, "%s has a service prefix", p.Name)
		found[p.Name] = true
		var doc iamdoc.Document
		require.NoError(t, json.Unmarshal([]byte(policy), &doc))
		require.Equal(t, w.roles, doc.Statement[2].Condition["ArnLike"]["aws:PrincipalArn"])
		require.Len(t, doc.Statement[2].NotResource, len(w.suffixes))
		for i, suffix := range w.suffixes {
			require.True(t, strings.HasSuffix(doc.Statement[2].NotResource[i], suffix), doc.Statement[2].NotResource[i])
		}
	}
	require.Len(t, found, len(want))
	offline := str(obj(obj(byType(res, "aws:sagemaker/featureGroup:FeatureGroup")[0].Inputs, "offlineStoreConfig"), "s3StorageConfig"), "s3Uri")
	require.Contains(t, offline, "-training-data-")
	require.Contains(t, offline, "/feature-store/")
}

// TestACKController: turned on, the controller runs on the system nodes
// with a Pod Identity role, tags what it creates, and the plan passes
// every mandatory policy.
func TestACKController(t *testing.T) {
	project, values := shipped(t, "dev")
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(values["ml-platform:sagemaker"]), &s))
	s["ackController"] = true
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	values["ml-platform:sagemaker"] = string(raw)
	res, err := offline.Preview(offline.Options{Project: project, Stack: "dev", Values: values})
	require.NoError(t, err)
	for _, v := range res.Violations {
		require.NotEqual(t, rules.Mandatory, v.EnforcementLevel, "%s: %s", v.Policy, v.Message)
	}
	chart, _ := catalog.LookupChart("ack-sagemaker")
	c := named(byType(res, chartType), "sagemaker-ack")
	require.NotNil(t, c)
	require.Equal(t, chart.Version, str(c.Inputs, "version"))
	vals := obj(c.Inputs, "values")
	require.Equal(t, string(conventions.RoleSystem), str(obj(obj(vals, "deployment"), "nodeSelector"), conventions.LabelWorkloadType))
	var tags []string
	for _, v := range mock.Array(vals, "resourceTags") {
		tags = append(tags, v.StringValue())
	}
	require.Contains(t, tags, "Environment=dev", "jobs started from Kubernetes are tagged like the rest")
	assoc := named(byType(res, "aws:eks/podIdentityAssociation:PodIdentityAssociation"), "sagemaker-ack")
	require.Equal(t, chart.Namespace, str(assoc.Inputs, "namespace"))
	require.Equal(t, workloads.ACKServiceAccount, str(assoc.Inputs, "serviceAccount"))
	require.Contains(t, c.Dependencies, assoc.URN, "the controller starts once its role is associated")
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// TestBatchInference: dev's scheduled batch transform creates its model in
// the VPC without network access, reads the input prefix (a parameter),
// writes encrypted predictions per execution to the artifacts bucket,
// runs on a schedule, sends failures to the alert topic, and is priced by
// the hour.
func TestBatchInference(t *testing.T) {
	res := preview(t, "dev")
	p := named(res.Registered, "sagemaker-batch-inference")
	require.NotNil(t, p)
	require.Equal(t, "ml-platform-dev-batch-inference", str(p.Inputs, "pipelineName"))
	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(str(p.Inputs, "pipelineDefinition")), &def))
	steps := def["Steps"].([]any)
	require.Len(t, steps, 2)
	model := steps[0].(map[string]any)
	require.Equal(t, "Model", model["Type"])
	margs := model["Arguments"].(map[string]any)
	require.Equal(t, true, margs["EnableNetworkIsolation"])
	require.NotEmpty(t, margs["VpcConfig"].(map[string]any)["Subnets"])
	container := margs["PrimaryContainer"].(map[string]any)
	require.Contains(t, container["ModelDataUrl"], "-models-")
	require.Contains(t, container["ModelDataUrl"], "churn/v1/model.tar.gz")

	transform := steps[1].(map[string]any)
	require.Equal(t, "Transform", transform["Type"])
	targs := transform["Arguments"].(map[string]any)
	out := targs["TransformOutput"].(map[string]any)
	require.Contains(t, out["KmsKeyId"], ":key/", "predictions encrypted with the data key")
	require.Contains(t, fmt.Sprint(out["S3OutputPath"]), "-artifacts-")
	require.Contains(t, fmt.Sprint(out["S3OutputPath"]), "Execution.PipelineExecutionId")
	var input string
	for _, prm := range def["Parameters"].([]any) {
		if m := prm.(map[string]any); m["Name"] == "InputDataUri" {
			input = m["DefaultValue"].(string)
		}
	}
	require.Contains(t, input, "-training-data-")
	require.True(t, strings.HasSuffix(input, "/batch-inference/input/"), input)

	scheduled, alerting := false, false
	for _, r := range byType(res, "aws:scheduler/schedule:Schedule") {
		scheduled = scheduled || (str(r.Inputs, "name") == "ml-platform-dev-batch-inference-schedule" && str(r.Inputs, "scheduleExpression") == "rate(1 day)")
	}
	for _, r := range byType(res, "aws:cloudwatch/eventRule:EventRule") {
		alerting = alerting || strings.Contains(str(r.Inputs, "eventPattern"), "ml-platform-dev-batch-inference")
	}
	require.True(t, scheduled, "the pipeline runs on an EventBridge Scheduler schedule")
	require.True(t, alerting, "failed executions reach the alert topic")

	i := slices.IndexFunc(res.Cost.Items, func(it estimate.Item) bool { return strings.HasSuffix(it.URN, "::sagemaker-batch-inference") })
	require.GreaterOrEqual(t, i, 0)
	require.Contains(t, res.Cost.Items[i].Basis, "an hour while it runs")
}
