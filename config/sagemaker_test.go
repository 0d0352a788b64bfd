package config

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	sklearnImage   = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
	inferenceImage = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.5.1-cpu-py311-ubuntu22.04-sagemaker"
	trainingImage  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker"
)

// endpointObj is an endpoint entry with the required keys, plus the given ones.
func endpointObj(m map[string]any) map[string]any {
	out := map[string]any{"name": "churn", "image": inferenceImage, "modelPath": "churn/v1/model.tar.gz"}
	for k, v := range m {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// pipelineObj is a pipeline entry with the required keys, plus the given ones.
func pipelineObj(m map[string]any) map[string]any {
	out := map[string]any{"modelPackageGroup": "churn", "processingImage": sklearnImage, "trainingImage": trainingImage,
		"inferenceImage": inferenceImage}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func parseSM(t *testing.T, stack string, sm map[string]any) (*Stack, error) {
	t.Helper()
	return Parse("ml-platform", stack, with(base(), KeySageMaker, obj(sm)))
}

func TestSageMakerOffByDefault(t *testing.T) {
	s, err := Parse("ml-platform", "dev", base())
	require.NoError(t, err)
	require.Equal(t, SageMaker{}, s.SageMaker)
	require.NotContains(t, s.Network.InterfaceEndpoints, "sagemaker.studio", "no domain, no Studio endpoint")
}

func TestSageMakerEndpointDefaultsPerEnvironment(t *testing.T) {
	dev, err := parseSM(t, "dev", map[string]any{"endpoints": []any{endpointObj(nil)}})
	require.NoError(t, err)
	require.Equal(t, []Endpoint{{Name: "churn", Kind: EndpointRealtime, Image: inferenceImage, ModelPath: "churn/v1/model.tar.gz",
		InstanceType: "ml.m5.xlarge", MinInstances: 1, MaxInstances: 2, TargetInvocationsPerInstance: 70, CapturePercent: 20}},
		dev.SageMaker.Endpoints)

	prod, err := parseSM(t, "prod", map[string]any{"endpoints": []any{endpointObj(nil)}})
	require.NoError(t, err)
	require.Equal(t, 2, prod.SageMaker.Endpoints[0].MinInstances, "prod spreads instances over two AZs")
	require.Equal(t, 4, prod.SageMaker.Endpoints[0].MaxInstances)

	async, err := parseSM(t, "dev", map[string]any{"endpoints": []any{endpointObj(map[string]any{"kind": "async"})}})
	require.NoError(t, err)
	require.Zero(t, async.SageMaker.Endpoints[0].MinInstances, "dev async endpoints scale to zero")
	require.Equal(t, 4, async.SageMaker.Endpoints[0].AsyncMaxConcurrentInvocations)

	sl, err := parseSM(t, "dev", map[string]any{"endpoints": []any{endpointObj(map[string]any{"kind": "serverless"})}})
	require.NoError(t, err)
	require.Equal(t, Endpoint{Name: "churn", Kind: EndpointServerless, Image: inferenceImage, ModelPath: "churn/v1/model.tar.gz",
		ServerlessMemoryMB: 2048, ServerlessMaxConcurrency: 5}, sl.SageMaker.Endpoints[0], "no instances, no capture")
}

// TestSageMakerTypesTheCatalogLacks: a type SageMaker takes is accepted
// though the catalog has no price for it (the estimate says so).
func TestSageMakerTypesTheCatalogLacks(t *testing.T) {
	s, err := parseSM(t, "prod", map[string]any{"endpoints": []any{endpointObj(map[string]any{"instanceType": "ml.g6e.12xlarge"})}})
	require.NoError(t, err)
	require.Equal(t, "ml.g6e.12xlarge", s.SageMaker.Endpoints[0].InstanceType)
}

func TestSageMakerPipelineDefaults(t *testing.T) {
	s, err := parseSM(t, "dev", map[string]any{
		"modelPackageGroups": []any{map[string]any{"name": "churn"}},
		"pipeline":           pipelineObj(map[string]any{"tuning": map[string]any{"direction": "Minimize", "objective": "loss"}}),
	})
	require.NoError(t, err)
	require.Equal(t, &Pipeline{ModelPackageGroup: "churn", ProcessingImage: sklearnImage, TrainingImage: trainingImage,
		InferenceImage: inferenceImage, ProcessingInstanceType: "ml.m5.xlarge", TrainingInstanceType: "ml.g5.2xlarge",
		TrainingInstanceCount: 1, MaxRuntimeHours: 12, MaxWaitHours: 24, MetricName: "accuracy",
		MetricPath: "metrics.accuracy.value", MetricMinimum: 0.8,
		Tuning: &Tuning{MaxJobs: 10, MaxParallelJobs: 2, Objective: "loss", Direction: "Minimize", Maximize: false, LearningRateMin: 0.0001, LearningRateMax: 0.1},
	}, s.SageMaker.Pipeline)
}

func TestSageMakerAddsTheEndpointsItNeeds(t *testing.T) {
	s, err := parseSM(t, "dev", map[string]any{
		"domain": map[string]any{"userProfiles": []string{"alice"}},
		"featureGroups": []any{map[string]any{"name": "customers", "recordIdentifier": "id", "eventTime": "ts",
			"features": map[string]string{"id": "String", "ts": "String"}}},
	})
	require.NoError(t, err)
	for _, svc := range []string{"sagemaker.api", "sagemaker.runtime", "sagemaker.studio", "sagemaker.featurestore-runtime"} {
		require.Contains(t, s.Network.InterfaceEndpoints, svc)
	}
	require.IsNonDecreasing(t, s.Network.InterfaceEndpoints, "kept sorted")
	require.Equal(t, &Domain{UserProfiles: []string{"alice"}, IdleTimeoutMinutes: 60}, s.SageMaker.Domain)
	require.Equal(t, []FeatureGroup{{Name: "customers", RecordIdentifier: "id", EventTime: "ts",
		Features: map[string]string{"id": "String", "ts": "String"}, OnlineStore: OnlineStoreStandard, OfflineStore: true}},
		s.SageMaker.FeatureGroups)

	// An offline-only group needs no Feature Store runtime endpoint.
	s, err = parseSM(t, "dev", map[string]any{
		"featureGroups": []any{map[string]any{"name": "customers", "recordIdentifier": "id", "eventTime": "ts",
			"onlineStore": "none", "features": map[string]string{"id": "String", "ts": "Fractional"}}},
	})
	require.NoError(t, err)
	require.NotContains(t, s.Network.InterfaceEndpoints, "sagemaker.featurestore-runtime")
}

func TestSageMakerErrors(t *testing.T) {
	group := []any{map[string]any{"name": "churn"}}
	ep := func(m map[string]any) map[string]any { return map[string]any{"endpoints": []any{endpointObj(m)}} }
	fg := func(m map[string]any) map[string]any {
		g := map[string]any{"name": "customers", "recordIdentifier": "id", "eventTime": "ts",
			"features": map[string]string{"id": "String", "ts": "String"}}
		for k, v := range m {
			g[k] = v
		}
		return map[string]any{"featureGroups": []any{g}}
	}
	tests := []struct {
		name, stack string
		sm          map[string]any
		want        string
	}{
		{"min above max", "dev", ep(map[string]any{"minInstances": 3, "maxInstances": 2}),
			"ml-platform:sagemaker.endpoints[0].maxInstances: 2 is below minInstances (3)"},
		{"unknown ml type", "dev", ep(map[string]any{"instanceType": "ml.x9.huge"}),
			`ml-platform:sagemaker.endpoints[0].instanceType: "ml.x9.huge" is not a SageMaker hosting instance type; closest: `},
		{"ml type typo", "dev", ep(map[string]any{"instanceType": "ml.g5.xlarg"}),
			`ml-platform:sagemaker.endpoints[0].instanceType: "ml.g5.xlarg" is not a SageMaker hosting instance type; closest: ml.g5.xlarge`},
		{"serverless memory 5000", "dev", ep(map[string]any{"kind": "serverless", "serverlessMemoryMB": 5000}),
			"ml-platform:sagemaker.endpoints[0].serverlessMemoryMB: 5000 is not a serverless memory size; allowed: 1024, 2048, 3072, 4096, 5120, 6144"},
		{"serverless concurrency", "dev", ep(map[string]any{"kind": "serverless", "serverlessMaxConcurrency": 201}),
			"ml-platform:sagemaker.endpoints[0].serverlessMaxConcurrency: 201 is outside the allowed 1 to 200"},
		{"serverless with instances", "dev", ep(map[string]any{"kind": "serverless", "instanceType": "ml.m5.large"}),
			"ml-platform:sagemaker.endpoints[0].instanceType: does not apply to a serverless endpoint"},
		{"serverless with capture", "dev", ep(map[string]any{"kind": "serverless", "capturePercent": 10}),
			"ml-platform:sagemaker.endpoints[0].capturePercent: does not apply to a serverless endpoint"},
		{"serverless in prod", "prod", ep(map[string]any{"kind": "serverless"}),
			`ml-platform:sagemaker.endpoints[0].kind: "serverless" is weaker than prod allows`},
		{"serverless settings on instances", "dev", ep(map[string]any{"serverlessMemoryMB": 2048}),
			"ml-platform:sagemaker.endpoints[0].serverlessMemoryMB: applies to serverless endpoints only"},
		{"unknown kind", "dev", ep(map[string]any{"kind": "batch"}),
			`ml-platform:sagemaker.endpoints[0].kind: "batch"; allowed: "async", "multiModel", "realtime", "serverless"`},
		{"multi-model GPU family", "dev", ep(map[string]any{"kind": "multiModel", "modelPath": "models/", "instanceType": "ml.p4d.24xlarge"}),
			`ml-platform:sagemaker.endpoints[0].instanceType: "ml.p4d.24xlarge": multi-model endpoints run on CPU types or on the GPU families ml.g4dn, ml.g5, ml.p2, ml.p3`},
		{"multi-model one artifact", "dev", ep(map[string]any{"kind": "multiModel"}),
			`ml-platform:sagemaker.endpoints[0].modelPath: "churn/v1/model.tar.gz": a multi-model endpoint loads models from a prefix ending in /`},
		{"realtime prefix", "dev", ep(map[string]any{"modelPath": "churn/"}),
			`ml-platform:sagemaker.endpoints[0].modelPath: "churn/" is a prefix; a realtime endpoint serves one model artifact`},
		{"model URL", "dev", ep(map[string]any{"modelPath": "s3://b/m.tar.gz"}),
			`ml-platform:sagemaker.endpoints[0].modelPath: "s3://b/m.tar.gz" must be a key in the stack's models bucket`},
		{"prod single instance", "prod", ep(map[string]any{"minInstances": 1}),
			"ml-platform:sagemaker.endpoints[0].minInstances: 1 is weaker than prod allows (one instance is one AZ); allowed: 2 or more"},
		{"realtime at zero", "dev", ep(map[string]any{"minInstances": 0}),
			"ml-platform:sagemaker.endpoints[0].minInstances: 0; allowed: 1 or more"},
		{"GPU target on CPU", "dev", ep(map[string]any{"gpuUtilizationTarget": 70}),
			"ml-platform:sagemaker.endpoints[0].gpuUtilizationTarget: 70; allowed: 1 to 100, on a GPU instance type"},
		{"served from the archive prefix", "dev", ep(map[string]any{"modelPath": "models/churn/model.tar.gz"}),
			`ml-platform:sagemaker.endpoints[0].modelPath: "models/churn/model.tar.gz" is under models/, which the models bucket's lifecycle moves to Glacier Flexible Retrieval`},
		{"async with capture", "dev", ep(map[string]any{"kind": "async", "capturePercent": 20}),
			`ml-platform:sagemaker.endpoints[0].capturePercent: async endpoints do not support data capture; allowed on kind: "realtime"`},
		{"multi-model with capture", "dev", ep(map[string]any{"kind": "multiModel", "modelPath": "models/", "capturePercent": 20}),
			`ml-platform:sagemaker.endpoints[0].capturePercent: multiModel endpoints do not support data capture; allowed on kind: "realtime"`},
		{"capture above 100", "dev", ep(map[string]any{"capturePercent": 101}),
			"ml-platform:sagemaker.endpoints[0].capturePercent: 101 is outside the allowed 0 to 100"},
		{"async concurrency on realtime", "dev", ep(map[string]any{"asyncMaxConcurrentInvocations": 4}),
			"ml-platform:sagemaker.endpoints[0].asyncMaxConcurrentInvocations: applies to async endpoints only"},
		{"image elsewhere", "dev", ep(map[string]any{"image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.5.1"}),
			"ml-platform:sagemaker.endpoints[0].image: \"763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.5.1\" is in eu-west-1; SageMaker pulls images from the stack's region, us-east-1"},
		{"image not ECR", "dev", ep(map[string]any{"image": "pytorch/pytorch:2.5.1"}),
			`ml-platform:sagemaker.endpoints[0].image: "pytorch/pytorch:2.5.1" is not an ECR image`},
		{"bad name", "dev", ep(map[string]any{"name": "churn_v1"}),
			`ml-platform:sagemaker.endpoints[0].name: "churn_v1" is not a SageMaker name`},
		{"name too long", "dev", ep(map[string]any{"name": "a-very-long-endpoint-name-that-goes-on-and-on-and-on"}),
			"exceeds SageMaker's 63 characters"},
		{"duplicate endpoint", "dev", map[string]any{"endpoints": []any{endpointObj(nil), endpointObj(nil)}},
			`ml-platform:sagemaker.endpoints[1].name: "churn" is listed twice`},
		{"pipeline group unknown", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"modelPackageGroup": "fraud"})},
			`ml-platform:sagemaker.pipeline.modelPackageGroup: "fraud" is not one of modelPackageGroups; allowed: churn`},
		{"spot wait not above run", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"maxRuntimeHours": 24, "maxWaitHours": 24})},
			"ml-platform:sagemaker.pipeline.maxWaitHours: 24 must be more than maxRuntimeHours (24)"},
		{"training on an inference chip", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"trainingInstanceType": "ml.inf2.xlarge"})},
			`ml-platform:sagemaker.pipeline.trainingInstanceType: "ml.inf2.xlarge" is not a SageMaker training instance type; closest: `},
		{"processing on a training-only type", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"processingInstanceType": "ml.trn1.32xlarge"})},
			`ml-platform:sagemaker.pipeline.processingInstanceType: "ml.trn1.32xlarge" is not a SageMaker processing instance type; closest: `},
		{"tuning parallel above jobs", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"tuning": map[string]any{"maxJobs": 2, "maxParallelJobs": 4}})},
			"ml-platform:sagemaker.pipeline.tuning.maxParallelJobs: 4 parallel of 2 jobs; allowed: 1 to maxJobs"},
		{"tuning direction", "dev", map[string]any{"modelPackageGroups": group, "pipeline": pipelineObj(map[string]any{"tuning": map[string]any{"direction": "up"}})},
			`ml-platform:sagemaker.pipeline.tuning.direction: "up" is not a direction; allowed: "Maximize", "Minimize"`},
		{"reader account", "dev", map[string]any{"modelPackageGroups": []any{map[string]any{"name": "churn", "readerAccountIds": []string{"prod"}}}},
			`ml-platform:sagemaker.modelPackageGroups[0].readerAccountIds[0]: "prod" is not a 12-digit account ID`},
		{"idle timeout", "dev", map[string]any{"domain": map[string]any{"idleTimeoutMinutes": 5}},
			"ml-platform:sagemaker.domain.idleTimeoutMinutes: 5; allowed: 60 to 525600 (minutes)"},
		{"reserved feature", "dev", fg(map[string]any{"features": map[string]string{"id": "String", "ts": "String", "write_time": "String"}}),
			"ml-platform:sagemaker.featureGroups[0].features.write_time: is reserved by Feature Store"},
		{"feature type", "dev", fg(map[string]any{"features": map[string]string{"id": "String", "ts": "String", "x": "Float"}}),
			`ml-platform:sagemaker.featureGroups[0].features.x: "Float" is not a feature type; allowed: Fractional, Integral, String`},
		{"event time type", "dev", fg(map[string]any{"features": map[string]string{"id": "String", "ts": "Integral"}}),
			`ml-platform:sagemaker.featureGroups[0].eventTime: "ts" is Integral`},
		{"record identifier missing", "dev", fg(map[string]any{"recordIdentifier": "customer"}),
			`ml-platform:sagemaker.featureGroups[0].recordIdentifier: "customer" is not one of the group's features`},
		{"in-memory with offline", "dev", fg(map[string]any{"onlineStore": "inMemory"}),
			"ml-platform:sagemaker.featureGroups[0].offlineStore: an InMemory online store takes no offline store"},
		{"no store", "dev", fg(map[string]any{"onlineStore": "none", "offlineStore": false}),
			"ml-platform:sagemaker.featureGroups[0].offlineStore: a feature group needs an online or an offline store"},
		{"monitoring without capture", "dev", map[string]any{"monitoring": map[string]any{"image": sklearnImage}},
			"ml-platform:sagemaker.monitoring: checks captured data, but no endpoint captures any (capturePercent)"},
		{"monitoring schedule", "dev", map[string]any{"endpoints": []any{endpointObj(nil)}, "monitoring": map[string]any{"image": sklearnImage, "schedule": "daily"}},
			`ml-platform:sagemaker.monitoring.schedule: "daily" is not an EventBridge schedule`},
		{"typo", "dev", ep(map[string]any{"instanceCount": 2}), "ml-platform:sagemaker.endpoints[0].instanceCount: unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseSM(t, tt.stack, tt.sm)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestFitAdvisories: a model the chosen instances cannot hold is an
// advisory naming the rule and the selector, never an error.
func TestFitAdvisories(t *testing.T) {
	s, err := parseSM(t, "dev", map[string]any{"endpoints": []any{
		endpointObj(map[string]any{"name": "small", "instanceType": "ml.g5.xlarge", "modelSizeGb": 14}),
		endpointObj(map[string]any{"name": "large", "instanceType": "ml.g5.xlarge", "modelSizeGb": 40}),
	}})
	require.NoError(t, err)
	require.Len(t, s.Advisories, 1, "the 7B model fits a 24 GB GPU; the 20B one does not")
	require.Equal(t, "ml-platform:sagemaker.endpoints[1].modelSizeGb", s.Advisories[0].Key)
	require.Contains(t, s.Advisories[0].Message, "g5.xlarge: 22 GB of accelerator memory on 1 node(s), 48 GB needed (inference: 40 GB of weights + 20%")
	require.Contains(t, s.Advisories[0].Message, "go run ./cmd/catalog recommend --workload inference --model-size-gb 40")

	s, err = Parse("ml-platform", "dev", with(base(), KeyCluster, clusterObj(map[string]any{"nodeGroups": []any{
		map[string]any{"name": "system", "role": "system", "instanceTypes": []string{"m6i.xlarge"}},
		map[string]any{"name": "train", "role": "training", "instanceTypes": []string{"p5.48xlarge"}, "efa": true, "maxSize": 2, "modelSizeGb": 140},
		map[string]any{"name": "train-more", "role": "training", "instanceTypes": []string{"p5.48xlarge"}, "efa": true, "maxSize": 3, "modelSizeGb": 140},
	}})))
	require.NoError(t, err)
	require.Len(t, s.Advisories, 1, "two p5 nodes hold 1280 GB, three 1920 GB: 1344 GB are needed")
	require.Equal(t, "ml-platform:cluster.nodeGroups[1].modelSizeGb", s.Advisories[0].Key)
}

// TestMLflowConfig: off unless enabled; the size, window and version are
// checked, and the endpoints the server needs are added.
func TestMLflowConfig(t *testing.T) {
	s, err := parseSM(t, "dev", map[string]any{})
	require.NoError(t, err)
	require.Nil(t, s.SageMaker.MLflow)
	require.NotContains(t, s.Network.InterfaceEndpoints, "sagemaker.experiments")

	s, err = parseSM(t, "prod", map[string]any{"mlflow": map[string]any{"enabled": true, "maintenanceWindow": "sun:03:00"}})
	require.NoError(t, err)
	require.Equal(t, &MLflow{Size: "Small", MaintenanceWindow: "sun:03:00"}, s.SageMaker.MLflow)
	require.Contains(t, s.Network.InterfaceEndpoints, "sagemaker.experiments")
	require.Contains(t, s.Network.InterfaceEndpoints, "sagemaker.api")

	for in, want := range map[string]string{
		`{"enabled": true, "size": "Tiny"}`:                  `ml-platform:sagemaker.mlflow.size: "Tiny" is not a tracking server size; allowed: "Large", "Medium", "Small"`,
		`{"enabled": true, "maintenanceWindow": "Sunday 3"}`: `ml-platform:sagemaker.mlflow.maintenanceWindow: "Sunday 3" is not a weekly window`,
		`{"enabled": true, "version": "latest"}`:             `ml-platform:sagemaker.mlflow.version: "latest" is not an MLflow version`,
		`{"enabled": false, "sise": "Small"}`:                "ml-platform:sagemaker.mlflow.sise: unknown key",
	} {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(in), &m))
		_, err := parseSM(t, "dev", map[string]any{"mlflow": m})
		require.ErrorContains(t, err, want, in)
	}
}

