package rules

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/ml-platform/ml-platform/catalog"
)

// Deploy-readiness rules for SageMaker: what CreateEndpointConfig,
// CreateModel and CreateTrainingJob refuse (catalog.SageMakerFactsSource,
// catalog.SageMakerInstanceStorageSource).
func init() {
	register(ConcernDeploy,
		Rule{
			Name: "sagemaker-endpoint-key-storage-compatible",
			Description: "CreateEndpointConfig fails when a KMS key is given for an instance type with local NVMe " +
				"storage (that storage is encrypted by the hardware).",
			Checks: "An `aws:sagemaker/endpointConfiguration` that sets `kmsKeyArn` has no production variant on an ml.* type " +
				"the catalog records with instance storage.",
			Level: Mandatory,
			Types: []string{smEndpointConfigType},
			Check: checkEndpointKeyStorage,
		},
		Rule{
			Name: "sagemaker-pipeline-volume-key-storage-compatible",
			Description: "CreateTrainingJob, CreateHyperParameterTuningJob, CreateProcessingJob and CreateTransformJob refuse a VolumeKmsKeyId " +
				"on an instance type with local NVMe storage. CreatePipeline does not check: every execution fails " +
				"instead, including one that overrides an instance-type parameter with such a type.",
			Checks: "Every job of an `aws:sagemaker/pipeline` `pipelineDefinition` (Training, Tuning, Processing and Transform steps, " +
				"Condition branches) that sets `VolumeKmsKeyId` runs on types without instance storage: a literal type, or " +
				"a parameter whose default and every `EnumValues` entry are such types (a parameter without `EnumValues` " +
				"may be overridden with any type, so it fires).",
			Level: Mandatory,
			Types: []string{smPipelineType},
			Check: checkPipelineVolumeKeys,
		},
		Rule{
			Name: "sagemaker-spot-wait-valid",
			Description: "SageMaker refuses managed spot training whose MaxWaitTimeInSeconds is missing or shorter than " +
				"MaxRuntimeInSeconds: the wait includes the run.",
			Checks: "Every training job of an `aws:sagemaker/pipeline` `pipelineDefinition` (Training steps, tuning " +
				"definitions, Condition branches) with `EnableManagedSpotTraining: true` sets " +
				"`StoppingCondition.MaxWaitTimeInSeconds` at least `MaxRuntimeInSeconds`.",
			Level: Mandatory,
			Types: []string{smPipelineType},
			Check: checkSpotWait,
		},
	)
	registerStack(ConcernDeploy, StackRule{
		Name: "sagemaker-model-artifact-readable",
		Description: "An endpoint loads its model artifact whenever it starts an instance (scale-out, replacement) and a " +
			"multi-model endpoint whenever a model is first invoked. An artifact a lifecycle rule has moved to Glacier " +
			"Flexible Retrieval or Deep Archive, or an Intelligent-Tiering archive tier, answers InvalidObjectState until " +
			"restored: the endpoint fails months after it deployed.",
		Checks: "For every `aws:sagemaker/model:Model` whose `modelDataUrl` (primary container or containers) is in a bucket " +
			"of the plan, no enabled rule of that bucket's `aws:s3/bucketLifecycleConfigurationV2` whose prefix covers " +
			"the key (or a multi-model prefix) transitions current objects to GLACIER or DEEP_ARCHIVE, and no " +
			"`aws:s3/bucketIntelligentTieringConfiguration` with archive tiers covers it.",
		Level: Mandatory,
		Types: []string{smModelType},
		Check: checkModelArtifactReadable,
	})
	registerStack(ConcernDeploy, StackRule{
		Name: "sagemaker-data-capture-supported",
		Description: "Data capture works on real-time endpoints serving one model: asynchronous inference does not " +
			"capture, and Model Monitor does not support multi-model endpoints (catalog.SageMakerCaptureSource). " +
			"Capture configured there records nothing, and the checks that read it see nothing.",
		Checks: "An `aws:sagemaker/endpointConfiguration` with an enabled `dataCaptureConfig` has no `asyncInferenceConfig` " +
			"and serves no `aws:sagemaker/model:Model` whose `primaryContainer.mode` is `MultiModel`.",
		Level: Mandatory,
		Types: []string{smEndpointConfigType},
		Check: checkDataCaptureSupported,
	})
	registerStack(ConcernDeploy, StackRule{
		Name: "sagemaker-serverless-supported",
		Description: "Serverless inference takes one variant, no data capture, and models without a VPC " +
			"configuration or network isolation: SageMaker refuses anything else.",
		Checks: "An `aws:sagemaker/endpointConfiguration` with a `serverlessConfig` variant has exactly one variant and " +
			"no enabled `dataCaptureConfig`; an `aws:sagemaker/model:Model` served only by serverless variants sets no " +
			"`vpcConfig` and no `enableNetworkIsolation: true`.",
		Level: Mandatory,
		Types: []string{smEndpointConfigType, smModelType},
		Check: checkServerlessSupported,
	})
}

