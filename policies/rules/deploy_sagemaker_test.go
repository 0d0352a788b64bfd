package rules

import (
	"encoding/json"
	"github.com/stretchr/testify/require"
	"testing"
)

func TestEndpointKeyStorageCompatible(t *testing.T) {
	variant := func(instanceType string) map[string]any {
		return map[string]any{"variantName": "main", "instanceType": instanceType, "initialInstanceCount": 2}
	}
	cfg := func(key any, variants ...map[string]any) Resource {
		var vs []any
		for _, v := range variants {
			vs = append(vs, v)
		}
		props := map[string]any{"productionVariants": vs}
		if key != nil {
			props["kmsKeyArn"] = key
		}
		return mk(smEndpointConfigType, "ep", props)
	}
	runRuleCases(t, "sagemaker-endpoint-key-storage-compatible", []ruleCase{
		{name: "key on EBS-backed type", r: cfg("arn:k", variant("ml.m5.xlarge"))},
		{name: "key on NVMe type", r: cfg("arn:k", variant("ml.g5.xlarge")), want: []string{"productionVariants[0] runs on ml.g5.xlarge, which has local NVMe storage"}},
		{name: "key on a mix", r: cfg("arn:k", variant("ml.m5.xlarge"), variant("ml.p4d.24xlarge")), want: []string{"productionVariants[1] runs on ml.p4d.24xlarge"}},
		{name: "no key on NVMe type", r: cfg(nil, variant("ml.g5.xlarge"))},
		// A key still to be created is unknown in a preview, but it is set.
		{name: "key unknown", r: cfg(computed, variant("ml.g5.xlarge")), want: []string{"runs on ml.g5.xlarge"}},
		{name: "instance type unknown", r: cfg("arn:k", map[string]any{"variantName": "main", "instanceType": computed})},
	})
}