// TestBatchInferenceConfig: off unless enabled; one model source, checked
// like an endpoint's; defaults for the rest.
func TestBatchInferenceConfig(t *testing.T) {
	group := []map[string]any{{"name": "churn"}}
	s, err := parseSM(t, "dev", map[string]any{"batchInference": map[string]any{"enabled": true, "image": inferenceImage, "modelPath": "churn/v1/model.tar.gz"}})
	require.NoError(t, err)
	require.Equal(t, &BatchInference{Image: inferenceImage, ModelPath: "churn/v1/model.tar.gz", InputPrefix: "batch-inference/input/",
		InstanceType: "ml.m5.xlarge", InstanceCount: 1, ContentType: "text/csv", SplitType: "Line", Schedule: "rate(1 day)"}, s.SageMaker.BatchInference)
	require.Contains(t, s.Network.InterfaceEndpoints, "sagemaker.api")

	_, err = parseSM(t, "dev", map[string]any{"modelPackageGroups": group, "batchInference": map[string]any{"enabled": true, "modelPackage": "churn/3"}})
	require.NoError(t, err)

	for name, c := range map[string]struct {
		bi   map[string]any
		want string
	}{
		"no model":        {map[string]any{"enabled": true, "image": inferenceImage}, "ml-platform:sagemaker.batchInference: set modelPath"},
		"both":            {map[string]any{"enabled": true, "image": inferenceImage, "modelPath": "m.tar.gz", "modelPackage": "churn/1"}, "one of them"},
		"unknown group":   {map[string]any{"enabled": true, "modelPackage": "fraud/1"}, `ml-platform:sagemaker.batchInference.modelPackage: "fraud/1" names group "fraud"`},
		"archived model":  {map[string]any{"enabled": true, "image": inferenceImage, "modelPath": "models/churn.tar.gz"}, "Glacier Flexible Retrieval"},
		"image elsewhere": {map[string]any{"enabled": true, "image": strings.Replace(inferenceImage, "us-east-1", "eu-west-1", 1), "modelPath": "m.tar.gz"}, "SageMaker pulls images from the stack's region"},
		"bad split":       {map[string]any{"enabled": true, "image": inferenceImage, "modelPath": "m.tar.gz", "splitType": "Lines"}, `"Lines" is not a split type`},
		"bad prefix":      {map[string]any{"enabled": true, "image": inferenceImage, "modelPath": "m.tar.gz", "inputPrefix": "s3://x/"}, "must be a key prefix"},
	} {
		_, err := parseSM(t, "dev", map[string]any{"modelPackageGroups": group, "batchInference": c.bi})
		require.ErrorContains(t, err, c.want, name)
	}
}