func checkEndpointKeyStorage(r Resource, _ map[string]any) []string {
	if !isSet(r.Properties, "kmsKeyArn") {
		return nil
	}
	variants, _ := getMaps(r.Properties, "productionVariants")
	var out []string
	for i, v := range variants {
		if hasInstanceStorage(v) {
			t, _ := getString(v, "instanceType")
			out = append(out, fmt.Sprintf("productionVariants[%d] runs on %s, which has local NVMe storage: "+
				"CreateEndpointConfig fails with kmsKeyArn set; leave it unset (the hardware encrypts that storage)", i, t))
		}
	}
	return out
}

// pipelineDefinition reads a pipeline's definition; ok is false when it is
// unknown or not JSON (nothing to judge).
func pipelineDefinition(r Resource) (map[string]any, bool) {
	def, ok := getString(r.Properties, "pipelineDefinition")
	if !ok {
		return nil, false
	}
	var doc map[string]any
	if json.Unmarshal([]byte(def), &doc) != nil {
		return nil, false
	}
	return doc, true
}

func checkSpotWait(r Resource, _ map[string]any) []string {
	doc, ok := pipelineDefinition(r)
	if !ok {
		return nil
	}
	steps, _ := doc["Steps"].([]any)
	var out []string
	forEachTrainingJob(steps, func(where string, args map[string]any) {
		if spot, _ := args["EnableManagedSpotTraining"].(bool); !spot {
			return
		}
		stop, _ := args["StoppingCondition"].(map[string]any)
		wait, waitOK := stop["MaxWaitTimeInSeconds"].(float64)
		run, runOK := stop["MaxRuntimeInSeconds"].(float64)
		switch {
		case stop["MaxWaitTimeInSeconds"] == nil:
			out = append(out, where+": managed spot training without StoppingCondition.MaxWaitTimeInSeconds: SageMaker refuses it")
		case waitOK && runOK && wait < run:
			out = append(out, fmt.Sprintf("%s: MaxWaitTimeInSeconds %.0f is less than MaxRuntimeInSeconds %.0f: SageMaker refuses it", where, wait, run))
		}
	})
	return out
}

func checkServerlessSupported(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, r := range rs {
		switch r.Type {
		case smEndpointConfigType:
			variants, p := getMaps(r.Properties, "productionVariants")
			if p != present || !slices.ContainsFunc(variants, isServerless) {
				continue
			}
			if len(variants) > 1 {
				out = append(out, Finding{r.URN, fmt.Sprintf("%d production variants with a serverless one: serverless endpoints take one", len(variants))})
			}
			if _, dp := lookup(r.Properties, "dataCaptureConfig"); dp == present {
				if on, ok := getBool(r.Properties, "dataCaptureConfig", "enableCapture"); !ok || on {
					out = append(out, Finding{r.URN, "data capture on a serverless endpoint: SageMaker does not capture serverless inference"})
				}
			}
		case smModelType:
			if !servedOnlyServerless(rs, r) {
				continue
			}
			if _, vp := lookup(r.Properties, "vpcConfig"); vp == present {
				out = append(out, Finding{r.URN, "vpcConfig on a model served by a serverless endpoint: serverless inference takes no VPC configuration"})
			}
			if on, ok := getBool(r.Properties, "enableNetworkIsolation"); ok && on {
				out = append(out, Finding{r.URN, "enableNetworkIsolation on a model served by a serverless endpoint: serverless inference does not support it"})
			}
		}
	}
	return out
}