func TestSpotWaitValid(t *testing.T) {
	job := func(spot any, stop map[string]any) map[string]any {
		args := map[string]any{"ResourceConfig": map[string]any{"InstanceType": "ml.g5.12xlarge", "InstanceCount": 1}}
		if spot != nil {
			args["EnableManagedSpotTraining"] = spot
		}
		if stop != nil {
			args["StoppingCondition"] = stop
		}
		return args
	}
	pipeline := func(steps ...any) Resource {
		def, err := json.Marshal(map[string]any{"Version": "2020-12-01", "Steps": steps})
		if err != nil {
			t.Fatal(err)
		}
		return mk(smPipelineType, "p", map[string]any{"pipelineDefinition": string(def)})
	}
	train := func(name string, args map[string]any) map[string]any {
		return map[string]any{"Name": name, "Type": "Training", "Arguments": args}
	}
	valid := map[string]any{"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}
	runRuleCases(t, "sagemaker-spot-wait-valid", []ruleCase{
		{name: "spot with a longer wait", r: pipeline(train("Train", job(true, valid)))},
		{name: "spot with an equal wait", r: pipeline(train("Train", job(true, map[string]any{"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 3600})))},
		{name: "spot without a wait", r: pipeline(train("Train", job(true, map[string]any{"MaxRuntimeInSeconds": 3600}))),
			want: []string{"step Train: managed spot training without StoppingCondition.MaxWaitTimeInSeconds"}},
		{name: "spot without a stopping condition", r: pipeline(train("Train", job(true, nil))),
			want: []string{"step Train: managed spot training without StoppingCondition.MaxWaitTimeInSeconds"}},
		{name: "spot waiting less than it runs", r: pipeline(train("Train", job(true, map[string]any{"MaxRuntimeInSeconds": 7200, "MaxWaitTimeInSeconds": 3600}))),
			want: []string{"step Train: MaxWaitTimeInSeconds 3600 is less than MaxRuntimeInSeconds 7200"}},
		{name: "on-demand without a wait", r: pipeline(train("Train", job(false, map[string]any{"MaxRuntimeInSeconds": 3600})))},
		{name: "wait from a pipeline parameter", r: pipeline(train("Train", job(true, map[string]any{"MaxRuntimeInSeconds": 3600,
			"MaxWaitTimeInSeconds": map[string]any{"Get": "Parameters.MaxWait"}})))},
		{name: "tuning definition", r: pipeline(map[string]any{"Name": "Tune", "Type": "Tuning", "Arguments": map[string]any{
			"TrainingJobDefinition": job(true, map[string]any{"MaxRuntimeInSeconds": 3600})}}),
			want: []string{"tuning step Tune: managed spot training without"}},
		{name: "inside a condition", r: pipeline(map[string]any{"Name": "Check", "Type": "Condition", "Arguments": map[string]any{
			"IfSteps": []any{train("Retrain", job(true, map[string]any{"MaxRuntimeInSeconds": 3600}))}}}),
			want: []string{"step Retrain: managed spot training without"}},
		{name: "definition unknown", r: mk(smPipelineType, "p", map[string]any{"pipelineDefinition": computed})},
		{name: "definition not JSON", r: mk(smPipelineType, "p", map[string]any{"pipelineDefinition": "{"})},
	})
}

func TestServerlessSupported(t *testing.T) {
	serverless := func(model any) map[string]any {
		return map[string]any{"variantName": "sl", "modelName": model,
			"serverlessConfig": map[string]any{"maxConcurrency": 5, "memorySizeInMb": 2048}}
	}
	instances := map[string]any{"variantName": "main", "modelName": "m", "instanceType": "ml.m5.large", "initialInstanceCount": 2}
	config := func(extra map[string]any, variants ...map[string]any) Resource {
		var vs []any
		for _, v := range variants {
			vs = append(vs, v)
		}
		props := map[string]any{"productionVariants": vs}
		for k, v := range extra {
			props[k] = v
		}
		return mk(smEndpointConfigType, "c", props)
	}
	model := func(props map[string]any) Resource {
		p := map[string]any{"name": "m"}
		for k, v := range props {
			p[k] = v
		}
		return mk(smModelType, "m", p)
	}
	plain := model(nil)
	inVPC := model(map[string]any{"vpcConfig": map[string]any{"subnets": []any{"subnet-a"}, "securityGroupIds": []any{"sg-a"}}})
	isolated := model(map[string]any{"enableNetworkIsolation": true})
	twoVariants := config(nil, serverless("m"), instances)
	capture := config(map[string]any{"dataCaptureConfig": map[string]any{"enableCapture": true, "destinationS3Uri": "s3://b"}}, serverless("m"))
	captureDefault := config(map[string]any{"dataCaptureConfig": map[string]any{"destinationS3Uri": "s3://b"}}, serverless("m"))
	runStackCases(t, "sagemaker-serverless-supported", []stackCase{
		{name: "plain model on serverless", rs: []Resource{plain, config(nil, serverless("m"))}},
		{name: "capture disabled", rs: []Resource{plain, config(map[string]any{"dataCaptureConfig": map[string]any{"enableCapture": false}}, serverless("m"))}},
		{name: "two variants", rs: []Resource{plain, twoVariants}, want: []Finding{{twoVariants.URN, "2 production variants with a serverless one"}}},
		{name: "capture on", rs: []Resource{plain, capture}, want: []Finding{{capture.URN, "data capture on a serverless endpoint"}}},
		{name: "capture on by default", rs: []Resource{plain, captureDefault}, want: []Finding{{captureDefault.URN, "data capture on a serverless endpoint"}}},
		{name: "model in a VPC", rs: []Resource{inVPC, config(nil, serverless("m"))}, want: []Finding{{inVPC.URN, "vpcConfig on a model served by a serverless endpoint"}}},
		{name: "isolated model", rs: []Resource{isolated, config(nil, serverless("m"))}, want: []Finding{{isolated.URN, "enableNetworkIsolation on a model served by a serverless endpoint"}}},
		{name: "isolated model by dependency", rs: []Resource{isolated, withDeps(config(nil, serverless(computed)), "productionVariants", isolated.URN)},
			want: []Finding{{isolated.URN, "enableNetworkIsolation on a model"}}},
		{name: "model in a VPC on instances", rs: []Resource{inVPC, config(nil, instances)}},
		{name: "variants unknown", rs: []Resource{inVPC, mk(smEndpointConfigType, "c", map[string]any{"productionVariants": computed})}},
	})
}

func TestPipelineVolumeKeyStorage(t *testing.T) {
	pipeline := func(params []any, steps ...any) Resource {
		def, err := json.Marshal(map[string]any{"Version": "2020-12-01", "Parameters": params, "Steps": steps})
		if err != nil {
			t.Fatal(err)
		}
		return mk(smPipelineType, "p", map[string]any{"pipelineDefinition": string(def)})
	}
	train := func(typ any, key bool) map[string]any {
		rc := map[string]any{"InstanceType": typ, "InstanceCount": 1, "VolumeSizeInGB": 100}
		if key {
			rc["VolumeKmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/k"
		}
		return map[string]any{"Name": "Train", "Type": "Training", "Arguments": map[string]any{"ResourceConfig": rc}}
	}
	process := func(typ any, key bool) map[string]any {
		cc := map[string]any{"InstanceType": typ, "InstanceCount": 1}
		if key {
			cc["VolumeKmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/k"
		}
		return map[string]any{"Name": "Prep", "Type": "Processing", "Arguments": map[string]any{"ProcessingResources": map[string]any{"ClusterConfig": cc}}}
	}
	transform := func(typ any, key bool) map[string]any {
		tr := map[string]any{"InstanceType": typ, "InstanceCount": 1}
		if key {
			tr["VolumeKmsKeyId"] = "arn:aws:kms:us-east-1:123456789012:key/k"
		}
		return map[string]any{"Name": "BatchTransform", "Type": "Transform", "Arguments": map[string]any{"TransformResources": tr}}
	}
	param := func(def string, enum ...any) []any {
		p := map[string]any{"Name": "T", "Type": "String", "DefaultValue": def}
		if enum != nil {
			p["EnumValues"] = enum
		}
		return []any{p}
	}
	ref := map[string]any{"Get": "Parameters.T"}
	runRuleCases(t, "sagemaker-pipeline-volume-key-storage-compatible", []ruleCase{
		{name: "key on an EBS-only type", r: pipeline(nil, train("ml.m5.xlarge", true))},
		{name: "no key on an NVMe type", r: pipeline(nil, train("ml.g5.2xlarge", false))},
		{name: "key on an NVMe type", r: pipeline(nil, train("ml.g5.2xlarge", true)),
			want: []string{"step Train sets VolumeKmsKeyId but may run on ml.g5.2xlarge, with local NVMe storage"}},
		{name: "key on a processing job on an NVMe type", r: pipeline(nil, process("ml.g5.xlarge", true)),
			want: []string{"step Prep sets VolumeKmsKeyId but may run on ml.g5.xlarge"}},
		{name: "key on a batch transform on an EBS-only type", r: pipeline(nil, transform("ml.m5.xlarge", true))},
		{name: "key on a batch transform on an NVMe type", r: pipeline(nil, transform("ml.g5.xlarge", true)),
			want: []string{"step BatchTransform sets VolumeKmsKeyId but may run on ml.g5.xlarge"}},
		{name: "key on a parameter limited to EBS types", r: pipeline(param("ml.m5.xlarge", "ml.m5.xlarge", "ml.c5.xlarge"), train(ref, true))},
		{name: "key on a parameter whose values include NVMe", r: pipeline(param("ml.m5.xlarge", "ml.m5.xlarge", "ml.p4d.24xlarge"), train(ref, true)),
			want: []string{"may run on ml.p4d.24xlarge"}},
		{name: "key on a parameter anyone may override", r: pipeline(param("ml.m5.xlarge"), train(ref, true)),
			want: []string{"step Train sets VolumeKmsKeyId on parameter T, which has no EnumValues"}},
		{name: "definition unknown", r: mk(smPipelineType, "p", map[string]any{"pipelineDefinition": computed})},
	})
}

func TestDataCaptureSupported(t *testing.T) {
	rule := stackRuleNamed(t, "sagemaker-data-capture-supported")
	capture := map[string]any{"enableCapture": true, "initialSamplingPercentage": 20, "destinationS3Uri": "s3://a/capture/"}
	model := func(mode string) Resource {
		return mk(smModelType, "m", map[string]any{"name": "m", "primaryContainer": map[string]any{"image": "i", "mode": mode}})
	}
	config := func(extra map[string]any) Resource {
		props := map[string]any{"productionVariants": []any{map[string]any{"variantName": "main", "modelName": "m", "instanceType": "ml.m5.xlarge"}}}
		for k, v := range extra {
			props[k] = v
		}
		return mk(smEndpointConfigType, "c", props)
	}
	for _, c := range []struct {
		name string
		rs   []Resource
		want string
	}{
		{"real-time with capture", []Resource{model("SingleModel"), config(map[string]any{"dataCaptureConfig": capture})}, ""},
		{"async without capture", []Resource{model("SingleModel"), config(map[string]any{"asyncInferenceConfig": map[string]any{}})}, ""},
		{"async with capture", []Resource{model("SingleModel"), config(map[string]any{"dataCaptureConfig": capture, "asyncInferenceConfig": map[string]any{}})},
			"data capture on an asynchronous endpoint"},
		{"multi-model with capture", []Resource{model("MultiModel"), config(map[string]any{"dataCaptureConfig": capture})},
			"data capture on a multi-model endpoint"},
		{"multi-model with capture off", []Resource{model("MultiModel"), config(map[string]any{"dataCaptureConfig": map[string]any{"enableCapture": false}})}, ""},
	} {
		runStackCase(t, rule, c.name, c.rs, c.want)
	}
}

func TestModelArtifactReadable(t *testing.T) {
	rule := stackRuleNamed(t, "sagemaker-model-artifact-readable")
	model := func(url string) Resource {
		return mk(smModelType, "m", map[string]any{"primaryContainer": map[string]any{"image": "i", "modelDataUrl": url}})
	}
	lifecycle := func(rules ...any) Resource {
		return mk("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "lc", map[string]any{"bucket": "models", "rules": rules})
	}
	archive := func(prefix, class string) map[string]any {
		return map[string]any{"id": "archive", "status": "Enabled", "filter": map[string]any{"prefix": prefix},
			"transitions": []any{map[string]any{"days": 180, "storageClass": class}}}
	}
	for _, c := range []struct {
		name string
		rs   []Resource
		want string
	}{
		{"served outside the archive prefix", []Resource{model("s3://models/churn/model.tar.gz"), lifecycle(archive("models/", "GLACIER"))}, ""},
		{"served from the archive prefix", []Resource{model("s3://models/models/churn/model.tar.gz"), lifecycle(archive("models/", "GLACIER"))},
			`lifecycle rule "archive" (prefix "models/") moves it to GLACIER`},
		{"archived bucket-wide", []Resource{model("s3://models/churn/model.tar.gz"), lifecycle(archive("", "DEEP_ARCHIVE"))}, "moves it to DEEP_ARCHIVE"},
		{"instant retrieval is readable", []Resource{model("s3://models/churn/model.tar.gz"), lifecycle(archive("", "GLACIER_IR"))}, ""},
		{"a multi-model prefix above the archive", []Resource{model("s3://models/"), lifecycle(archive("models/", "GLACIER"))}, "moves it to GLACIER"},
		{"another bucket", []Resource{model("s3://other/churn/model.tar.gz"), lifecycle(archive("", "GLACIER"))}, ""},
		{"Intelligent-Tiering archive tiers", []Resource{model("s3://models/churn/model.tar.gz"),
			mk("aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration", "it", map[string]any{
				"bucket": "models", "status": "Enabled", "tierings": []any{map[string]any{"accessTier": "ARCHIVE_ACCESS", "days": 90}}})},
			"Intelligent-Tiering archive tiers"},
	} {
		runStackCase(t, rule, c.name, c.rs, c.want)
	}
}

// runStackCase runs a stack rule over rs: no finding when want is "", else
// one finding containing want.
func runStackCase(t *testing.T, rule StackRule, name string, rs []Resource, want string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		got := rule.Check(rs, nil)
		if want == "" {
			require.Empty(t, got)
			return
		}
		require.Len(t, got, 1)
		require.Contains(t, got[0].Message, want)
	})
}