func isServerless(v property.Map) bool {
	_, p := lookup(v, "serverlessConfig")
	return p == present
}

// checkPipelineVolumeKeys fires on pipeline jobs that set a volume key on
// a type, or a type parameter, that may have local NVMe storage.
func checkPipelineVolumeKeys(r Resource, _ map[string]any) []string {
	doc, ok := pipelineDefinition(r)
	if !ok {
		return nil
	}
	params := map[string]map[string]any{}
	list, _ := doc["Parameters"].([]any)
	for _, p := range list {
		if pm, ok := p.(map[string]any); ok {
			if name, ok := pm["Name"].(string); ok {
				params[name] = pm
			}
		}
	}
	steps, _ := doc["Steps"].([]any)
	var out []string
	forEachJobResources(steps, func(where string, res map[string]any) {
		if _, keyed := res["VolumeKmsKeyId"]; !keyed {
			return
		}
		var candidates []string
		switch t := res["InstanceType"].(type) {
		case string:
			candidates = []string{t}
		case map[string]any:
			path, _ := t["Get"].(string)
			name, isParam := strings.CutPrefix(path, "Parameters.")
			p, known := params[name]
			if !isParam || !known {
				return
			}
			if def, ok := p["DefaultValue"].(string); ok {
				candidates = append(candidates, def)
			}
			enum, _ := p["EnumValues"].([]any)
			if len(enum) == 0 {
				out = append(out, fmt.Sprintf("%s sets VolumeKmsKeyId on parameter %s, which has no EnumValues: an execution may "+
					"override it with a type with local NVMe storage, and SageMaker refuses the job", where, name))
				return
			}
			for _, e := range enum {
				if s, ok := e.(string); ok {
					candidates = append(candidates, s)
				}
			}
		}
		var nvme []string
		for _, c := range candidates {
			if i, k := catalog.ResolveSageMakerInstance(c); k != catalog.NotEC2 && i.InstanceStorage && !slices.Contains(nvme, c) {
				nvme = append(nvme, c)
			}
		}
		if len(nvme) > 0 {
			out = append(out, fmt.Sprintf("%s sets VolumeKmsKeyId but may run on %s, with local NVMe storage: SageMaker refuses "+
				"a volume key there (the hardware encrypts that storage); leave it unset for such types", where, strings.Join(nvme, ", ")))
		}
	})
	return out
}

// forEachJobResources visits the compute settings of every job of a
// pipeline: training and tuning ResourceConfig, processing ClusterConfig,
// through Condition branches.
func forEachJobResources(steps []any, visit func(where string, res map[string]any)) {
	forEachTrainingJob(steps, func(where string, args map[string]any) {
		if rc, ok := args["ResourceConfig"].(map[string]any); ok {
			visit(where, rc)
		}
	})
	var processing func([]any)
	processing = func(steps []any) {
		for i, s := range steps {
			step, _ := s.(map[string]any)
			args, _ := step["Arguments"].(map[string]any)
			name, _ := step["Name"].(string)
			if name == "" {
				name = fmt.Sprintf("Steps[%d]", i)
			}
			switch step["Type"] {
			case "Processing":
				pr, _ := args["ProcessingResources"].(map[string]any)
				if cc, ok := pr["ClusterConfig"].(map[string]any); ok {
					visit("step "+name, cc)
				}
			case "Transform":
				if tr, ok := args["TransformResources"].(map[string]any); ok {
					visit("step "+name, tr)
				}
			case "Condition":
				for _, branch := range []string{"IfSteps", "ElseSteps"} {
					nested, _ := args[branch].([]any)
					processing(nested)
				}
			}
		}
	}
	processing(steps)
}

func checkDataCaptureSupported(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, c := range rs {
		if c.Type != smEndpointConfigType {
			continue
		}
		if _, dp := lookup(c.Properties, "dataCaptureConfig"); dp != present {
			continue
		}
		if on, ok := getBool(c.Properties, "dataCaptureConfig", "enableCapture"); ok && !on {
			continue
		}
		if _, ap := lookup(c.Properties, "asyncInferenceConfig"); ap == present {
			out = append(out, Finding{c.URN, "data capture on an asynchronous endpoint: asynchronous inference does not capture " +
				"requests and responses; turn capture off (catalog.SageMakerCaptureSource)"})
		}
		for _, m := range rs {
			if m.Type != smModelType {
				continue
			}
			if mode, _ := getString(m.Properties, "primaryContainer", "mode"); mode != "MultiModel" {
				continue
			}
			if len(variantsServing([]Resource{c}, m)) > 0 {
				out = append(out, Finding{c.URN, "data capture on a multi-model endpoint: Model Monitor supports only endpoints " +
					"that host a single model; turn capture off (catalog.SageMakerCaptureSource)"})
			}
		}
	}
	return out
}

// checkModelArtifactReadable fires on models whose artifact a lifecycle
// rule or an Intelligent-Tiering configuration archives.
func checkModelArtifactReadable(rs []Resource, _ map[string]any) []Finding {
	var out []Finding
	for _, m := range rs {
		if m.Type != smModelType {
			continue
		}
		var urls []string
		if u, ok := getString(m.Properties, "primaryContainer", "modelDataUrl"); ok {
			urls = append(urls, u)
		}
		containers, _ := getMaps(m.Properties, "containers")
		for _, c := range containers {
			if u, ok := getString(c, "modelDataUrl"); ok {
				urls = append(urls, u)
			}
		}
		for _, u := range urls {
			bucket, key, ok := strings.Cut(strings.TrimPrefix(u, "s3://"), "/")
			if !ok || !strings.HasPrefix(u, "s3://") {
				continue
			}
			for _, why := range archivedBy(rs, bucket, key) {
				out = append(out, Finding{m.URN, fmt.Sprintf("model artifact %s: %s; GetObject fails until it is restored, so scale-out, "+
					"instance replacement and multi-model loading fail: serve from a prefix no archive rule covers", u, why)})
			}
		}
	}
	return out
}

// archivedBy says which lifecycle rules or Intelligent-Tiering
// configurations of bucket archive key (or, for a prefix, anything under it).
func archivedBy(rs []Resource, bucket, key string) []string {
	covers := func(prefix string) bool { return strings.HasPrefix(key, prefix) || strings.HasPrefix(prefix, key) }
	var out []string
	for _, r := range rs {
		if b, _ := getString(r.Properties, "bucket"); b != bucket {
			continue
		}
		switch r.Type {
		case "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":
			rules, _ := getMaps(r.Properties, "rules")
			for _, rule := range rules {
				if status, _ := getString(rule, "status"); status != "Enabled" {
					continue
				}
				prefix, _ := getString(rule, "filter", "prefix")
				if p, ok := getString(rule, "filter", "and", "prefix"); ok {
					prefix = p
				}
				if !covers(prefix) {
					continue
				}
				ts, _ := getMaps(rule, "transitions")
				for _, t := range ts {
					class, _ := getString(t, "storageClass")
					if class == catalog.S3Glacier || class == catalog.S3DeepArchive {
						id, _ := getString(rule, "id")
						out = append(out, fmt.Sprintf("lifecycle rule %q (prefix %q) moves it to %s", id, prefix, class))
					}
				}
			}
		case "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration":
			if status, ok := getString(r.Properties, "status"); ok && status != "Enabled" {
				continue
			}
			prefix, _ := getString(r.Properties, "filter", "prefix")
			if tiers, _ := getMaps(r.Properties, "tierings"); len(tiers) > 0 && covers(prefix) {
				out = append(out, fmt.Sprintf("Intelligent-Tiering archive tiers (prefix %q) archive it", prefix))
			}
		}
	}
	return out
}
